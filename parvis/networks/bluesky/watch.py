"""The watch (« Veille ») on Bluesky: other accounts' profiles and posts, and post search,
read through the organisation's own session on its PDS (which proxies ``app.bsky.*`` to the
AppView).

Why the session and not ``public.api.bsky.app``: Bluesky disabled unauthenticated
``searchPosts`` on its public host in 2025 (403), and asks that search serve people, not bulk
collection — so a scheduled watch stays modest and goes through the customer's own account.

* :func:`public_profile` — ``app.bsky.actor.getProfile`` (a handle, a DID or a
  ``bsky.app/profile/…`` address).
* :func:`public_posts` — ``app.bsky.feed.getAuthorFeed`` with ``filter=posts_no_replies``.
  **Reposts are skipped**: the watch measures what an account writes (posts per week,
  engagement per post); a repost is someone else's post with someone else's counters, and would
  credit the watched account with it. Pins are not asked for (``includePins`` false).
* :func:`search_posts` — ``app.bsky.feed.searchPosts`` with ``sort=latest`` and ``lang``. The
  query goes as written (words, a ``"phrase"``, a ``#tag``): Bluesky's search service reads
  that syntax itself. Its lexicon sets no maximum length for ``q``; Parvis refuses more than
  :data:`MAX_QUERY_CHARS` characters before any call.

Pages: the AppView may serve a short page while more remain (it stops refilling a page once half
of it is there, and drops blocked or taken-down posts after fetching), so a cursor is passed on
whenever the AppView gives a new one; the page after the last one is simply empty.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.bluesky import client as api
from parvis.networks.contracts import Page, PublicPost, PublicProfile
from parvis.networks.errors import NotFound, Rejected, query_refusal

# https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed
GET_AUTHOR_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
# https://docs.bsky.app/docs/api/app-bsky-feed-search-posts
SEARCH_POSTS = "/xrpc/app.bsky.feed.searchPosts"
# Both lexicons: limit 1-100.
MAX_PAGE = 100
# Not Bluesky's (its lexicon has none): ours, the bound X documents for its own search.
MAX_QUERY_CHARS = 512
# XRPC error names that mean "no such public account" for getProfile / getAuthorFeed.
ABSENT_ERRORS = frozenset(
    {"AccountTakedown", "AccountDeactivated", "BlockedActor", "BlockedByActor"}
)
PROFILE_HOSTS = frozenset({"bsky.app", "www.bsky.app", "staging.bsky.app"})
# https://atproto.com/specs/handle and https://atproto.com/specs/did (the syntax, not a lookup).
_HANDLE = re.compile(
    r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE
)
_DID = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]{1,2000}")
_REPOST = "app.bsky.feed.defs#reasonRepost"


def actor(handle_or_url: str) -> str:
    """The at-identifier in ``@name.bsky.social``, ``did:plc:…`` or
    ``https://bsky.app/profile/<actor>[/post/…]``; :class:`NotFound` when it is none of them."""
    value = handle_or_url.strip()
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        segments = [s for s in parts.path.split("/") if s]
        is_profile = len(segments) >= 2 and segments[0] == "profile"
        value = segments[1] if parts.hostname in PROFILE_HOSTS and is_profile else ""
    value = value.removeprefix("@")
    if _DID.fullmatch(value) or (len(value) <= 253 and _HANDLE.fullmatch(value)):
        return value
    raise NotFound(
        f"«\u202f{handle_or_url[:80]}\u202f» n’est pas un compte Bluesky "
        "(attendu\u202f: nom.bsky.social ou l’adresse de son profil)",
        network="bluesky",
    )


def public_profile(connector: Connector, handle_or_url: str) -> PublicProfile:
    params = {"actor": actor(handle_or_url)}
    body = _absent_as_not_found(connector, api.GET_PROFILE, params, handle_or_url)
    profile = api.obj(body, "profile")
    handle = api.required(profile, "handle")
    return PublicProfile(
        remote_id=api.required(profile, "did"),
        handle=handle,
        display_name=jsonread.text(profile, "displayName"),
        avatar_url=jsonread.text(profile, "avatar"),
        url=f"https://bsky.app/profile/{handle}",
        followers=jsonread.integer(profile.get("followersCount")),
        posts=jsonread.integer(profile.get("postsCount")),
    )


