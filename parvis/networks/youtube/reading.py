"""YouTube reads: the channel's comment threads (``pageToken`` paging) and video statistics.

https://developers.google.com/youtube/v3/docs/commentThreads/list
https://developers.google.com/youtube/v3/docs/videos/list
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import InboundItem, InboundKind, MetricPoint, Page
from parvis.networks.errors import NotSupported
from parvis.networks.youtube import client as api

IDS_PER_CALL = 50  # videos.list takes up to 50 ids


def read_inbound(
    connector: Connector, kind: InboundKind, *, cursor: str | None, limit: int
) -> Page[InboundItem]:
    """Comment threads of the whole channel, newest first, with the replies YouTube embeds.
    Our own comments are left out: they are not inbound."""
    if kind is not InboundKind.COMMENT:
        raise NotSupported(
            f"lecture des {kind.value} (YouTube n’a que des commentaires)", network="youtube"
        )
    params: dict[str, Any] = {
        "part": "snippet,replies",
        "allThreadsRelatedToChannelId": connector.account_id,
        "order": "time",
        "maxResults": min(max(limit, 1), 100),
    }
    if cursor:
        params["pageToken"] = cursor
    body = connector.request("GET", api.COMMENT_THREADS, params=params).body
    found: list[InboundItem] = []
    for thread in api.items(body):
        video_id = jsonread.text(thread, "snippet", "videoId")
        top = jsonread.nested(thread, "snippet", "topLevelComment")
        replies = jsonread.nested(thread, "replies", "comments")
        for comment in [top, *(replies if isinstance(replies, list) else [])]:
            if not isinstance(comment, dict):
                continue
            if (
                jsonread.text(comment, "snippet", "authorChannelId", "value")
                != connector.account_id
            ):
                found.append(_inbound(comment, video_id))
    return Page(tuple(found), jsonread.text(body, "nextPageToken") or None)


def _inbound(comment: dict[str, Any], video_id: str) -> InboundItem:
    comment_id = jsonread.text(comment, "id")
    snippet = comment.get("snippet")
    return InboundItem(
        kind=InboundKind.COMMENT,
        remote_id=comment_id,
        text=jsonread.text(snippet, "textOriginal") or jsonread.text(snippet, "textDisplay"),
        created_at=jsonread.parse_time(jsonread.nested(snippet, "publishedAt")),
        author_id=jsonread.text(snippet, "authorChannelId", "value"),
        author_name=jsonread.text(snippet, "authorDisplayName"),
        thread_id=video_id,
        parent_id=jsonread.text(snippet, "parentId") or video_id,
        url=api.video_url(video_id) + f"&lc={comment_id}",
    )


def post_metrics(connector: Connector, video_ids: list[str]) -> list[MetricPoint]:
    """``viewCount``, ``likeCount``, ``commentCount``, ``favoriteCount`` per video."""
    now, points = connector.clock(), []
    for start in range(0, len(video_ids), IDS_PER_CALL):
        ids = ",".join(video_ids[start : start + IDS_PER_CALL])
        body = connector.request("GET", api.VIDEOS, params={"part": "statistics", "id": ids}).body
        for video in api.items(body):
            for name, value in jsonread.counters(
                video.get("statistics"), digit_strings=True
            ).items():
                points.append(MetricPoint(jsonread.text(video, "id"), name, value, now))
    return points
