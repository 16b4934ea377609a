"""The YouTube fake's resources, called with the fake's lock held (costs: quota page)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.peers.youtube import channels as others
from tests.peers.youtube.fake import SCOPE, Answer, Comment, GoogleError, Session, _json

if TYPE_CHECKING:
    from tests.peers.youtube.fake import YouTubeFake

READ = {SCOPE + s for s in ("youtube.readonly", "youtube", "youtube.force-ssl")}
WRITE = {SCOPE + s for s in ("youtube", "youtube.force-ssl")}
UPLOAD = WRITE | {SCOPE + "youtube.upload"}
COSTS = {"GET": 1, "POST": 50, "DELETE": 50}


def route(
    fake: YouTubeFake,
    method: str,
    path: str,
    query: dict[str, str],
    headers: dict[str, str],
    raw: bytes,
    scopes: set[str],
) -> Answer:
    handler = ROUTES.get((method, path))
    if handler is None:
        raise GoogleError(404, "notFound", f"Method not found: {method} {path}", "global")
    allowed = UPLOAD if path.startswith("/upload/") else READ if method == "GET" else WRITE
    if not scopes & allowed:
        raise GoogleError(
            403,
            "insufficientPermissions",
            "Request had insufficient authentication scopes.",
            "global",
        )
    if "part" not in query and method != "DELETE":
        raise GoogleError(400, "required", "Required parameter: part", "global")
    if not path.startswith("/upload/"):
        fake.charge(COSTS[method])
    body = json.loads(raw) if raw.strip() else {}
    return handler(fake, query, headers, body)


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()[7:])
    except ValueError as exc:
        raise GoogleError(400, "invalidPageToken", "The page token is not valid.") from exc


def _page(items: list[dict[str, Any]], query: dict[str, str], kind: str, default: int) -> Answer:
    limit = int(query.get("maxResults", default))
    if not 1 <= limit <= 100:
        raise GoogleError(400, "invalidValue", "maxResults must be between 1 and 100", "global")
    start = _offset(query.get("pageToken", ""))
    answer: dict[str, Any] = {
        "kind": kind,
        "pageInfo": {"totalResults": len(items), "resultsPerPage": limit},
        "items": items[start : start + limit],
    }
    if start + limit < len(items):
        answer["nextPageToken"] = _token(start + limit)
    return _json(200, answer)


def _parts(query: dict[str, str]) -> set[str]:
    return {p.strip() for p in query.get("part", "").split(",")}


# --- videos ----------------------------------------------------------------------------------


def insert_video(
    fake: YouTubeFake, query: dict[str, str], headers: dict[str, str], body: Any
) -> Answer:
    if query.get("uploadType") != "resumable":
        raise GoogleError(400, "badRequest", "This fake only takes uploadType=resumable", "global")
    length, mime = (
        headers.get("x-upload-content-length", ""),
        headers.get("x-upload-content-type", ""),
    )
    if not length.isdigit() or not mime.startswith("video/"):
        raise GoogleError(400, "badContent", "Media type or length missing or unsupported")
    snippet, status = body.get("snippet") or {}, body.get("status") or {}
    title, description = str(snippet.get("title", "")), str(snippet.get("description", ""))
    if not title.strip() or len(title) > 100 or set("<>") & set(title):
        raise GoogleError(
            400, "invalidTitle", "The request metadata specifies an invalid or empty video title."
        )
    if len(description.encode()) > 5000 or set("<>") & set(description):
        raise GoogleError(
            400,
            "invalidDescription",
            "The request metadata specifies an invalid video description.",
        )
    if sum(len(tag) for tag in snippet.get("tags") or []) > 500:
        raise GoogleError(
            400, "invalidTags", "The request metadata specifies invalid video keywords."
        )
    if status.get("privacyStatus", "public") not in ("public", "private", "unlisted"):
        raise GoogleError(400, "invalidValue", "Invalid value for status.privacyStatus", "global")
    fake.charge(1, "videos.insert")
    return fake.start_session(int(length), mime, body)


def create_video(fake: YouTubeFake, session: Session) -> str:
    video_id = fake.new_id(11)
    snippet, status = session.metadata.get("snippet", {}), session.metadata.get("status", {})
    fake.videos[video_id] = {
        "kind": "youtube#video",
        "etag": hashlib.sha1(video_id.encode()).hexdigest()[:27],  # noqa: S324 - an etag
        "id": video_id,
        "snippet": {
            "publishedAt": _time(fake.now()),
            "channelId": fake.channel_id,
            "title": snippet["title"],
            "description": snippet.get("description", ""),
            "thumbnails": {},
            "channelTitle": fake.channel_title,
            "tags": snippet.get("tags", []),
            "categoryId": snippet.get("categoryId", "22"),
            "liveBroadcastContent": "none",
        },
        "status": {
            "uploadStatus": "uploaded",
            "privacyStatus": status.get("privacyStatus", "public"),
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "selfDeclaredMadeForKids": bool(status.get("selfDeclaredMadeForKids", False)),
        },
        "_bytes": hashlib.sha256(bytes(session.data)).hexdigest(),
        "_published": fake.now(),
    }
    return video_id


def render_video(fake: YouTubeFake, video: dict[str, Any], parts: set[str]) -> dict[str, Any]:
    rendered = {k: v for k, v in video.items() if k in {"kind", "etag", "id"} | parts}
    if "statistics" in parts and "_statistics" in video:  # another channel's: fixed figures
        rendered["statistics"] = dict(video["_statistics"])
    elif "statistics" in parts:
        seed = int(video["etag"][:6], 16)
        comments = sum(1 for c in fake.comments.values() if c.video_id == video["id"])
        rendered["statistics"] = {
            "viewCount": str(seed % 5000),
            "likeCount": str(seed % 300),
            "favoriteCount": "0",
            "commentCount": str(comments),
        }
    return rendered


def list_videos(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    ids = [i for i in query.get("id", "").split(",") if i]
    if len(ids) > 50:
        raise GoogleError(400, "invalidValue", "Too many ids: at most 50", "global")
    visible = [i for i in ids if i in fake.videos and not others.hidden(fake, fake.videos[i])]
    found = [render_video(fake, fake.videos[i], _parts(query)) for i in visible]
    return _json(
        200,
        {
            "kind": "youtube#videoListResponse",
            "items": found,
            "pageInfo": {"totalResults": len(found), "resultsPerPage": len(found)},
        },
    )


def delete_video(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    if fake.videos.pop(query.get("id", ""), None) is None:
        raise GoogleError(
            404, "videoNotFound", "The video that you are trying to delete cannot be found."
        )
    return 204, {}, b""


# --- channel and uploads playlist ------------------------------------------------------------


def list_channels(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    if query.get("mine") != "true" and query.get("id") != fake.channel_id:
        found = [others.render(fake, c, _parts(query)) for c in others.find(fake, query)]
        return _json(200, {"kind": "youtube#channelListResponse", "items": found})
    parts = _parts(query)
    channel: dict[str, Any] = {"kind": "youtube#channel", "etag": "chan", "id": fake.channel_id}
    if "snippet" in parts:
        channel["snippet"] = {
            "title": fake.channel_title,
            "description": "Menuiserie sur mesure",
            "customUrl": "@atelierparvis",
            "publishedAt": "2019-03-01T09:00:00Z",
            "thumbnails": {"default": {"url": "https://yt3.example/atelier.jpg"}},
        }
    if "contentDetails" in parts:
        uploads = "UU" + fake.channel_id[2:]
        channel["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": uploads}}
    if "statistics" in parts:
        channel["statistics"] = {
            "viewCount": "48210",
            "subscriberCount": "1250",
            "hiddenSubscriberCount": False,
            "videoCount": str(
                sum(v["snippet"]["channelId"] == fake.channel_id for v in fake.videos.values())
            ),
        }
    return _json(
        200,
        {
            "kind": "youtube#channelListResponse",
            "items": [channel],
            "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
        },
    )


def list_playlist_items(
    fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any
) -> Answer:
    other = others.uploads_of(fake, query.get("playlistId", ""))
    if query.get("playlistId") != "UU" + fake.channel_id[2:] and other is None:
        raise GoogleError(
            404,
            "playlistNotFound",
            "The playlist identified with the request's playlistId parameter cannot be found.",
        )
    if other is not None:
        videos = others.public_videos(fake, other)
    else:
        mine = [v for v in fake.videos.values() if v["snippet"]["channelId"] == fake.channel_id]
        videos = sorted(mine, key=lambda v: v["_published"], reverse=True)
    if int(query.get("maxResults", 5)) > 50:
        raise GoogleError(400, "invalidValue", "maxResults must be between 0 and 50", "global")
    found = [
        {
            "kind": "youtube#playlistItem",
            "id": "PLI" + v["id"],
            "snippet": {
                "publishedAt": v["snippet"]["publishedAt"],
                "channelId": v["snippet"]["channelId"],
                "title": v["snippet"]["title"],
                "description": v["snippet"]["description"],
                "playlistId": query["playlistId"],
                "resourceId": {"kind": "youtube#video", "videoId": v["id"]},
            },
            "contentDetails": {"videoId": v["id"], "videoPublishedAt": v["snippet"]["publishedAt"]},
        }
        for v in videos
    ]
    return _page(found, query, "youtube#playlistItemListResponse", 5)


# --- comments --------------------------------------------------------------------------------


def render_comment(fake: YouTubeFake, comment: Comment) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": fake.channel_id,
        "videoId": comment.video_id,
        "textDisplay": comment.text,
        "textOriginal": comment.text,
        "authorDisplayName": comment.author_name,
        "authorChannelUrl": f"http://www.youtube.com/channel/{comment.author}",
        "authorChannelId": {"value": comment.author},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": _time(comment.published),
        "updatedAt": _time(comment.published),
    }
    if comment.parent:
        snippet["parentId"] = comment.parent
    return {
        "kind": "youtube#comment",
        "etag": comment.id[-8:],
        "id": comment.id,
        "snippet": snippet,
    }


def render_thread(fake: YouTubeFake, top: Comment, parts: set[str]) -> dict[str, Any]:
    replies = sorted(
        (c for c in fake.comments.values() if c.parent == top.id), key=lambda c: c.published
    )
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": top.id[-8:],
        "id": top.id,
        "snippet": {
            "channelId": fake.channel_id,
            "videoId": top.video_id,
            "topLevelComment": render_comment(fake, top),
            "canReply": True,
            "totalReplyCount": len(replies),
            "isPublic": True,
        },
    }
    if "replies" in parts and replies:
        thread["replies"] = {"comments": [render_comment(fake, c) for c in replies]}
    return thread


def list_threads(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    video_id, channel = query.get("videoId"), query.get("allThreadsRelatedToChannelId")
    if channel is not None and channel != fake.channel_id:
        raise GoogleError(404, "channelNotFound", "The channel could not be found.")
    if video_id is None and channel is None:
        raise GoogleError(400, "missingRequiredParameter", "No filter selected.", "global")
    tops = [
        c
        for c in fake.comments.values()
        if not c.parent and c.video_id in fake.videos and (video_id in (None, c.video_id))
    ]
    tops.sort(key=lambda c: c.published, reverse=True)  # order=time
    threads = [render_thread(fake, c, _parts(query)) for c in tops]
    return _page(threads, query, "youtube#commentThreadListResponse", 20)


def list_comments(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    """comments.list with ``parentId``: the replies to one top-level comment, oldest first."""
    parent_id = query.get("parentId")
    if parent_id is None:
        raise GoogleError(400, "missingRequiredParameter", "No filter selected.", "global")
    if parent_id not in fake.comments:
        raise GoogleError(404, "commentNotFound", "The comment could not be found.")
    replies = sorted(
        (c for c in fake.comments.values() if c.parent == parent_id), key=lambda c: c.published
    )
    items = [render_comment(fake, c) for c in replies]
    return _page(items, query, "youtube#commentListResponse", 20)


def insert_thread(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    snippet = body.get("snippet") or {}
    video_id = snippet.get("videoId", "")
    text = ((snippet.get("topLevelComment") or {}).get("snippet") or {}).get("textOriginal")
    if video_id not in fake.videos:
        raise GoogleError(404, "videoNotFound", "The video identified by videoId was not found.")
    if not isinstance(text, str) or not text.strip():
        raise GoogleError(400, "commentTextRequired", "The comment text is required.")
    comment = _own_comment(fake, video_id, text, "")
    return _json(200, render_thread(fake, comment, {"snippet"}))


def insert_comment(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    snippet = body.get("snippet") or {}
    parent = fake.comments.get(snippet.get("parentId", ""))
    text = snippet.get("textOriginal")
    if parent is None:
        raise GoogleError(404, "parentCommentNotFound", "The parent comment was not found.")
    if parent.parent:
        raise GoogleError(400, "operationNotSupported", "Replies go to top-level comments.")
    if not isinstance(text, str) or not text.strip():
        raise GoogleError(400, "commentTextRequired", "The comment text is required.")
    return _json(200, render_comment(fake, _own_comment(fake, parent.video_id, text, parent.id)))


def _own_comment(fake: YouTubeFake, video_id: str, text: str, parent: str) -> Comment:
    comment = Comment(
        fake.new_id(26, "Ugz"),
        video_id,
        fake.channel_id,
        fake.channel_title,
        text,
        fake.now(),
        parent,
    )
    fake.comments[comment.id] = comment
    return comment


def delete_comment(fake: YouTubeFake, query: dict[str, str], headers: Any, body: Any) -> Answer:
    comment = fake.comments.get(query.get("id", ""))
    if comment is None:
        raise GoogleError(404, "commentNotFound", "The comment could not be found.")
    if comment.author != fake.channel_id:
        raise GoogleError(403, "forbidden", "The comment could not be deleted.")
    del fake.comments[comment.id]
    return 204, {}, b""


ROUTES = {
    ("POST", "/upload/youtube/v3/videos"): insert_video,
    ("GET", "/youtube/v3/videos"): list_videos,
    ("DELETE", "/youtube/v3/videos"): delete_video,
    ("GET", "/youtube/v3/channels"): list_channels,
    ("GET", "/youtube/v3/playlistItems"): list_playlist_items,
    ("GET", "/youtube/v3/commentThreads"): list_threads,
    ("POST", "/youtube/v3/commentThreads"): insert_thread,
    ("GET", "/youtube/v3/comments"): list_comments,
    ("POST", "/youtube/v3/comments"): insert_comment,
    ("DELETE", "/youtube/v3/comments"): delete_comment,
}
