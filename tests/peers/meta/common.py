"""What every fake Graph route shares: the parsed call, edge listing with paging and time
filters, and insights with current and retired metric names."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.peers.meta.fields import FieldSpec, FieldSyntaxError, paginate, parse_fields
from tests.peers.meta.nodes import edge_nodes, render
from tests.peers.meta.state import MetaState, Node, Token, invalid_parameter


@dataclass
class Call:
    method: str
    parts: list[str]
    params: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None  # a JSON request body (the messaging endpoints)
    token: Token | None = None
    acting: set[str] = field(default_factory=set)

    def fields(self) -> list[FieldSpec] | None:
        text = self.params.get("fields")
        if text is None:
            return None
        try:
            return parse_fields(text)
        except FieldSyntaxError as exc:
            raise invalid_parameter(f"Syntax error in fields: {exc}") from exc

    def need(self, name: str) -> str:
        value = self.params.get(name, "")
        if not value:
            raise invalid_parameter(f"The parameter {name} is required")
        return value

    def integer(self, name: str, default: int) -> int:
        try:
            return int(self.params.get(name, default))
        except ValueError as exc:
            raise invalid_parameter(f"Param {name} must be an integer") from exc


def timestamp_param(value: str) -> float:
    """``since`` / ``until``: a unix timestamp or an ISO 8601 date, as Graph accepts."""
    if value.isdigit():
        return float(value)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError as exc:
        raise invalid_parameter(f"Invalid time value {value!r}") from exc


def list_edge(
    state: MetaState,
    call: Call,
    owner: Node,
    edge: str,
    keep: Callable[[Node], bool] = lambda node: True,
) -> dict[str, Any]:
    """GET ``/{id}/{edge}``: time filters, ``limit``, ``after`` cursor, ``fields``."""
    nodes = [n for n in edge_nodes(state, owner, edge, call.params.get("order", "")) if keep(n)]
    if "since" in call.params:
        since = timestamp_param(call.params["since"])
        nodes = [n for n in nodes if n.created_at >= since]
    if "until" in call.params:
        until = timestamp_param(call.params["until"])
        nodes = [n for n in nodes if n.created_at <= until]
    limit = call.integer("limit", 25)
    if not 1 <= limit <= 100:
        raise invalid_parameter("limit must be between 1 and 100")
    page, paging = paginate(
        nodes, limit=limit, after=call.params.get("after"), next_base=f"/{owner.id}/{edge}"
    )
    specs = call.fields()
    answer: dict[str, Any] = {"data": [render(state, n, specs) for n in page]}
    if paging:
        answer["paging"] = paging
    return answer


# social-apis.md §1.4 and §2.4: current names, and names retired in 2025 (they must error).
FACEBOOK_POST_METRICS = {
    "post_media_view",
    "post_total_media_view_unique",
    "post_reactions_by_type_total",
    "post_clicks",
}
FACEBOOK_PAGE_METRICS = {
    "page_follows",
    "page_media_view",
    "page_total_media_view_unique",
    "page_post_engagements",
    "page_views_total",
}
INSTAGRAM_MEDIA_METRICS = {
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saved",
    "total_interactions",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
    "replies",
    "navigation",
}


def insights(state: MetaState, call: Call, node: Node) -> dict[str, Any]:
    wanted = [m for m in call.need("metric").split(",") if m]
    allowed = {
        "post": FACEBOOK_POST_METRICS,
        "photo": FACEBOOK_POST_METRICS,
        "video": FACEBOOK_POST_METRICS,
        "page": FACEBOOK_PAGE_METRICS,
        "ig_media": INSTAGRAM_MEDIA_METRICS,
    }.get(node.type)
    if allowed is None:
        raise invalid_parameter(f"Object of type {node.type} has no insights")
    for index, name in enumerate(wanted):
        if name not in allowed:
            if node.type == "ig_media":
                raise invalid_parameter(
                    f"metric[{index}] must be one of the following values: "
                    + ", ".join(sorted(allowed))
                )
            raise invalid_parameter("The value must be a valid insights metric")
    period = call.params.get("period", "day" if node.type == "page" else "lifetime")
    if node.type == "page" and period not in ("day", "week", "days_28"):
        raise invalid_parameter(f"Invalid period {period}")
    counters = node.data.get("metrics", {})
    data = []
    for name in wanted:
        value: Any = counters.get(name, 3 * len(name))
        if name == "post_reactions_by_type_total":
            value = {"like": 4, "love": 1}
        data.append(
            {
                "name": name,
                "period": period,
                "values": [{"value": value, "end_time": state.timestamp()}],
                "title": name.replace("_", " ").title(),
                "description": f"{name} ({period})",
                "id": f"{node.id}/insights/{name}/{period}",
            }
        )
    return {"data": data, "paging": {}}


def attached_media(params: dict[str, str]) -> list[str]:
    """``attached_media[0]={"media_fbid":"..."}`` form fields, in index order."""
    found: list[tuple[int, str]] = []
    for key, value in params.items():
        if key.startswith("attached_media[") and key.endswith("]"):
            try:
                index, media = int(key[15:-1]), json.loads(value)["media_fbid"]
            except (ValueError, KeyError, TypeError) as exc:
                raise invalid_parameter("attached_media must hold {media_fbid}") from exc
            found.append((index, str(media)))
    return [media for _, media in sorted(found)]
