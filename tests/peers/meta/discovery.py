"""Business Discovery in the Meta fake: ``fields=business_discovery.username(<name>){…}`` on
our own IG user node renders another professional account (wave2-apis §1.4).

Only ``ig_user`` nodes marked ``account_type="BUSINESS"`` or ``"CREATOR"`` can be discovered;
another name, a personal account or ours without that field answer Graph's ``(#110) Invalid user
id`` (subcode 2207013, [3P] as in the reference). Media come through the usual ``media`` edge
with ``limit`` and ``after`` modifiers; ``like_count`` is left out when the owner hides likes
(``hide_like_counts``), as documented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.peers.meta.state import GraphError

if TYPE_CHECKING:
    from tests.peers.meta.fields import FieldSpec
    from tests.peers.meta.state import MetaState, Node

DISCOVERABLE = frozenset({"BUSINESS", "CREATOR"})


def business_discovery(state: MetaState, spec: FieldSpec) -> dict[str, Any]:
    from tests.peers.meta.nodes import render  # noqa: PLC0415 - nodes imports this module

    username = spec.modifiers.get("username", "")
    target = next(
        (
            node
            for node in state.nodes.values()
            if node.type == "ig_user"
            and str(node.data.get("username", "")).lower() == username.lower()
            and node.data.get("account_type") in DISCOVERABLE
            and not node.data.get("deleted")
        ),
        None,
    )
    if target is None:
        raise GraphError(
            "Invalid user id", code=110, subcode=2207013, user_msg="Utilisateur introuvable"
        )
    rendered = render(state, target, spec.children)
    _hide_likes(state, target, rendered)
    return rendered


def _hide_likes(state: MetaState, target: Node, rendered: dict[str, Any]) -> None:
    media = rendered.get("media")
    if not isinstance(media, dict):
        return
    for item in media.get("data", []):
        node = state.nodes.get(item.get("id", ""))
        if node is not None and node.data.get("hide_like_counts"):
            item.pop("like_count", None)
