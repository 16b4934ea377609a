"""Which fields and edges each Graph node type has, and how the fake renders them.

Asking for a field a node type does not have is Graph's error 100 ("Tried accessing nonexisting
field"), so a connector that drifts from the documented field names fails here.
"""

from __future__ import annotations

from typing import Any

from tests.peers.meta.fields import FieldSpec, paginate
from tests.peers.meta.state import GraphError, MetaState, Node, invalid_parameter

TYPE_NAMES = {
    "app": "Application",
    "page": "Page",
    "post": "PagePost",
    "photo": "Photo",
    "video": "Video",
    "comment": "Comment",
    "user": "User",
    "ig_user": "IGUser",
    "ig_media": "IGMedia",
    "ig_container": "ShadowIGMediaBuilder",
    "ig_comment": "IGComment",
    "conversation": "Conversation",
    "message": "Message",
}
FIELDS: dict[str, set[str]] = {
    "app": {"id", "name", "link", "category"},
    "page": {
        "id",
        "name",
        "username",
        "link",
        "category",
        "picture",
        "followers_count",
        "fan_count",
        "instagram_business_account",
    },
    "post": {"id", "message", "created_time", "permalink_url", "from", "shares"},
    "photo": {"id", "name", "created_time", "link", "from", "alt_text_custom"},
    "video": {"id", "description", "title", "created_time", "permalink_url", "from"},
    "comment": {
        "id",
        "message",
        "from",
        "created_time",
        "parent",
        "comment_count",
        "permalink_url",
    },
    "user": {"id", "name"},
    "ig_user": {
        "id",
        "username",
        "name",
        "profile_picture_url",
        "followers_count",
        "follows_count",
        "media_count",
        "biography",
    },
    "ig_media": {
        "id",
        "caption",
        "timestamp",
        "permalink",
        "media_type",
        "media_product_type",
        "like_count",
        "comments_count",
        "username",
        "media_url",
        "alt_text",
    },
    "ig_container": {"id", "status_code", "status"},
    "ig_comment": {
        "id",
        "text",
        "timestamp",
        "username",
        "from",
        "parent_id",
        "like_count",
        "hidden",
        "media",
    },
    "conversation": {"id", "updated_time", "participants", "message_count"},
    "message": {"id", "message", "from", "to", "created_time"},
}
EDGES: dict[str, set[str]] = {
    "page": {"feed", "posts", "tagged", "conversations"},
    "post": {"comments"},
    "photo": {"comments"},
    "video": {"comments"},
    "comment": {"comments"},
    "ig_user": {"media", "tags", "conversations"},
    "ig_media": {"comments", "children"},
    "ig_comment": {"replies"},
    "conversation": {"messages"},
}
DEFAULT_FIELDS = {
    "post": ["created_time", "message", "id"],
    "comment": ["created_time", "from", "message", "id"],
    "ig_comment": ["timestamp", "text", "id"],
    "conversation": ["id", "updated_time"],
    "message": ["id", "created_time"],
}
NEWEST_FIRST = {"feed", "posts", "tagged", "conversations", "media", "tags", "messages"}


def visible(state: MetaState, ids: list[str]) -> list[Node]:
    nodes = [state.nodes[i] for i in ids if i in state.nodes]
    return [node for node in nodes if not node.data.get("deleted")]


def edge_nodes(state: MetaState, node: Node, edge: str, order: str = "") -> list[Node]:
    """The edge's nodes: feeds newest first, comments oldest first (Graph's ``chronological``)."""
    nodes = visible(state, node.edge(edge))
    newest_first = edge in NEWEST_FIRST or order == "reverse_chronological"
    return list(reversed(nodes)) if newest_first else nodes


def render(state: MetaState, node: Node, specs: list[FieldSpec] | None) -> dict[str, Any]:
    names = (
        specs
        if specs is not None
        else [FieldSpec(n) for n in DEFAULT_FIELDS.get(node.type, ["id"])]
    )
    out: dict[str, Any] = {}
    for spec in names:
        if spec.name == "business_discovery" and node.type == "ig_user":
            from tests.peers.meta.discovery import business_discovery  # noqa: PLC0415 - cycle

            out[spec.name] = business_discovery(state, spec)
        elif spec.name in EDGES.get(node.type, set()):
            out[spec.name] = render_edge(state, node, spec)
        elif spec.name in FIELDS.get(node.type, set()):
            value = computed(state, node, spec.name)
            if value is not None:
                out[spec.name] = subset(value, spec.children)
        else:
            raise invalid_parameter(
                f"Tried accessing nonexisting field ({spec.name}) on node type "
                f"({TYPE_NAMES.get(node.type, node.type)})"
            )
    out.setdefault("id", node.id)
    return out


def computed(state: MetaState, node: Node, name: str) -> Any:
    if node.type == "ig_container" and name in ("status_code", "status"):
        from tests.peers.meta.instagram import container_status  # noqa: PLC0415 - cycle

        code, status = container_status(state, node)
        return code if name == "status_code" else status
    if name == "comments_count":
        return len(visible(state, node.edge("comments")))
    if name == "media_count":
        return len(visible(state, node.edge("media")))
    return node.data.get(name)


def subset(value: Any, children: list[FieldSpec] | None) -> Any:
    if children is None or not isinstance(value, dict):
        return value
    if isinstance(value.get("data"), dict):  # picture{url} -> {"data": {"url": ...}}
        return {"data": subset(value["data"], children)}
    return {spec.name: value[spec.name] for spec in children if spec.name in value}


def render_edge(state: MetaState, node: Node, spec: FieldSpec) -> dict[str, Any]:
    try:
        limit = int(spec.modifiers.get("limit", "25"))
    except ValueError as exc:
        raise invalid_parameter("limit must be an integer") from exc
    items = edge_nodes(state, node, spec.name, spec.modifiers.get("order", ""))
    after = spec.modifiers.get("after")  # media.limit(25).after(<cursor>) inside an expansion
    page, paging = paginate(items, limit=limit, after=after, next_base=f"/{node.id}/{spec.name}")
    answer: dict[str, Any] = {"data": [render(state, item, spec.children) for item in page]}
    if paging:
        answer["paging"] = paging
    if spec.modifiers.get("summary") == "true":
        answer["summary"] = {"total_count": len(items)}
    return answer


def own(acting: set[str], node: Node) -> None:
    """Writes need the token to act for the node's owner (error 200 otherwise)."""
    if node.owner not in acting:
        raise GraphError("(#200) Permissions error", code=200, kind="OAuthException", status=403)
