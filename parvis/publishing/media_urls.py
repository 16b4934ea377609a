"""Signed, expiring public addresses for media that networks fetch by URL (Instagram,
Facebook): the original, or the copy made for that network. And the check that the configured
public base URL can be reached from outside."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core import signing
from django.urls import reverse

from parvis.core.public_url import public_url
from parvis.publishing.models import MediaAsset, MediaRendition

SALT = "parvis.publishing.media-url"
# Meta downloads the file while the publish call runs; a few hours covers retries.
LIFETIME = timedelta(hours=6)


def signed_media_url(
    asset: MediaAsset,
    *,
    now: datetime,
    lifetime: timedelta = LIFETIME,
    rendition: MediaRendition | None = None,
) -> str:
    """An absolute URL under ``PARVIS_PUBLIC_BASE_URL`` serving ``asset`` (or its copy
    ``rendition`` made for one network) until ``now + lifetime``; nobody can forge or extend it
    without the secret key."""
    expires = int((now + lifetime).timestamp())
    grant: dict[str, int] = {"m": asset.pk, "e": expires}
    if rendition is not None:
        grant["r"] = rendition.pk
    token = signing.dumps(grant, salt=SALT, compress=True)
    path = reverse("posts:media_public", kwargs={"token": token})
    return public_url(path)


def media_grant_from_token(token: str, *, now: datetime) -> tuple[int, int | None] | None:
    """(media id, rendition id or None) a token grants, or None when it is forged, malformed
    or expired."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    media_id, expires, rendition_id = data.get("m"), data.get("e"), data.get("r")
    if not isinstance(media_id, int) or not isinstance(expires, int):
        return None
    if rendition_id is not None and not isinstance(rendition_id, int):
        return None
    return (media_id, rendition_id) if now.timestamp() < expires else None


def media_id_from_token(token: str, *, now: datetime) -> int | None:
    """The media id a token grants, or None when it is forged, malformed or expired."""
    grant = media_grant_from_token(token, now=now)
    return grant[0] if grant is not None else None


def unreachable_from_outside(base_url: str) -> bool:
    """True when ``base_url`` names this machine or a private network: Instagram and Facebook
    download media from their own servers and cannot reach such an address."""
    host = (urlsplit(base_url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith((".local", ".lan", ".internal", ".home")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare machine name resolves only inside the network
    return address.is_private or address.is_loopback or address.is_link_local
