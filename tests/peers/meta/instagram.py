"""Fake Instagram routes: the container state machine, media_publish with the 50-per-24-h
quota, comments and replies, tagged media, Direct conversations. social-apis.md §2.2-§2.3.

Container states: IN_PROGRESS until its processing time has passed, then FINISHED; ERROR (with
Meta's status text and subcode) when its media URL was registered as failing; EXPIRED 24 h after
creation; PUBLISHED once media_publish used it. A carousel is FINISHED when all children are.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.peers.meta.common import Call, list_edge
from tests.peers.meta.nodes import own, visible
from tests.peers.meta.state import DAY, GraphError, MetaState, Node, invalid_parameter

PUBLISH_QUOTA = 50
MAX_CAROUSEL = 10


def container_status(state: MetaState, node: Node) -> tuple[str, str]:
    """(status_code, status) of a container now."""
    if node.data.get("published_as"):
        return "PUBLISHED", "Published"
    if state.now() > node.created_at + DAY:
        return "EXPIRED", "Expired: the container was not published within 24 hours"
    children = [state.nodes[c] for c in node.edge("children")]
    codes = [container_status(state, child)[0] for child in children]
    if "ERROR" in codes:
        return "ERROR", "Error: a carousel item failed (2207001)"
    ready = state.now() >= node.created_at + node.data["processing"]
    if node.data.get("failure") and ready:
        return "ERROR", node.data["failure"]
    if ready and all(code == "FINISHED" for code in codes):
        return "FINISHED", "Finished: Media has been uploaded and it is ready to be published."
    return "IN_PROGRESS", "In Progress: Media is still being processed."


def user_edge(
    state: MetaState, call: Call, user: Node, edge: str, config: dict[str, Any]
) -> dict[str, Any]:
    if call.method == "GET" and edge in ("media", "tags"):
        return list_edge(state, call, user, edge)
    if call.method == "GET" and edge == "conversations":
        if call.params.get("platform") != "instagram":
            raise invalid_parameter("platform=instagram is required")
        return list_edge(state, call, user, edge)
    if call.method == "GET" and edge == "content_publishing_limit":
        return {
            "data": [
                {
                    "config": {"quota_total": config["quota"], "quota_duration": DAY},
                    "quota_usage": _published_today(state, user),
                }
            ]
        }
    if call.method == "POST" and edge in ("media", "media_publish"):
        own(call.acting, user)
        if edge == "media":
            return {"id": _create_container(state, call, user, config).id}
        return _publish(state, call, user, config)
    raise invalid_parameter(f"Unsupported {call.method.lower()} request on edge {edge}")


def _published_today(state: MetaState, user: Node) -> int:
    media = visible(state, user.edge("media"))
    return sum(1 for m in media if m.data.get("via_api") and m.created_at > state.now() - DAY)


def _create_container(state: MetaState, call: Call, user: Node, config: dict[str, Any]) -> Node:
    params = call.params
    media_type = params.get("media_type", "IMAGE" if "image_url" in params else "")
    carousel_item = params.get("is_carousel_item") == "true"
    url = params.get("image_url") or params.get("video_url", "")
    if len(params.get("caption", "")) > 2200:
        raise invalid_parameter("The caption is longer than 2200 characters", subcode=2207008)
    children: list[str] = []
    if media_type == "CAROUSEL":
        children = [c for c in params.get("children", "").split(",") if c]
        if not 2 <= len(children) <= MAX_CAROUSEL:
            raise invalid_parameter(f"A carousel has 2 to {MAX_CAROUSEL} children")
        for child in children:
            node = state.get(child)
            if node.type != "ig_container" or not node.data["carousel_item"]:
                raise invalid_parameter(f"{child} is not a carousel item container")
    elif media_type == "VIDEO" and not carousel_item:
        raise invalid_parameter("The VIDEO media type is no longer supported: use REELS")
    elif media_type not in ("IMAGE", "REELS", "VIDEO", "STORIES") or not url:
        raise invalid_parameter("image_url or video_url (with media_type) is required")
    if url and not url.startswith("https://"):
        raise GraphError(
            "Media download has failed. The media URI doesn't meet our requirements.",
            code=9004,
            subcode=2207052,
            user_msg="The media could not be fetched from this URI: it must be public HTTPS.",
        )
    if "alt_text" in params and "image_url" not in params:
        raise invalid_parameter("alt_text is only supported for images")
    is_video = media_type in ("REELS", "VIDEO")
    failure = next((text for part, text in config["failing"].items() if part and part in url), "")
    container = state.add(
        "ig_container",
        user.id,
        media_type=media_type,
        url=url,
        caption=params.get("caption", ""),
        alt_text=params.get("alt_text", ""),
        carousel_item=carousel_item,
        failure=failure,
        processing=config["processing"]["video" if is_video else "image"],
    )
    container.edge("children").extend(children)
    return container


def _publish(state: MetaState, call: Call, user: Node, config: dict[str, Any]) -> dict[str, Any]:
    container = state.get(call.need("creation_id"))
    if container.type != "ig_container" or container.owner != user.id:
        raise invalid_parameter("creation_id is not a container of this account")
    if container.data["carousel_item"]:
        raise invalid_parameter("A carousel item cannot be published on its own")
    if _published_today(state, user) >= config["quota"]:
        raise GraphError(
            "Application request limit reached",
            code=9,
            subcode=2207042,
            user_msg="You reached the maximum number of posts that can be published in 24 hours.",
        )
    code, status = container_status(state, container)
    if code == "IN_PROGRESS":
        raise GraphError(
            "Media ID is not available",
            code=9007,
            subcode=2207027,
            user_msg="The media is not ready for publishing, please wait for a moment",
        )
    if code != "FINISHED":
        raise invalid_parameter(f"The container cannot be published ({code}): {status}")
    kind = container.data["media_type"]
    media = state.add(
        "ig_media",
        user.id,
        caption=container.data["caption"],
        timestamp=state.timestamp(),
        permalink=f"https://www.instagram.com/p/{secrets.token_urlsafe(8)}/",
        media_type={"REELS": "VIDEO", "CAROUSEL": "CAROUSEL_ALBUM"}.get(kind, "IMAGE"),
        media_product_type="REELS" if kind == "REELS" else "FEED",
        username=user.data["username"],
        like_count=0,
        via_api=True,
        alt_text=container.data["alt_text"],
        media_url=container.data["url"],
    )
    if not media.data["caption"]:
        del media.data["caption"]
    media.edge("children").extend(container.edge("children"))
    container.data["published_as"] = media.id
    user.edge("media").append(media.id)
    return {"id": media.id}


def comment_edge(state: MetaState, call: Call, node: Node, edge: str) -> dict[str, Any]:
    """``/{media}/comments`` (read, comment on own media) and ``/{comment}/replies``."""
    if (node.type, edge) not in (("ig_media", "comments"), ("ig_comment", "replies")):
        kind = "ShadowIGMedia" if node.type == "ig_media" else node.type
        raise invalid_parameter(f"Tried accessing nonexisting field ({edge}) on node type ({kind})")
    if call.method == "GET":
        return list_edge(state, call, node, edge)
    message = call.need("message")
    if node.type == "ig_comment" and node.data.get("parent_id"):
        raise invalid_parameter("Only top-level comments can be replied to")
    author = next(
        (
            state.nodes[i]
            for i in call.acting
            if state.nodes.get(i, None) and state.nodes[i].type == "ig_user"
        ),
        None,
    )
    if author is None:
        raise GraphError("(#200) Permissions error", code=200, status=403)
    reply = add_comment(state, node, message, author.id, author.data["username"])
    return {"id": reply.id}


def add_comment(state: MetaState, target: Node, text: str, author_id: str, username: str) -> Node:
    media_id = target.data.get("media", {}).get("id", target.id)
    data: dict[str, Any] = {
        "text": text,
        "timestamp": state.timestamp(),
        "username": username,
        "from": {"id": author_id, "username": username},
        "like_count": 0,
        "hidden": False,
        "media": {"id": media_id},
    }
    if target.type == "ig_comment":
        data["parent_id"] = target.id
    comment = state.add("ig_comment", author_id, **data)
    target.edge("replies" if target.type == "ig_comment" else "comments").append(comment.id)
    return comment
