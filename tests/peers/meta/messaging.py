"""Fake Send API: ``POST /{page-id}/messages`` (Messenger) and ``POST /{ig-user-id}/messages``
(Instagram Direct), JSON bodies, inside the standard 24-hour window. social-apis.md §1.3, §2.3.
"""

from __future__ import annotations

from typing import Any

from tests.peers.meta.common import Call
from tests.peers.meta.nodes import visible
from tests.peers.meta.state import DAY, GraphError, MetaState, Node, invalid_parameter

# "This message is sent outside of allowed window" [3P subcodes: Messenger, Instagram].
OUTSIDE_WINDOW = {"page": 2018278, "ig_user": 2534022}
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


def send(state: MetaState, call: Call, owner: Node) -> dict[str, Any]:
    body = call.json if isinstance(call.json, dict) else {}
    recipient = (
        body.get("recipient", {}).get("id") if isinstance(body.get("recipient"), dict) else None
    )
    text = body.get("message", {}).get("text") if isinstance(body.get("message"), dict) else None
    if not isinstance(recipient, str) or not isinstance(text, str) or not text:
        raise invalid_parameter("recipient.id and message.text are required")
    if owner.type == "page" and body.get("messaging_type") not in MESSAGING_TYPES:
        raise invalid_parameter("messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG")
    conversation = _conversation_with(state, owner, recipient)
    if conversation is None:
        raise GraphError(
            "(#100) No matching user found", code=100, subcode=2018001, kind="OAuthException"
        )
    theirs = [m for m in visible(state, conversation.edge("messages")) if m.owner == recipient]
    if not theirs or theirs[-1].created_at < state.now() - DAY:
        raise GraphError(
            "(#10) This message is sent outside of allowed window.",
            code=10,
            subcode=OUTSIDE_WINDOW[owner.type],
        )
    message = state.add(
        "message",
        owner.id,
        f"m_{state.new_id()}",
        message=text,
        created_time=state.timestamp(),
        sender={"id": owner.id, "name": owner.data["name"]},
        to={"data": [{"id": recipient}]},
    )
    conversation.edge("messages").append(message.id)
    return {"recipient_id": recipient, "message_id": message.id}


def _conversation_with(state: MetaState, owner: Node, person: str) -> Node | None:
    for conversation in visible(state, owner.edge("conversations")):
        people = conversation.data.get("participants", {}).get("data", [])
        if any(p.get("id") == person for p in people):
            return conversation
    return None
