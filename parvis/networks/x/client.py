"""X API v2: endpoints, scopes and the parsing of X's answers (no HTTP here).

Field spelling drift: the production OpenAPI (2.167) says ``post.fields`` and ``repost_count``,
docs.x.com examples say ``tweet.fields`` and ``retweet_count``. We send the spec's names and
read both spellings, reporting metrics under the docs' names (see :data:`METRIC_ALIASES`).
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.errors import Transient

API_BASE_URL = "https://api.x.com"

# https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
# https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
TOKEN_PATH = "/2/oauth2/token"  # noqa: S105 - a path, not a secret
# https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token (Step 6: POST
# oauth2/revoke — form ``token``; a confidential client authenticates with Basic, as for the token)
REVOKE_PATH = "/2/oauth2/revoke"
# https://docs.x.com/x-api/users/get-my-user
USERS_ME = "/2/users/me"
# https://docs.x.com/x-api/posts/create-post
POSTS = "/2/tweets"
# https://docs.x.com/x-api/posts/delete-post
POST = "/2/tweets/{id}"
# https://docs.x.com/x-api/users/get-mentions
MENTIONS = "/2/users/{id}/mentions"
# https://docs.x.com/x-api/users/get-posts
USER_POSTS = "/2/users/{id}/tweets"
# https://docs.x.com/x-api/media/quickstart/media-upload-chunked
MEDIA_INITIALIZE = "/2/media/upload/initialize"
MEDIA_APPEND = "/2/media/upload/{id}/append"
MEDIA_FINALIZE = "/2/media/upload/{id}/finalize"
MEDIA_STATUS = "/2/media/upload"
# https://docs.x.com/x-api/media/create-media-metadata
MEDIA_METADATA = "/2/media/metadata"

SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
# author_id, in_reply_to_user_id and the replied-to post arrive through expansions (spec 2.167).
POST_FIELDS = "created_at,conversation_id,text"
INBOUND_EXPANSIONS = "author_id,in_reply_to_user_id,referenced_posts"
METRIC_ALIASES = {"repost_count": "retweet_count", "post_count": "tweet_count"}


def media_category(mime: str) -> str:
    """X's ``media_category`` for a MIME type."""
    if mime == "image/gif":
        return "tweet_gif"
    return "tweet_video" if mime.startswith("video/") else "tweet_image"


def data_of(body: Any) -> dict[str, Any]:
    """The ``data`` object of an answer; a missing or odd one is a Transient error."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise Transient("X answered without a data object", network="x")
    return data


def data_list(body: Any) -> list[dict[str, Any]]:
    """The ``data`` array (absent when there are no results, which X does on empty pages)."""
    data = body.get("data", []) if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise Transient("X answered without a data array", network="x")
    return [item for item in data if isinstance(item, dict)]


def metrics_of(item: dict[str, Any], key: str = "public_metrics") -> dict[str, int]:
    """Integer counters of ``item[key]`` under the docs' names."""
    counters = jsonread.counters(item.get(key))
    return {METRIC_ALIASES.get(name, name): value for name, value in counters.items()}


def users_by_id(body: Any) -> dict[str, dict[str, Any]]:
    """``includes.users`` indexed by id (the ``expansions=author_id`` side table)."""
    includes = body.get("includes") if isinstance(body, dict) else None
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for user in users:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            found[user["id"]] = user
    return found


def next_token(body: Any) -> str | None:
    meta = body.get("meta") if isinstance(body, dict) else None
    token = meta.get("next_token") if isinstance(meta, dict) else None
    return token if isinstance(token, str) and token else None
