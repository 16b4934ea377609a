"""Avatars of watched accounts, served from Parvis itself.

The Content Security Policy allows images from Parvis only (``img-src 'self'``), and a
browser loading a network's CDN directly would tell it who is looking. So the page links to
this view with the avatar's address *signed* by the server (no one can make Parvis fetch an
address it did not put in a page), and the view fetches it through the guarded HTTP client,
small and image-only.
"""

from __future__ import annotations

import httpx
from django.core import signing

from parvis.core.guarded_http import guarded_client

SALT = "parvis.watch.avatar"
MAX_BYTES = 512 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def avatar_token(url: str) -> str:
    return signing.dumps(url, salt=SALT, compress=True)


def avatar_url_from(token: str) -> str | None:
    try:
        url = signing.loads(token, salt=SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    return url if isinstance(url, str) and url.startswith("https://") else None


def avatar_fetch(url: str) -> tuple[bytes, str] | None:
    """The image and its type, or None when it cannot be had (refused, too big, not an image)."""
    try:
        with guarded_client(max_bytes=MAX_BYTES, deadline=8.0, follow_redirects=True) as client:
            response = client.get(url)
    except httpx.HTTPError:
        return None
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if response.status_code != 200 or kind not in IMAGE_TYPES:
        return None
    return response.content, kind
