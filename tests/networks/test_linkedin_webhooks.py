"""LinkedIn's Organization Social Action Notifications, read into inbox items."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from parvis.networks.contracts import InboundKind
from parvis.networks.linkedin.webhooks import parse
from parvis.networks.provider import MalformedDelivery

ORG = "urn:li:organization:2414183"
POST = "urn:li:share:7094637247487995904"
COMMENT = "urn:li:comment:(urn:li:activity:7094637247890620418,709)"


def _notification(action: str, **fields: Any) -> dict[str, Any]:
    return {
        "notificationId": 1,
        "organizationalEntity": ORG,
        "action": action,
        "sourcePost": "urn:li:activity:7094637247890620418",
        "decoratedSourcePost": {"entity": POST, "owner": ORG, "text": "Nos fenêtres"},
        "lastModifiedAt": 1700000000000,
        **fields,
    }


def _delivery(*notifications: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
        "notifications": list(notifications),
    }


def test_a_comment_becomes_an_item_with_the_ids_polling_uses() -> None:
    comment = {"entity": COMMENT, "owner": "urn:li:person:anne", "text": "Un devis ?"}
    events = parse(
        _delivery(_notification("COMMENT", decoratedGeneratedActivity={"comment": comment}))
    )
    [(account, item)] = events.items
    assert account == "2414183" and not events.read_again
    assert (item.kind, item.remote_id, item.text) == (InboundKind.COMMENT, COMMENT, "Un devis ?")
    assert (item.thread_id, item.parent_id, item.author_id) == (POST, POST, "urn:li:person:anne")
    assert item.created_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_a_mention_becomes_an_item() -> None:
    mentioning = "urn:li:share:1"
    share = {"entity": mentioning, "owner": "urn:li:person:bob", "text": "Merci @Menuiserie"}
    notification = _notification(
        "SHARE_MENTION", sourcePost=mentioning, decoratedGeneratedActivity={"share": share}
    )
    [(_account, item)] = parse(_delivery(notification)).items
    assert (item.kind, item.remote_id, item.thread_id) == (
        InboundKind.MENTION,
        mentioning,
        mentioning,
    )


def test_likes_reshares_own_comments_and_edits_are_not_conversations() -> None:
    own = {"entity": COMMENT, "owner": ORG, "text": "Merci !"}
    events = parse(
        _delivery(
            _notification("LIKE"),
            _notification("SHARE"),
            _notification("ADMIN_COMMENT", decoratedGeneratedActivity={"comment": own}),
            _notification("COMMENT", decoratedGeneratedActivity={"comment": own}),
            _notification("COMMENT_EDIT"),
            _notification("COMMENT_DELETE"),
        )
    )
    assert events.items == () and not events.read_again


def test_a_notification_without_its_content_asks_to_read_the_page() -> None:
    events = parse(_delivery(_notification("COMMENT"), _notification("SHARE_MENTION")))
    assert events.items == () and events.read_again == {"2414183"}


@pytest.mark.parametrize(
    "payload",
    [
        [1],
        {"notifications": "?"},
        _delivery("?"),
        _delivery(_notification("COMMENT", organizationalEntity="")),
    ],
)
def test_malformed_deliveries_are_refused(payload: Any) -> None:
    with pytest.raises(MalformedDelivery):
        parse(payload)
