"""Meta webhooks, one endpoint for Facebook Pages and Instagram (one Meta app).

https://developers.facebook.com/docs/graph-api/webhooks/getting-started — the subscription
check echoes ``hub.challenge`` when ``hub.verify_token`` is Parvis' (``PARVIS_FACEBOOK_WEBHOOK_
SECRET``); deliveries carry ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>``.
Payloads (feed comments, Messenger):
https://developers.facebook.com/docs/graph-api/webhooks/reference/page
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.provider import (
    ChallengeAnswer,
    MalformedDelivery,
    ParsedEvent,
    WebhookEndpoint,
    WebhookEvents,
)
from parvis.networks.webhooks import hex_hmac, prefixed_matches, same


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>``."""
    return prefixed_matches(header, hex_hmac(app_secret, body))


def challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo for a subscription check, or None to refuse (403)."""
    if params.get("hub.mode") != "subscribe":
        return None
    if not same(params.get("hub.verify_token", ""), verify_token):
        return None
    return params.get("hub.challenge")


class MetaEndpoint(WebhookEndpoint):
    slug: ClassVar[str] = "meta"
    kind: ClassVar[Network] = Network.FACEBOOK
    signature_header: ClassVar[str] = "X-Hub-Signature-256"

    def signature_valid(self, secret: str, body: bytes, header: str | None) -> bool:
        return signature_valid(secret, body, header)

    def challenge(self, params: Mapping[str, str]) -> ChallengeAnswer | None:
        verify_token = self.setting("webhook_secret")
        return challenge(params, verify_token) if verify_token else None

    def network_of(self, payload: Any) -> Network:
        # One Meta app, one endpoint: Instagram deliveries say so in their "object".
        if isinstance(payload, dict) and payload.get("object") == "instagram":
            return Network.INSTAGRAM
        return Network.FACEBOOK


ENDPOINT = MetaEndpoint()


def parse(payload: Any) -> WebhookEvents:
    """New comments (``feed`` changes of ``item: comment``) and Messenger messages; the
    Page's own comments and message echoes are left out."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedDelivery("no entry list")
    events: list[ParsedEvent] = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            raise MalformedDelivery("entry is not an object")
        page_id = jsonread.text_or_number(entry, "id")
        for change in entry.get("changes") or []:
            value = jsonread.obj(change, "value")
            if value.get("item") != "comment" or value.get("verb", "add") != "add":
                continue
            author = jsonread.obj(value, "from")
            if jsonread.text_or_number(author, "id") == page_id:
                continue
            events.append(
                (
                    page_id,
                    InboundItem(
                        kind=InboundKind.COMMENT,
                        remote_id=jsonread.text_or_number(value, "comment_id"),
                        text=jsonread.text(value, "message"),
                        created_at=jsonread.epoch_seconds(value.get("created_time") or 0),
                        author_id=jsonread.text_or_number(author, "id"),
                        author_name=jsonread.text(author, "name"),
                        thread_id=jsonread.text_or_number(value, "post_id"),
                        parent_id=jsonread.text_or_number(value, "parent_id"),
                    ),
                )
            )
        for messaging in entry.get("messaging") or []:
            message = jsonread.obj(messaging, "message")
            if not message or message.get("is_echo"):
                continue
            sender = jsonread.text_or_number(messaging, "sender", "id")
            events.append(
                (
                    page_id,
                    InboundItem(
                        kind=InboundKind.DM,
                        remote_id=jsonread.text_or_number(message, "mid"),
                        text=jsonread.text(message, "text"),
                        created_at=jsonread.epoch_millis(messaging.get("timestamp") or 0),
                        author_id=sender,
                        thread_id=sender,
                    ),
                )
            )
    return WebhookEvents(items=tuple(events))
