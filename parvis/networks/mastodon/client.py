"""Mastodon client API: endpoints, and the parsing of Mastodon's answers (no HTTP here).

Every server has the same paths under its own address (``account.api_base_url``). Statuses come
back as HTML (``content``); :func:`plain_text` turns that into the text people typed, closely
enough to recognise our own post after a lost answer.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import httpx

from parvis.networks import jsonread
from parvis.networks.errors import Transient

# https://docs.joinmastodon.org/methods/accounts/#verify_credentials
VERIFY_CREDENTIALS = "/api/v1/accounts/verify_credentials"
# https://docs.joinmastodon.org/methods/accounts/#statuses
ACCOUNT_STATUSES = "/api/v1/accounts/{id}/statuses"
# https://docs.joinmastodon.org/methods/statuses/#create
STATUSES = "/api/v1/statuses"
# https://docs.joinmastodon.org/methods/statuses/#delete (and #get)
STATUS = "/api/v1/statuses/{id}"
# https://docs.joinmastodon.org/methods/statuses/#index (4.3+: several ids at once)
STATUSES_BY_ID = "/api/v1/statuses"
# https://docs.joinmastodon.org/methods/statuses/#context
STATUS_CONTEXT = "/api/v1/statuses/{id}/context"
# https://docs.joinmastodon.org/methods/media/#v2
MEDIA_UPLOAD = "/api/v2/media"
# https://docs.joinmastodon.org/methods/media/#get
MEDIA = "/api/v1/media/{id}"
# https://docs.joinmastodon.org/methods/notifications/#get
NOTIFICATIONS = "/api/v1/notifications"
# https://docs.joinmastodon.org/methods/conversations/#get
CONVERSATIONS = "/api/v1/conversations"
# https://docs.joinmastodon.org/methods/instance/#v2
INSTANCE = "/api/v2/instance"
# https://docs.joinmastodon.org/methods/oauth/#revoke — form client_id, client_secret, token;
# 200 ``{}`` (idempotent), 403 ``unauthorized_client`` for a token the app does not own
REVOKE = "/oauth/revoke"

STATUS_METRICS = ("replies_count", "reblogs_count", "favourites_count", "quotes_count")
ACCOUNT_METRICS = ("followers_count", "following_count", "statuses_count")
_NEXT_LINK = re.compile(r"<([^>]+)>\s*;\s*rel=\"?next\"?")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def obj(value: Any, what: str = "object") -> dict[str, Any]:
    """``value`` as a JSON object; anything else is a Transient error, never a KeyError."""
    if not isinstance(value, dict):
        raise Transient(f"Mastodon answered without a {what}", network="mastodon")
    return value


def objects(value: Any) -> list[dict[str, Any]]:
    """A JSON array of objects (odd items dropped); not an array is a Transient error."""
    if not isinstance(value, list):
        raise Transient("Mastodon answered without an array", network="mastodon")
    return [item for item in value if isinstance(item, dict)]


def required_id(item: dict[str, Any]) -> str:
    """The ``id`` of an entity; missing means the answer changed shape (Transient)."""
    value = jsonread.text_or_number(item, "id")
    if not value:
        raise Transient("Mastodon answered without an id", network="mastodon")
    return value


def plain_text(content: str) -> str:
    """The text of a status' HTML ``content``: line breaks kept, tags dropped, entities decoded.

    Shortened links keep their hidden parts in ``<span class="invisible">``, so dropping the tags
    gives the full URL back.
    """
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def next_max_id(headers: httpx.Headers) -> str | None:
    """The ``max_id`` of the ``rel="next"`` page in the ``Link`` header (None: last page)."""
    found = _NEXT_LINK.search(headers.get("link", ""))
    if found is None:
        return None
    values = httpx.URL(found.group(1)).params.get_list("max_id")
    return values[0] if values and values[0] else None


def counters(item: dict[str, Any], names: tuple[str, ...]) -> dict[str, int]:
    """Integer counters of ``item``. ``quotes_count`` arrived with Mastodon 4.5: a server that
    does not send it has no quote posts, so its count is 0 rather than unknown."""
    found = jsonread.counters(item, {name: name for name in names})
    if "quotes_count" in names:
        found.setdefault("quotes_count", 0)
    return found


def idempotency_header(key: str) -> str:
    """An ``Idempotency-Key`` value for a draft's key: a header must be ASCII and the key may
    hold anything, so it travels hashed (same key, same header, every retry)."""
    return "parvis-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
