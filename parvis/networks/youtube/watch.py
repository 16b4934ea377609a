"""The watch (« Veille ») on YouTube: other channels and their latest uploads, read with the
organisation's token — and with **this Parvis' quota**: the 10,000 units a day belong to the
Google Cloud project of the instance's developer app, shared by every organisation it serves.

* :func:`public_profile` — ``channels.list`` (1 unit) with ``forHandle`` for ``@handle`` or a
  ``youtube.com/@handle`` address, ``id`` for a ``UC…`` id or a ``youtube.com/channel/UC…``
  address, ``forUsername`` for an old ``youtube.com/user/…`` one. Custom ``/c/…`` addresses
  have no lookup in the API: the person is asked for the @handle instead.
  ``followers`` is ``subscriberCount`` (rounded by YouTube to three significant figures), None
  when the channel hides it (``hiddenSubscriberCount``).
* :func:`public_posts` — ``playlistItems.list`` on the uploads playlist (1 unit), then
  ``videos.list`` for the page's ids in one call (1 unit): statistics, language. The uploads
  playlist id is the channel id with ``UC`` → ``UU``, as YouTube builds it; when a channel
  answers ``playlistNotFound`` that way, ``contentDetails.relatedPlaylists.uploads`` is read
  (1 more unit). A video missing from ``videos.list`` (private, deleted since) is left out.
* :func:`search_posts` — **not supported**: ``search.list`` has a bucket of 100 calls a day per
  project (older quota pages: 100 units of the 10,000), for the whole instance; a scheduled
  sector watch would drain it before noon. The channel's RSS feed
  (``youtube.com/feeds/videos.xml?channel_id=…``) costs nothing and the watch reads feeds.

:data:`WATCH_UNITS` says what each of the three costs, so the watch can budget them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import Page, PublicPost, PublicProfile
from parvis.networks.errors import NotFound, Rejected
from parvis.networks.youtube import client as api

# https://developers.google.com/youtube/v3/determine_quota_cost — units per call of each method.
QUOTA_COST = {
    "channels.list": 1,
    "playlistItems.list": 1,
    "videos.list": 1,
    "search.list": 100,  # or 1 call of its own 100-a-day bucket (current quota page)
}
# Units one call of each watch method costs (public_posts: 4 when the uploads
# playlist must be looked up — the refused call costs 1 too; search: refused before any call).
WATCH_UNITS = {
    "public_profile": QUOTA_COST["channels.list"],
    "public_posts": QUOTA_COST["playlistItems.list"] + QUOTA_COST["videos.list"],
    "search_posts": 0,
}
MAX_PAGE = 50  # playlistItems.list and videos.list: maxResults / ids 0-50
CHANNEL_PARTS = "snippet,statistics"
_CHANNEL_ID = re.compile(r"UC[\w-]{22}")
_HANDLE = re.compile(r"@?[\w.·-]{3,30}")
SEARCH_REFUSAL = (
    "la recherche YouTube coûte trop cher en quota (100 recherches par jour pour toute "
    "l’instance)\u202f: suivez plutôt les chaînes, ou leur flux RSS"
)


def lookup_params(handle_or_url: str) -> dict[str, str]:
    """The ``channels.list`` filter for what a person typed; :class:`NotFound` if none fits."""
    value = handle_or_url.strip()
    if value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        segments = [s for s in parts.path.split("/") if s]
        host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
        first = segments[0] if segments and host == "youtube.com" else ""
        if first == "channel" and len(segments) > 1:
            value = segments[1]
        elif first == "user" and len(segments) > 1:
            return {"forUsername": segments[1]}
        elif first.startswith("@"):
            value = first
        else:
            value = ""
    if _CHANNEL_ID.fullmatch(value):
        return {"id": value}
    if value and _HANDLE.fullmatch(value):
        return {"forHandle": "@" + value.removeprefix("@")}
    raise NotFound(
        f"«\u202f{handle_or_url[:80]}\u202f» n’est pas une chaîne YouTube "
        "(attendu\u202f: @nom, ou l’adresse youtube.com/@nom ou youtube.com/channel/UC…)",
        network="youtube",
    )


def public_profile(connector: Connector, handle_or_url: str) -> PublicProfile:
    params = {"part": CHANNEL_PARTS, **lookup_params(handle_or_url)}
    found = api.items(connector.request("GET", api.CHANNELS, params=params).body)
    if not found:
        asked = handle_or_url[:80]
        raise NotFound(f"aucune chaîne YouTube «\u202f{asked}\u202f»", network="youtube")
    channel = found[0]
    channel_id = jsonread.text(channel, "id")
    snippet, statistics = jsonread.obj(channel, "snippet"), jsonread.obj(channel, "statistics")
    counts = jsonread.counters(statistics, digit_strings=True)
    hidden = statistics.get("hiddenSubscriberCount") is True
    handle = jsonread.text(snippet, "customUrl")
    return PublicProfile(
        remote_id=channel_id,
        handle=handle or channel_id,
        display_name=jsonread.text(snippet, "title"),
        avatar_url=_thumbnail(snippet),
        url=f"https://www.youtube.com/{handle}" if handle else _channel_url(channel_id),
        followers=None if hidden else counts.get("subscriberCount"),
        posts=counts.get("videoCount"),
    )


def public_posts(
    connector: Connector, profile_id: str, *, cursor: str | None, limit: int
) -> Page[PublicPost]:
    channel_id = profile_id if _CHANNEL_ID.fullmatch(profile_id) else ""
    if not channel_id:
        channel_id = public_profile(connector, profile_id).remote_id
    params: dict[str, Any] = {"part": "contentDetails", "maxResults": min(max(limit, 1), MAX_PAGE)}
    if cursor:
        params["pageToken"] = cursor
    try:
        body = _uploads(connector, "UU" + channel_id[2:], params)
    except Rejected as exc:
        if exc.remote_code != "playlistNotFound":
            raise
        body = _uploads(connector, _uploads_playlist(connector, channel_id), params)
    ids = [jsonread.text(item, "contentDetails", "videoId") for item in api.items(body)]
    ids = [video_id for video_id in ids if video_id]
    videos: list[dict[str, Any]] = []
    if ids:
        params = {"part": "snippet,statistics", "id": ",".join(ids)}
        videos = api.items(connector.request("GET", api.VIDEOS, params=params).body)
    posts = sorted(
        (public_post(video) for video in videos), key=lambda post: post.created_at, reverse=True
    )
    return Page(tuple(posts), jsonread.text(body, "nextPageToken") or None)


def public_post(video: dict[str, Any]) -> PublicPost:
    """A video as the watch keeps it: title then description as the text; counters under
    YouTube's names (``viewCount``…), as the connector's own post metrics. Video resources do
    not carry the channel's @handle: ``author_handle`` is the channel id."""
    video_id = jsonread.text(video, "id")
    snippet = jsonread.obj(video, "snippet")
    title, description = jsonread.text(snippet, "title"), jsonread.text(snippet, "description")
    language = jsonread.text(snippet, "defaultAudioLanguage") or jsonread.text(
        snippet, "defaultLanguage"
    )
    return PublicPost(
        remote_id=video_id,
        url=api.video_url(video_id),
        text=f"{title}\n\n{description}".strip(),
        created_at=jsonread.parse_time(snippet.get("publishedAt")),
        author_id=jsonread.text(snippet, "channelId"),
        author_handle=jsonread.text(snippet, "channelId"),
        author_name=jsonread.text(snippet, "channelTitle"),
        language=language.split("-")[0],
        counters=jsonread.counters(video.get("statistics"), digit_strings=True),
    )


def _uploads(connector: Connector, playlist_id: str, params: dict[str, Any]) -> Any:
    query = {**params, "playlistId": playlist_id}
    return connector.request("GET", api.PLAYLIST_ITEMS, params=query).body


def _uploads_playlist(connector: Connector, channel_id: str) -> str:
    params = {"part": "contentDetails", "id": channel_id}
    found = api.items(connector.request("GET", api.CHANNELS, params=params).body)
    playlist = jsonread.text(
        found[0] if found else None, "contentDetails", "relatedPlaylists", "uploads"
    )
    if not playlist:
        raise NotFound(f"aucune chaîne YouTube «\u202f{channel_id}\u202f»", network="youtube")
    return playlist


def _thumbnail(snippet: dict[str, Any]) -> str:
    for size in ("medium", "high", "default"):
        url = jsonread.text(snippet, "thumbnails", size, "url")
        if url:
            return url
    return ""


def _channel_url(channel_id: str) -> str:
    return f"https://www.youtube.com/channel/{channel_id}"