def public_posts(
    connector: Connector, profile_id: str, *, cursor: str | None, limit: int
) -> Page[PublicPost]:
    params: dict[str, Any] = {"actor": actor(profile_id), "filter": "posts_no_replies"}
    params["limit"] = min(max(limit, 1), MAX_PAGE)
    if cursor:
        params["cursor"] = cursor
    body = api.obj(_absent_as_not_found(connector, GET_AUTHOR_FEED, params, profile_id))
    feed = api.objects(body.get("feed"))
    posts = tuple(
        public_post(api.obj(item.get("post"), "post"))
        for item in feed
        if jsonread.text(item, "reason", "$type") != _REPOST
    )
    return Page(items=posts, next_cursor=_next(body, cursor, bool(feed)))


def search_posts(
    connector: Connector, query: str, *, language: str, cursor: str | None, limit: int
) -> Page[PublicPost]:
    refusal = query_refusal(query, limit=MAX_QUERY_CHARS, network="bluesky", label="Bluesky")
    if refusal is not None:
        raise refusal
    params: dict[str, Any] = {"q": query.strip(), "sort": "latest"}
    params["limit"] = min(max(limit, 1), MAX_PAGE)
    if language:
        params["lang"] = language
    if cursor:
        params["cursor"] = cursor
    body = api.obj(connector.request("GET", SEARCH_POSTS, params=params).body)
    found = api.objects(body.get("posts"))
    posts = tuple(public_post(post) for post in found)
    return Page(items=posts, next_cursor=_next(body, cursor, bool(found)))


def public_post(view: dict[str, Any]) -> PublicPost:
    """A ``postView`` as the watch keeps it. Counters under the names the connector's own post
    metrics use (``like_count``…), so the benchmark compares like with like."""
    record = jsonread.obj(view, "record")
    author = jsonread.obj(view, "author")
    uri = api.required(view, "uri")
    langs = record.get("langs")
    language = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else ""
    created = jsonread.parse_time(record.get("createdAt"))
    indexed = jsonread.parse_time(view.get("indexedAt"))
    # ``createdAt`` is what the author's client wrote; a post dated in the future would stay on
    # top of every timeline, so it is never later than when the AppView saw it.
    if created == jsonread.EPOCH or (indexed != jsonread.EPOCH and created > indexed):
        created = indexed
    return PublicPost(
        remote_id=uri,
        url=api.post_url(uri),
        text=jsonread.text(record, "text"),
        created_at=created,
        author_id=api.required(author, "did"),
        author_handle=jsonread.text(author, "handle"),
        author_name=jsonread.text(author, "displayName"),
        language=language,
        counters=jsonread.counters(view, api.POST_METRICS),
    )


def _absent_as_not_found(
    connector: Connector, path: str, params: dict[str, Any], asked: str
) -> Any:
    """A read about one actor; the AppView's "no such account" answers become :class:`NotFound`:
    ``400 InvalidRequest "Profile not found"`` (unknown handle or DID), a suspended or
    deactivated account, a block either way."""
    try:
        return connector.request("GET", path, params=params).body
    except Rejected as exc:
        not_found = exc.remote_code == "InvalidRequest" and "not found" in exc.reason.lower()
        if exc.status == 400 and (not_found or exc.remote_code in ABSENT_ERRORS):
            raise NotFound(
                f"aucun compte Bluesky public «\u202f{asked[:80]}\u202f»",
                network="bluesky",
                status=exc.status,
                remote_code=exc.remote_code,
            ) from exc
        raise


def _next(body: dict[str, Any], asked: str | None, had_items: bool) -> str | None:
    cursor = jsonread.text(body, "cursor")
    return cursor if cursor and had_items and cursor != asked else None
