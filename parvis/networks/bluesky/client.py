"""Bluesky XRPC: endpoints, record keys, post addresses and the parsing of answers (no HTTP).

Calls go to the account's PDS (``account.api_base_url``, ``https://bsky.social`` for accounts
hosted by Bluesky); the PDS answers ``com.atproto.*`` itself and proxies ``app.bsky.*`` reads to
the AppView.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from parvis.networks import jsonread
from parvis.networks.errors import Rejected, Transient

API_BASE_URL = "https://bsky.social"
POST_COLLECTION = "app.bsky.feed.post"

# https://docs.bsky.app/docs/api/com-atproto-server-get-session
GET_SESSION = "/xrpc/com.atproto.server.getSession"
# https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
REFRESH_SESSION = "/xrpc/com.atproto.server.refreshSession"
# https://docs.bsky.app/docs/api/com-atproto-server-delete-session
DELETE_SESSION = "/xrpc/com.atproto.server.deleteSession"
# https://docs.bsky.app/docs/api/com-atproto-repo-put-record
PUT_RECORD = "/xrpc/com.atproto.repo.putRecord"
# https://docs.bsky.app/docs/api/com-atproto-repo-get-record
GET_RECORD = "/xrpc/com.atproto.repo.getRecord"
# https://docs.bsky.app/docs/api/com-atproto-repo-delete-record
DELETE_RECORD = "/xrpc/com.atproto.repo.deleteRecord"
# https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob
UPLOAD_BLOB = "/xrpc/com.atproto.repo.uploadBlob"
# https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle
RESOLVE_HANDLE = "/xrpc/com.atproto.identity.resolveHandle"
# https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
LIST_NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
# https://docs.bsky.app/docs/api/app-bsky-feed-get-post-thread
GET_POST_THREAD = "/xrpc/app.bsky.feed.getPostThread"
# https://docs.bsky.app/docs/api/app-bsky-feed-get-posts (25 URIs per call)
GET_POSTS = "/xrpc/app.bsky.feed.getPosts"
# https://docs.bsky.app/docs/api/app-bsky-actor-get-profile
GET_PROFILE = "/xrpc/app.bsky.actor.getProfile"

POST_METRICS = {
    "likeCount": "like_count",
    "repostCount": "repost_count",
    "replyCount": "reply_count",
    "quoteCount": "quote_count",
    "bookmarkCount": "bookmark_count",
}
ACCOUNT_METRICS = {
    "followersCount": "followers_count",
    "followsCount": "follows_count",
    "postsCount": "posts_count",
}
# Token errors (400 or 401) that a refreshSession may cure.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})

# https://atproto.com/specs/tid — base32-sortable alphabet.
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_EPOCH_US = 1_640_995_200_000_000  # 2022-01-01: keeps derived timestamps in the past
_TID_SPAN_US = 2**47  # about 4.5 years


def record_key(idempotency_key: str) -> str:
    """A valid TID record key derived from ``idempotency_key``: the same draft always lands on
    the same record, so a retry can only find its first attempt, never post twice.

    TIDs are 53 bits of microseconds and 10 bits of clock id; both come from SHA-256 of the key
    (56 bits of hash: collisions are out of reach for one account's posts). The timestamp part
    is therefore not the post's time; Bluesky sorts posts by ``createdAt``/indexing time.
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    micros = _TID_EPOCH_US + (digest >> 10) % _TID_SPAN_US
    value = (micros << 10) | (digest & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (60 - 5 * i)) & 0x1F] for i in range(13))


def split_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` -> (did, collection, rkey); anything else is Rejected."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise Rejected(f"not a Bluesky post address: {uri!r}", network="bluesky")
    return parts[0], parts[1], parts[2]


def post_url(uri: str) -> str:
    did, _, rkey = split_uri(uri)
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def obj(value: Any, what: str = "object") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Transient(f"Bluesky answered without a {what}", network="bluesky")
    return value


def objects(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise Transient("Bluesky answered without an array", network="bluesky")
    return [item for item in value if isinstance(item, dict)]


def required(item: dict[str, Any], key: str) -> str:
    value = jsonread.text(item, key)
    if not value:
        raise Transient(f"Bluesky answered without {key!r}", network="bluesky")
    return value


def strong_ref(item: dict[str, Any]) -> dict[str, str]:
    """``{uri, cid}`` of a record or post view (what replies point at)."""
    return {"uri": required(item, "uri"), "cid": required(item, "cid")}


def iso_now(now: datetime) -> str:
    """``createdAt`` as the lexicon wants it: ISO 8601 in UTC with milliseconds and ``Z``."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def jwt_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a session JWT, read without checking the signature (the PDS
    checks it; we only want to refresh in time)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, ValueError, KeyError, TypeError, OverflowError, OSError):
        return None
