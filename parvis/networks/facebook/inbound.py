"""Reading what people send a Facebook Page: comments on its posts, posts it is tagged in.

Comments come through field expansion on the Page feed (``/{page-id}/feed?fields=id,
comments.limit(n){...}``): one call per 10 posts, the cursor walks the posts, and the Page's
own comments are left out. social-apis.md §1.3.
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.contracts import InboundItem, InboundKind, Page
from parvis.networks.facebook import client as api
from parvis.networks.meta import graph
from parvis.networks.meta.connector import MetaConnector

POSTS_PER_PAGE = 10


def read(
    connector: MetaConnector, page_id: str, kind: InboundKind, cursor: str | None, limit: int
) -> Page[InboundItem]:
    """Comments (``limit`` latest per post) or mentions (``limit`` tagged posts)."""
    if kind is InboundKind.MENTION:
        path = api.TAGGED.format(page_id=page_id)
        params = {"fields": "id,message,from,created_time,permalink_url", "limit": str(limit)}
    else:
        per_post = min(max(limit, 1), 100)
        nested = f"comments.limit({per_post}).order(reverse_chronological){{{api.COMMENT_FIELDS}}}"
        path = api.FEED.format(page_id=page_id)
        params = {"fields": f"id,{nested}", "limit": str(POSTS_PER_PAGE)}
    if cursor:
        params["after"] = cursor
    body = connector.request("GET", path, params=params).body
    posts = graph.data_list(body, "facebook")
    if kind is InboundKind.MENTION:
        items = [_item(InboundKind.MENTION, post, "") for post in posts]
    else:
        items = [
            _item(InboundKind.COMMENT, comment, jsonread.text(post, "id"))
            for post in posts
            for comment in graph.data_list(post.get("comments", {"data": []}), "facebook")
            if jsonread.text(jsonread.obj(comment, "from"), "id") != page_id  # our own answers
        ]
    return Page(items=tuple(items), next_cursor=graph.next_cursor(body))


def _item(kind: InboundKind, item: dict[str, Any], post_id: str) -> InboundItem:
    author = jsonread.obj(item, "from")
    item_id = jsonread.text(item, "id")
    return InboundItem(
        kind=kind,
        remote_id=item_id,
        text=jsonread.text(item, "message"),
        created_at=jsonread.parse_time(item.get("created_time")),
        author_id=jsonread.text(author, "id"),
        author_name=jsonread.text(author, "name"),
        thread_id=post_id or item_id,
        parent_id=jsonread.text(jsonread.obj(item, "parent"), "id") or post_id,
        url=jsonread.text(item, "permalink_url") or api.post_url(item_id),
    )
