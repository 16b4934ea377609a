"""The watch (« Veille ») on Mastodon: other accounts and public statuses, read with the
organisation's token on its own server — which only knows what it has federated.

* :func:`public_profile` — ``GET /api/v1/accounts/lookup?acct=`` (``@user@server``,
  ``user@server``, ``@user`` on our server, or a profile address ``https://server/@user``);
  an account id (what the watch stores) is read with ``GET /api/v1/accounts/:id``. ``lookup``
  skips WebFinger, so an account on another server that ours has never seen is not known: then
  ``GET /api/v2/search?type=accounts&resolve=true`` asks our server to fetch it (needs the
  user token, which the connector has).
* :func:`public_posts` — ``GET /api/v1/accounts/:id/statuses`` with ``exclude_replies`` and
  ``exclude_reblogs`` (what the account writes, as on Bluesky); only ``public`` and
  ``unlisted`` statuses are kept: if the organisation follows a competitor, its followers-only
  posts would come back with our token, and the watch must not store them.
* :func:`search_posts` — a lone ``#tag`` reads ``GET /api/v1/timelines/tag/:tag`` (every
  server has it; an unknown tag is an empty page, nobody used it yet); anything else asks
  ``GET /api/v2/search?type=statuses`` with our token. **Full-text search depends on the
  server**: it needs Elasticsearch/OpenSearch, and even then finds only what that server
  indexed — posts of accounts that opted into search (``indexable``), our own, our mentions,
  favourites and bookmarks. A server without it answers an empty list, not an error.
  Neither endpoint takes a language: the page keeps statuses tagged with the language asked
  (or untagged), so a page may hold fewer items than ``limit``.

Mastodon documents no maximum for ``q``; Parvis refuses more than :data:`MAX_QUERY_CHARS`
characters before any call. Counters keep Mastodon's names (``favourites_count``…), the ones
the connector's own post metrics use.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import Page, PublicPost, PublicProfile
from parvis.networks.errors import NotFound, Rejected, query_refusal
from parvis.networks.mastodon import client as api
from parvis.networks.transport import JsonResponse

# https://docs.joinmastodon.org/methods/accounts/#lookup
LOOKUP = "/api/v1/accounts/lookup"
# https://docs.joinmastodon.org/methods/accounts/#get
ACCOUNT = "/api/v1/accounts/{id}"
# https://docs.joinmastodon.org/methods/timelines/#tag
TAG_TIMELINE = "/api/v1/timelines/tag/{tag}"
# https://docs.joinmastodon.org/methods/search/#v2
SEARCH = "/api/v2/search"
MAX_PAGE = 40  # statuses, tag timelines and search: default 20, max 40
# Not Mastodon's (it documents none): ours, the bound X documents for its own search.
MAX_QUERY_CHARS = 512
PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})
# Mastodon's HASHTAG_NAME_RE, simplified: letters, digits, underscores and the middle dot.
_TAG = re.compile(r"#([\w·]+)")
_ACCT = re.compile(r"@?([\w.-]+)(?:@([\w.-]+\.[\w-]+(?::\d+)?))?")


def public_profile(connector: Connector, handle_or_url: str) -> PublicProfile:
    asked = handle_or_url.strip()
    if asked.isdigit():
        return _profile(connector, _not_found(connector, ACCOUNT.format(id=asked), {}, asked))
    username, domain = _acct(connector, asked)
    acct = f"{username}@{domain}" if domain else username
    if not domain:
        return _profile(connector, _not_found(connector, LOOKUP, {"acct": acct}, asked))
    try:
        account = connector.request("GET", LOOKUP, params={"acct": acct}).body
    except Rejected as exc:
        if exc.status != 404:
            raise
        account = _resolve(connector, acct, asked)
    return _profile(connector, account)


def public_posts(
    connector: Connector, profile_id: str, *, cursor: str | None, limit: int
) -> Page[PublicPost]:
    if not profile_id.isdigit():  # a handle: the statuses endpoint wants the server's id
        profile_id = public_profile(connector, profile_id).remote_id
    params: dict[str, Any] = {"exclude_replies": "true", "exclude_reblogs": "true"}
    params["limit"] = min(max(limit, 1), MAX_PAGE)
    if cursor:
        params["max_id"] = cursor
    path = api.ACCOUNT_STATUSES.format(id=profile_id)
    response = _not_found_response(connector, path, params, profile_id)
    statuses = api.objects(response.body)
    posts = tuple(
        public_post(status)
        for status in statuses
        if jsonread.text(status, "visibility") in PUBLIC_VISIBILITIES
    )
    return Page(items=posts, next_cursor=api.next_max_id(response.headers) if statuses else None)


def search_posts(
    connector: Connector, query: str, *, language: str, cursor: str | None, limit: int
) -> Page[PublicPost]:
    refusal = query_refusal(query, limit=MAX_QUERY_CHARS, network="mastodon", label="Mastodon")
    if refusal is not None:
        raise refusal
    size = min(max(limit, 1), MAX_PAGE)
    tag = _TAG.fullmatch(query.strip())
    if tag is not None:
        statuses, next_cursor = _tag_timeline(connector, tag.group(1), cursor, size)
    else:
        statuses, next_cursor = _search(connector, query.strip(), cursor, size)
    wanted = language.lower().split("-")[0]
    posts = [
        public_post(status)
        for status in statuses
        if jsonread.text(status, "visibility") in PUBLIC_VISIBILITIES
        and (not wanted or jsonread.text(status, "language").lower() in ("", wanted))
    ]
    posts.sort(key=lambda post: post.created_at, reverse=True)
    return Page(items=tuple(posts), next_cursor=next_cursor)


def public_post(status: dict[str, Any]) -> PublicPost:
    account = jsonread.obj(status, "account")
    return PublicPost(
        remote_id=api.required_id(status),
        url=jsonread.text(status, "url") or jsonread.text(status, "uri"),
        text=api.plain_text(jsonread.text(status, "content")),
        created_at=jsonread.parse_time(status.get("created_at")),
        author_id=api.required_id(account),
        author_handle=jsonread.text(account, "acct"),
        author_name=jsonread.text(account, "display_name"),
        language=jsonread.text(status, "language"),
        counters=api.counters(status, api.STATUS_METRICS),
    )


def _tag_timeline(
    connector: Connector, tag: str, cursor: str | None, size: int
) -> tuple[list[dict[str, Any]], str | None]:
    params: dict[str, Any] = {"limit": size}
    if cursor:
        params["max_id"] = cursor
    path = TAG_TIMELINE.format(tag=quote(tag, safe=""))
    try:
        response = connector.request("GET", path, params=params)
    except Rejected as exc:
        if exc.status == 404:  # "Record not found": no status ever used the tag here
            return [], None
        raise
    statuses = api.objects(response.body)
    return statuses, api.next_max_id(response.headers) if statuses else None


def _search(
    connector: Connector, query: str, cursor: str | None, size: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``/api/v2/search`` pages by ``offset`` (allowed with ``type`` and a user token): the
    cursor is the number of results already read."""
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    params: dict[str, Any] = {"q": query, "type": "statuses", "limit": size}
    if offset:
        params["offset"] = offset
    body = api.obj(connector.request("GET", SEARCH, params=params).body)
    statuses = api.objects(body.get("statuses"))
    return statuses, str(offset + len(statuses)) if len(statuses) >= size else None


