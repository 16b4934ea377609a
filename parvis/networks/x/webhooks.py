"""X webhooks: the CRC check, the signature, and the Account Activity payloads.

https://docs.x.com/x-api/webhooks/quickstart — deliveries carry
``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>``.
Payloads: https://docs.x.com/x-api/enterprise-gnip-2.0/fundamentals/account-activity
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
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
from parvis.networks.webhooks import b64_hmac, prefixed_matches


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The JSON to answer X's CRC check ``GET <url>?crc_token=…``."""
    return {"response_token": "sha256=" + b64_hmac(consumer_secret, crc_token.encode())}


def signature_valid(consumer_secret: str, body: bytes, header: str | None) -> bool:
    """``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>``."""
    return prefixed_matches(header, b64_hmac(consumer_secret, body))


class XEndpoint(WebhookEndpoint):
    slug: ClassVar[str] = "x"
    kind: ClassVar[Network] = Network.X
    signature_header: ClassVar[str] = "x-twitter-webhooks-signature"

    def signing_secret(self) -> str:
        # The Account Activity API signs with the OAuth 1.0a consumer secret, which differs from
        # the OAuth 2 client secret: PARVIS_X_WEBHOOK_SECRET holds it when set.
        return self.setting("webhook_secret") or self.setting("client_secret")

    def signature_valid(self, secret: str, body: bytes, header: str | None) -> bool:
        return signature_valid(secret, body, header)

    def challenge(self, params: Mapping[str, str]) -> ChallengeAnswer | None:
        secret, crc_token = self.signing_secret(), params.get("crc_token", "")
        if not secret or not crc_token:
            return None
        return crc_response(secret, crc_token)


def parse(payload: Any) -> WebhookEvents:
    """Mentions, replies and direct messages of one Account Activity delivery; the account's
    own posts and messages come back too and are left out."""
    if not isinstance(payload, dict) or not jsonread.text_or_number(payload, "for_user_id"):
        raise MalformedDelivery("no for_user_id")
    me = jsonread.text_or_number(payload, "for_user_id")
    events: list[ParsedEvent] = []
    for tweet in payload.get("tweet_create_events") or []:
        if not isinstance(tweet, dict) or not isinstance(tweet.get("user"), dict):
            raise MalformedDelivery("tweet without user")
        if jsonread.text_or_number(tweet, "user", "id_str") == me:
            continue
        events.append((me, _tweet(tweet, me)))
    for dm in payload.get("direct_message_events") or []:
        create = dm.get("message_create") if isinstance(dm, dict) else None
        if not isinstance(create, dict):
            raise MalformedDelivery("direct message without message_create")
        sender = jsonread.text_or_number(create, "sender_id")
        if sender == me:
            continue
        events.append(
            (
                me,
                InboundItem(
                    kind=InboundKind.DM,
                    remote_id=jsonread.text_or_number(dm, "id"),
                    text=jsonread.text(create, "message_data", "text"),
                    created_at=jsonread.epoch_millis(
                        int(jsonread.text_or_number(dm, "created_timestamp") or 0)
                    ),
                    author_id=sender,
                    thread_id=sender,
                ),
            )
        )
    return WebhookEvents(items=tuple(events))


def _tweet(tweet: dict[str, Any], me: str) -> InboundItem:
    user = jsonread.obj(tweet, "user")
    created = parsedate_to_datetime(jsonread.text(tweet, "created_at"))
    is_reply = jsonread.text_or_number(tweet, "in_reply_to_user_id_str") == me
    tweet_id = jsonread.text_or_number(tweet, "id_str")
    parent = jsonread.text_or_number(tweet, "in_reply_to_status_id_str")
    return InboundItem(
        kind=InboundKind.COMMENT if is_reply else InboundKind.MENTION,
        remote_id=tweet_id,
        text=jsonread.text(tweet, "text"),
        created_at=created.astimezone(UTC),
        author_id=jsonread.text_or_number(user, "id_str"),
        author_handle=jsonread.text(user, "screen_name"),
        author_name=jsonread.text(user, "name"),
        thread_id=parent or tweet_id,
        parent_id=parent,
        url=f"https://x.com/i/web/status/{tweet_id}",
    )
