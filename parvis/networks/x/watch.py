"""The watch (« Veille ») on X: other accounts and recent posts, read with the organisation's
user token — and billed: since 2026-02 X charges each read (wave2-apis §1.6), so the watch
reads little (:data:`READ_PRICE_USD`).

* :func:`public_profile` — ``GET /2/users/by/username/{username}`` (``@name``, ``name``,
  ``x.com/name``, ``twitter.com/name``), ``GET /2/users/{id}`` for an id. X answers an unknown
  or suspended name with **200** and an ``errors`` array instead of ``data``: that is
  :class:`NotFound`, as is a protected account (its posts are not public).
* :func:`public_posts` — ``GET /2/users/{id}/tweets`` with ``exclude=replies,retweets`` (what the
  account writes, as elsewhere); X serves only its 3,200 most recent posts.
* :func:`search_posts` — ``GET /2/tweets/search/recent`` (the last **7 days**), ``sort_order=
  recency``; the query goes as written (X reads words, ``"phrase"``, ``#tag``, ``OR``…) with
  ``-is:retweet`` and ``lang:xx`` added. Self-serve plans accept **512 characters** of query,
  ours included: :data:`MAX_QUERY_CHARS` is what remains for the person's words.

Counters keep X's docs' names (``like_count``, ``retweet_count``…), as ``post_metrics`` does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import Page, PublicPost, PublicProfile
from parvis.networks.errors import NotFound, query_refusal
from parvis.networks.x import client as api

# https://docs.x.com/x-api/users/get-user-by-username
USER_BY_USERNAME = "/2/users/by/username/{username}"
# https://docs.x.com/x-api/users/get-user-by-id
USER = "/2/users/{id}"
# https://docs.x.com/x-api/posts/search-recent-posts
SEARCH_RECENT = "/2/tweets/search/recent"
# Pay-per-use credits (docs x-api/getting-started/pricing.mdx): per post and per user returned.
READ_PRICE_USD = {"post": 0.005, "user": 0.010}
USER_FIELDS = "username,name,profile_image_url,public_metrics,protected"
POST_FIELDS = "created_at,lang,public_metrics"  # author_id comes with expansions (spec)
QUERY_LIMIT = 512  # self-serve plans (docs: 512; Enterprise 4,096)
SEARCH_SUFFIX = " -is:retweet"
# The person's part of the query: the limit less what we add (" -is:retweet lang:xx").
MAX_QUERY_CHARS = QUERY_LIMIT - len(SEARCH_SUFFIX) - len(" lang:xx")
_USERNAME = re.compile(r"@?([A-Za-z0-9_]{1,15})")
_HOSTS = frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"})
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def public_profile(connector: Connector, handle_or_url: str) -> PublicProfile:
    asked = handle_or_url.strip()
    params = {"user.fields": USER_FIELDS}
    if asked.isdigit() and len(asked) <= 19:
        path = USER.format(id=asked)
    else:
        path = USER_BY_USERNAME.format(username=_username(asked))
    body = connector.request("GET", path, params=params).body
    user = jsonread.obj(body, "data")
    if not user or user.get("protected") is True:
        raise NotFound(f"aucun compte X public «\u202f{asked[:80]}\u202f»", network="x")
    metrics = api.metrics_of(user)
    username = jsonread.text(user, "username")
    return PublicProfile(
        remote_id=jsonread.text(user, "id"),
        handle=username,
        display_name=jsonread.text(user, "name"),
        avatar_url=jsonread.text(user, "profile_image_url"),
        url=f"https://x.com/{username}",
        followers=metrics.get("followers_count"),
        posts=metrics.get("tweet_count"),
    )


def public_posts(
    connector: Connector, profile_id: str, *, cursor: str | None, limit: int
) -> Page[PublicPost]:
    if not profile_id.isdigit():
        profile_id = public_profile(connector, profile_id).remote_id
    params: dict[str, Any] = {"exclude": "replies,retweets", **_fields()}
    params["max_results"] = min(max(limit, 5), 100)
    if cursor:
        params["pagination_token"] = cursor
    body = connector.request("GET", api.USER_POSTS.format(id=profile_id), params=params).body
    return _page(body)


def search_posts(
    connector: Connector, query: str, *, language: str, cursor: str | None, limit: int
) -> Page[PublicPost]:
    refusal = query_refusal(query, limit=MAX_QUERY_CHARS, network="x", label="X")
    if refusal is not None:
        raise refusal
    text = query.strip() + SEARCH_SUFFIX
    code = language.lower().split("-")[0]
    if _LANGUAGE.fullmatch(code):
        text += f" lang:{code}"
    params: dict[str, Any] = {"query": text, "sort_order": "recency", **_fields()}
    params["max_results"] = min(max(limit, 10), 100)
    if cursor:
        params["next_token"] = cursor
    return _page(connector.request("GET", SEARCH_RECENT, params=params).body)


def _username(asked: str) -> str:
    value = asked
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        segments = [s for s in parts.path.split("/") if s]
        host = (parts.hostname or "").removeprefix("www.")
        value = segments[0] if host in _HOSTS and segments else ""
    found = _USERNAME.fullmatch(value)
    if found is None:
        raise NotFound(
            f"«\u202f{asked[:80]}\u202f» n’est pas un compte X "
            "(attendu\u202f: @nom ou l’adresse x.com/nom)",
            network="x",
        )
    return found.group(1)


def _fields() -> dict[str, str]:
    return {"post.fields": POST_FIELDS, "expansions": "author_id", "user.fields": "username,name"}


def _page(body: Any) -> Page[PublicPost]:
    users = api.users_by_id(body)
    posts = tuple(_post(post, users) for post in api.data_list(body))
    return Page(items=posts, next_cursor=api.next_token(body))


def _post(post: dict[str, Any], users: dict[str, dict[str, Any]]) -> PublicPost:
    post_id = jsonread.text(post, "id")
    author_id = jsonread.text(post, "author_id")
    author = users.get(author_id, {})
    username = jsonread.text(author, "username")
    return PublicPost(
        remote_id=post_id,
        url=f"https://x.com/{username or 'i'}/status/{post_id}",
        text=jsonread.text(post, "text"),
        created_at=jsonread.parse_time(post.get("created_at")),
        author_id=author_id,
        author_handle=username,
        author_name=jsonread.text(author, "name"),
        language=jsonread.text(post, "lang"),
        counters=api.metrics_of(post),
    )