def _acct(connector: Connector, asked: str) -> tuple[str, str]:
    """(username, domain) of a handle or profile address; domain "" for our own server."""
    value = asked
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        segments = [s for s in parts.path.split("/") if s]
        first = segments[0] if segments else ""
        name = first[1:] if first.startswith("@") else ""
        if first == "users" and len(segments) > 1:
            name = segments[1]
        value = f"{name}@{parts.netloc}" if name and "@" not in name else name
    found = _ACCT.fullmatch(value)
    if found is None:
        raise NotFound(
            f"«\u202f{asked[:80]}\u202f» n’est pas un compte Mastodon "
            "(attendu\u202f: @nom@serveur ou l’adresse de son profil)",
            network="mastodon",
        )
    username, domain = found.group(1), (found.group(2) or "").lower()
    return username, "" if domain == httpx.URL(connector.base_url).netloc.decode() else domain


def _resolve(connector: Connector, acct: str, asked: str) -> dict[str, Any]:
    """An account our server has not met yet: ``resolve=true`` makes it ask the other server."""
    params = {"q": f"@{acct}", "type": "accounts", "resolve": "true", "limit": 1}
    body = api.obj(connector.request("GET", SEARCH, params=params).body)
    for account in api.objects(body.get("accounts")):
        if jsonread.text(account, "acct").lower() == acct.lower():
            return account
    raise NotFound(f"aucun compte Mastodon public «\u202f{asked[:80]}\u202f»", network="mastodon")


def _profile(connector: Connector, raw: Any) -> PublicProfile:
    account = api.obj(raw, "account")
    if account.get("suspended") is True:
        raise NotFound("ce compte Mastodon est suspendu", network="mastodon")
    acct = jsonread.text(account, "acct")
    if acct and "@" not in acct:  # a local account: give it its server, as people write it
        acct = f"{acct}@{httpx.URL(connector.base_url).netloc.decode()}"
    return PublicProfile(
        remote_id=api.required_id(account),
        handle=acct,
        display_name=jsonread.text(account, "display_name"),
        avatar_url=jsonread.text(account, "avatar"),
        url=jsonread.text(account, "url"),
        followers=jsonread.integer(account.get("followers_count")),
        posts=jsonread.integer(account.get("statuses_count")),
    )


def _not_found(connector: Connector, path: str, params: dict[str, Any], asked: str) -> Any:
    return _not_found_response(connector, path, params, asked).body


def _not_found_response(
    connector: Connector, path: str, params: dict[str, Any], asked: str
) -> JsonResponse:
    """A read about one account; 404 ``Record not found`` (unknown, suspended or hidden from
    this server) is :class:`NotFound`."""
    try:
        return connector.request("GET", path, params=params)
    except Rejected as exc:
        if exc.status == 404:
            raise NotFound(
                f"aucun compte Mastodon public «\u202f{asked[:80]}\u202f»",
                network="mastodon",
                status=404,
            ) from exc
        raise
