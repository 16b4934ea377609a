"""Turning Bluesky notifications and threads into :class:`InboundItem` (no HTTP here)."""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.bluesky import client as api
from parvis.networks.contracts import InboundItem, InboundKind, Page


def inbound_page(body: dict[str, Any], limit: int) -> Page[InboundItem]:
    """``listNotifications`` -> a page; a short page is the last one (the AppView still sends a
    cursor there)."""
    notes = api.objects(body.get("notifications"))
    items = tuple(_item(note, note.get("reason") == "reply") for note in notes)
    cursor = jsonread.text(body, "cursor")
    return Page(items=items, next_cursor=cursor if cursor and len(notes) >= limit else None)


def thread_comments(thread: dict[str, Any], *, exclude: str) -> list[InboundItem]:
    """Replies below ``thread`` (a ``threadViewPost``), depth first, without ``exclude``'s."""
    found: list[InboundItem] = []
    for reply in api.objects(thread.get("replies", [])):
        post = reply.get("post")
        if not isinstance(post, dict):
            continue  # notFoundPost / blockedPost
        if jsonread.text(post.get("author"), "did") != exclude:
            found.append(_item(post, True))
        found.extend(thread_comments(reply, exclude=exclude))
    return found


def _item(view: dict[str, Any], is_reply: bool) -> InboundItem:
    """A notification or a post view: both carry uri, author, record and indexedAt."""
    record = view.get("record")
    record = record if isinstance(record, dict) else {}
    reply = record.get("reply")
    reply = reply if isinstance(reply, dict) else {}
    author = view.get("author")
    uri = api.required(view, "uri")
    return InboundItem(
        kind=InboundKind.COMMENT if is_reply else InboundKind.MENTION,
        remote_id=uri,
        text=jsonread.text(record, "text"),
        created_at=jsonread.parse_time(record.get("createdAt") or view.get("indexedAt")),
        author_id=jsonread.text(author, "did"),
        author_handle=jsonread.text(author, "handle"),
        author_name=jsonread.text(author, "displayName"),
        thread_id=jsonread.text(reply.get("root"), "uri"),
        parent_id=jsonread.text(reply.get("parent"), "uri"),
        url=api.post_url(uri),
    )
