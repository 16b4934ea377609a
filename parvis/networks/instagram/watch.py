"""The watch (« Veille ») on Instagram: Business Discovery — other **professional** accounts'
profile and media, read through the organisation's own account (wave2-apis §1.4).

``GET /{our-ig-user-id}?fields=business_discovery.username(<name>){…}`` exists only in the
Instagram API **with Facebook Login** (``graph.facebook.com``): an account connected with
Instagram Login (``graph.instagram.com``) gets :class:`NotSupported` with what to do.

* :func:`public_profile` — ``@name`` or ``instagram.com/name/``. Business Discovery looks
  accounts up **by username only**, so ``PublicProfile.remote_id`` is the username (not the
  numeric id, which no call accepts back); a renamed account must be found again. Personal,
  unknown or age-gated accounts are :class:`NotFound` (Graph's ``(#110) Invalid user id``
  [3P]).
* :func:`public_posts` — the same call with ``media.limit(n).after(cursor){…}``; ``like_count``
  is absent when the owner hides likes (then the counter is unknown, not 0).
* :func:`search_posts` — **not supported**: hashtag search needs the *Instagram Public Content
  Access* feature (App Review) and allows 30 hashtags per account per 7 days.

Calls count against the organisation's account in Meta's Business Use Case limits.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import Page, PublicPost, PublicProfile
from parvis.networks.errors import NotFound, NotSupported, Rejected
from parvis.networks.instagram import client as api
from parvis.networks.meta import graph

PROFILE_FIELDS = "id,username,name,profile_picture_url,followers_count,media_count"
MEDIA_FIELDS = "id,caption,like_count,comments_count,timestamp,permalink,media_type"
MAX_PAGE = 50
_USERNAME = re.compile(r"@?([A-Za-z0-9._]{1,30})")
_CURSOR = re.compile(r"[A-Za-z0-9_=-]+")
NOT_FOUND_CODES = frozenset({"110", "110/2207013"})
INSTAGRAM_LOGIN_REFUSAL = (
    "Instagram ne permet de lire d’autres comptes professionnels qu’aux comptes connectés via "
    "Facebook\u202f: reconnectez ce compte Instagram par sa Page Facebook"
)
SEARCH_REFUSAL = (
    "la recherche par hashtag Instagram demande une autorisation de Meta que Parvis n’a pas "
    "(30 hashtags par semaine)\u202f: suivez plutôt les comptes concurrents"
)


def public_profile(connector: Connector, handle_or_url: str) -> PublicProfile:
    username = _username(handle_or_url)
    found = _discover(connector, username, PROFILE_FIELDS)
    name = jsonread.text(found, "username") or username
    return PublicProfile(
        remote_id=name,
        handle=name,
        display_name=jsonread.text(found, "name"),
        avatar_url=jsonread.text(found, "profile_picture_url"),
        url=api.profile_url(name),
        followers=jsonread.integer(found.get("followers_count")),
        posts=jsonread.integer(found.get("media_count")),
    )


def public_posts(
    connector: Connector, profile_id: str, *, cursor: str | None, limit: int
) -> Page[PublicPost]:
    username = _username(profile_id)
    edge = f"media.limit({min(max(limit, 1), MAX_PAGE)})"
    if cursor and _CURSOR.fullmatch(cursor):
        edge += f".after({cursor})"
    found = _discover(connector, username, f"id,username,name,{edge}{{{MEDIA_FIELDS}}}")
    media = jsonread.obj(found, "media")
    items = graph.data_list(media, "instagram") if media else []
    author = (jsonread.text(found, "id"), jsonread.text(found, "username") or username)
    posts = tuple(_post(item, author, jsonread.text(found, "name")) for item in items)
    after = jsonread.text(media, "paging", "cursors", "after")
    more = bool(jsonread.text(media, "paging", "next"))
    return Page(posts, after if after and more else None)


def _discover(connector: Connector, username: str, fields: str) -> dict[str, Any]:
    if urlsplit(connector.base_url).hostname == urlsplit(api.INSTAGRAM_HOST).hostname:
        raise NotSupported(INSTAGRAM_LOGIN_REFUSAL, network="instagram")
    params = {"fields": f"business_discovery.username({username}){{{fields}}}"}
    path = api.USER.format(ig_user_id=connector.account_id)
    try:
        body = connector.request("GET", path, params=params).body
    except Rejected as exc:
        if exc.remote_code in NOT_FOUND_CODES:
            raise NotFound(
                f"aucun compte Instagram professionnel «\u202f{username}\u202f»",
                network="instagram",
                status=exc.status,
                remote_code=exc.remote_code,
            ) from exc
        raise
    found = jsonread.obj(body, "business_discovery")
    if not found:
        raise NotFound(
            f"aucun compte Instagram professionnel «\u202f{username}\u202f»", network="instagram"
        )
    return found


def _username(asked: str) -> str:
    value = asked.strip()
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        segments = [s for s in parts.path.split("/") if s]
        host = (parts.hostname or "").removeprefix("www.")
        value = segments[0] if host == "instagram.com" and segments else ""
    found = _USERNAME.fullmatch(value)
    if found is None:
        raise NotFound(
            f"«\u202f{asked[:80]}\u202f» n’est pas un compte Instagram "
            "(attendu\u202f: @nom ou l’adresse instagram.com/nom)",
            network="instagram",
        )
    return found.group(1)


def _post(item: dict[str, Any], author: tuple[str, str], name: str) -> PublicPost:
    media_id = jsonread.text(item, "id")
    return PublicPost(
        remote_id=media_id,
        url=jsonread.text(item, "permalink"),
        text=jsonread.text(item, "caption"),
        created_at=jsonread.parse_time(item.get("timestamp")),
        author_id=author[0],
        author_handle=author[1],
        author_name=name,
        counters=jsonread.counters(
            item, {"like_count": "like_count", "comments_count": "comments_count"}
        ),
    )
