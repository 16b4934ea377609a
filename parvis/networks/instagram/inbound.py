"""Reading what people send an Instagram account: comments on its media, media it is tagged
in (caption @-mentions only arrive by webhook). social-apis.md §2.3.

Comments come through field expansion on the media list (``/{ig-user-id}/media?fields=id,
comments.limit(n){...}``): the cursor walks the media, the account's own comments are left out.
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.contracts import InboundItem, InboundKind, Page
from parvis.networks.instagram import client as api
from parvis.networks.meta import graph
from parvis.networks.meta.connector import MetaConnector

MEDIA_PER_PAGE = 10


def read(
    connector: MetaConnector, ig_user_id: str, kind: InboundKind, cursor: str | None, limit: int
) -> Page[InboundItem]:
    if kind is InboundKind.MENTION:
        path = api.TAGS.format(ig_user_id=ig_user_id)
        params = {"fields": "id,caption,timestamp,username,permalink", "limit": str(limit)}
    else:
        nested = f"comments.limit({min(max(limit, 1), 100)}){{{api.COMMENT_FIELDS}}}"
        path = api.MEDIA.format(ig_user_id=ig_user_id)
        params = {"fields": f"id,{nested}", "limit": str(MEDIA_PER_PAGE)}
    if cursor:
        params["after"] = cursor
    body = connector.request("GET", path, params=params).body
    found = graph.data_list(body, "instagram")
    if kind is InboundKind.MENTION:
        items = [_mention(media) for media in found]
    else:
        items = [
            _comment(comment, jsonread.text(media, "id"))
            for media in found
            for comment in graph.data_list(media.get("comments", {"data": []}), "instagram")
            if jsonread.text(jsonread.obj(comment, "from"), "id") != ig_user_id
        ]
    return Page(items=tuple(items), next_cursor=graph.next_cursor(body))


def _mention(media: dict[str, Any]) -> InboundItem:
    username = jsonread.text(media, "username")
    return InboundItem(
        kind=InboundKind.MENTION,
        remote_id=jsonread.text(media, "id"),
        text=jsonread.text(media, "caption"),
        created_at=jsonread.parse_time(media.get("timestamp")),
        author_id=username,  # others' tagged media only expose the username
        author_handle=username,
        thread_id=jsonread.text(media, "id"),
        url=jsonread.text(media, "permalink"),
    )


def _comment(comment: dict[str, Any], media_id: str) -> InboundItem:
    author = jsonread.obj(comment, "from")
    username = jsonread.text(comment, "username") or jsonread.text(author, "username")
    return InboundItem(
        kind=InboundKind.COMMENT,
        remote_id=jsonread.text(comment, "id"),
        text=jsonread.text(comment, "text"),
        created_at=jsonread.parse_time(comment.get("timestamp")),
        author_id=jsonread.text(author, "id") or username,
        author_handle=username,
        thread_id=media_id,
        parent_id=jsonread.text(comment, "parent_id") or media_id,
    )
