"""Fake Facebook Pages routes: feed, photos, videos (file_url or Resumable Upload API),
comments, tagged posts, Messenger conversations. social-apis.md §1.2-§1.3."""

from __future__ import annotations

import secrets
from typing import Any

from tests.peers.meta.common import Call, attached_media, list_edge
from tests.peers.meta.nodes import own
from tests.peers.meta.state import GraphError, MetaState, Node, invalid_parameter, missing_object


def page_edge(state: MetaState, call: Call, page: Node, edge: str) -> dict[str, Any]:
    if call.method == "GET":
        if edge == "posts":
            return list_edge(state, call, page, "feed", lambda n: n.owner == page.id)
        if edge == "conversations":
            platform = call.params.get("platform", "messenger")
            return list_edge(state, call, page, edge, lambda n: n.data["platform"] == platform)
        if edge in ("feed", "tagged"):
            return list_edge(state, call, page, edge)
    if call.method == "POST" and edge in ("feed", "photos", "videos"):
        own(call.acting, page)
        return {"feed": _feed, "photos": _photo, "videos": _video}[edge](state, call, page)
    raise invalid_parameter(f"Unsupported {call.method.lower()} request on edge {edge}")


def _no_duplicate(state: MetaState, page: Node, message: str) -> None:
    """Posting the same content twice in a row is error 506 (social-apis.md §1.2)."""
    posts = [state.nodes[i] for i in page.edge("feed") if state.nodes[i].owner == page.id]
    latest = next((p for p in reversed(posts) if not p.data.get("deleted")), None)
    if message and latest is not None and latest.data.get("message") == message:
        raise GraphError(
            "Duplicate status message",
            code=506,
            kind="OAuthException",
            user_msg="Cette publication est identique à la précédente.",
        )


def _post(state: MetaState, page: Node, message: str, **data: Any) -> Node:
    _no_duplicate(state, page, message)
    post_id = f"{page.id}_{state.new_id()}"
    post = state.add(
        "post",
        page.id,
        post_id,
        message=message,
        created_time=state.timestamp(),
        permalink_url=f"https://www.facebook.com/{post_id}",
        sender={"id": page.id, "name": page.data["name"]},
        **data,
    )
    if not message:
        del post.data["message"]
    page.edge("feed").append(post.id)
    return post


def _feed(state: MetaState, call: Call, page: Node) -> dict[str, Any]:
    message, link = call.params.get("message", ""), call.params.get("link", "")
    media = attached_media(call.params)
    if not (message or link or media):
        raise invalid_parameter("Missing message or attachment")
    if link and not link.startswith(("http://", "https://")):
        raise GraphError("Link scrape failed", code=100, subcode=1609005)
    for photo_id in media:
        photo = state.get(photo_id)
        if photo.type != "photo" or photo.owner != page.id or photo.data.get("published"):
            raise invalid_parameter(f"attached_media {photo_id} is not an unpublished photo")
    post = _post(state, page, message, attached=media, **({"link": link} if link else {}))
    return {"id": post.id}


def _photo(state: MetaState, call: Call, page: Node) -> dict[str, Any]:
    url, source = call.params.get("url", ""), call.files.get("source")
    if bool(url) == (source is not None):
        raise invalid_parameter("Exactly one of url or source is required")
    if url and not url.startswith("https://"):
        raise GraphError("(#324) Missing or invalid image file", code=324)
    if source is not None and len(source) < 8:
        raise GraphError("(#324) Missing or invalid image file", code=324)
    published = call.params.get("published", "true") != "false"
    caption = call.params.get("caption", "")
    photo = state.add(
        "photo",
        page.id,
        name=caption,
        created_time=state.timestamp(),
        published=published,
        source=url or f"{len(source or b'')} bytes",
        sender={"id": page.id, "name": page.data["name"]},
    )
    photo.data["link"] = f"https://www.facebook.com/photo/?fbid={photo.id}"
    if not published:
        return {"id": photo.id}
    post = _post(state, page, caption, attached=[photo.id])
    return {"id": photo.id, "post_id": post.id}


def _video(state: MetaState, call: Call, page: Node) -> dict[str, Any]:
    file_url, handle = (
        call.params.get("file_url", ""),
        call.params.get("fbuploader_video_file_chunk", ""),
    )
    if bool(file_url) == bool(handle):
        raise invalid_parameter("Exactly one of file_url or fbuploader_video_file_chunk")
    if handle:
        upload = next((u for u in state.uploads.values() if u["handle"] == handle), None)
        if upload is None or len(upload["bytes"]) != upload["file_length"]:
            raise invalid_parameter("The upload handle is unknown or the upload is incomplete")
    description = call.params.get("description", "")
    video = state.add(
        "video",
        page.id,
        description=description,
        title=call.params.get("title", ""),
        created_time=state.timestamp(),
        sender={"id": page.id, "name": page.data["name"]},
    )
    video.data["permalink_url"] = f"/{page.id}/videos/{video.id}/"
    _post(state, page, description, attached=[video.id])
    return {"id": video.id}


def open_upload(state: MetaState, call: Call, app_id: str) -> dict[str, Any]:
    """``POST /{app-id}/uploads``: a Resumable Upload API session."""
    if app_id != state.app_id:
        raise missing_object(app_id, "post")
    length = call.integer("file_length", 0)
    if length <= 0 or not call.params.get("file_type", "").startswith("video/"):
        raise invalid_parameter("file_length and a video file_type are required")
    upload_id = f"upload:{secrets.token_hex(8)}"
    state.uploads[upload_id] = {
        "file_length": length,
        "bytes": b"",
        "handle": f"4:{secrets.token_hex(12)}",
    }
    return {"id": upload_id}


def upload_bytes(state: MetaState, call: Call, upload_id: str) -> dict[str, Any]:
    upload = state.uploads.get(upload_id)
    if upload is None:
        raise missing_object(upload_id, call.method.lower())
    if call.method == "GET":
        return {"id": upload_id, "file_offset": len(upload["bytes"])}
    offset = int(call.headers.get("file_offset", "-1") or -1)
    if offset != len(upload["bytes"]) or offset + len(call.raw) > upload["file_length"]:
        raise invalid_parameter(f"file_offset must be {len(upload['bytes'])}", subcode=1363037)
    upload["bytes"] += call.raw
    return {"h": upload["handle"]}


def comments(state: MetaState, call: Call, node: Node) -> dict[str, Any]:
    """``/{post-or-comment-id}/comments``: read, or comment as the Page."""
    if call.method == "GET":
        return list_edge(state, call, node, "comments")
    message = call.need("message")
    page_id = next(iter(call.acting & {n.id for n in state.nodes.values() if n.type == "page"}), "")
    if not page_id:
        raise GraphError("(#200) Permissions error", code=200, status=403)
    comment = add_comment(state, node, message, page_id, state.nodes[page_id].data["name"])
    return {"id": comment.id}


def add_comment(state: MetaState, target: Node, message: str, author_id: str, name: str) -> Node:
    data: dict[str, Any] = {
        "message": message,
        "created_time": state.timestamp(),
        "from": {"id": author_id, "name": name},
        "comment_count": 0,
    }
    if target.type == "comment":
        data["parent"] = {"id": target.id, "message": target.data.get("message", "")}
    comment = state.add(
        "comment", author_id, f"{target.id.split('_')[-1]}_{state.new_id()}", **data
    )
    target.edge("comments").append(comment.id)
    return comment
