"""From verified webhook deliveries (``networks.WebhookEvent``) to inbox items.

The networks app verifies signatures and stores raw payloads; this module maps them to the
connectors' ``InboundItem`` and the account they concern, then ingests. Each network's
parser is a pure function ``payload -> list[(account remote id, InboundItem)]`` registered in
``PARSERS``. A payload a parser cannot read is logged and marked processed: it never blocks
the deliveries after it.

Seam for other sources: :func:`ingest_parsed` takes already-parsed events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from django.utils import timezone

from parvis.inbox.ingest import inbox_ingest
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.models import SocialAccount, WebhookEvent

log = logging.getLogger("parvis.inbox")

ParsedEvent = tuple[str, InboundItem]  # (our account's remote id, the item)
BATCH = 200


class Malformed(ValueError):
    """The payload does not have the shape the network documents."""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


# X Account Activity API: https://docs.x.com/x-api/enterprise-gnip-2.0/fundamentals/account-activity
def parse_x(payload: Any) -> list[ParsedEvent]:
    if not isinstance(payload, dict) or not _str(payload.get("for_user_id")):
        raise Malformed("no for_user_id")
    me = _str(payload["for_user_id"])
    events: list[ParsedEvent] = []
    for tweet in payload.get("tweet_create_events") or []:
        if not isinstance(tweet, dict) or not isinstance(tweet.get("user"), dict):
            raise Malformed("tweet without user")
        user = tweet["user"]
        if _str(user.get("id_str")) == me:
            continue  # our own posts and replies come back too
        created = parsedate_to_datetime(_str(tweet.get("created_at")))
        is_reply = _str(tweet.get("in_reply_to_user_id_str")) == me
        tweet_id = _str(tweet.get("id_str"))
        events.append(
            (
                me,
                InboundItem(
                    kind=InboundKind.COMMENT if is_reply else InboundKind.MENTION,
                    remote_id=tweet_id,
                    text=_str(tweet.get("text")),
                    created_at=created.astimezone(UTC),
                    author_id=_str(user.get("id_str")),
                    author_handle=_str(user.get("screen_name")),
                    author_name=_str(user.get("name")),
                    thread_id=_str(tweet.get("in_reply_to_status_id_str")) or tweet_id,
                    parent_id=_str(tweet.get("in_reply_to_status_id_str")),
                    url=f"https://x.com/i/web/status/{tweet_id}",
                ),
            )
        )
    for dm in payload.get("direct_message_events") or []:
        create = dm.get("message_create") if isinstance(dm, dict) else None
        if not isinstance(create, dict):
            raise Malformed("direct message without message_create")
        sender = _str(create.get("sender_id"))
        if sender == me:
            continue
        millis = int(_str(dm.get("created_timestamp")) or 0)
        data: Any = create.get("message_data") or {}
        events.append(
            (
                me,
                InboundItem(
                    kind=InboundKind.DM,
                    remote_id=_str(dm.get("id")),
                    text=_str(data.get("text")) if isinstance(data, dict) else "",
                    created_at=datetime.fromtimestamp(millis / 1000, tz=UTC),
                    author_id=sender,
                    thread_id=sender,
                ),
            )
        )
    return events


# Meta Pages webhooks (feed comments, Messenger): https://developers.facebook.com/docs/graph-api/webhooks/reference/page
def parse_meta(payload: Any) -> list[ParsedEvent]:
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise Malformed("no entry list")
    events: list[ParsedEvent] = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            raise Malformed("entry is not an object")
        page_id = _str(entry.get("id"))
        for change in entry.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or value.get("item") != "comment":
                continue
            if value.get("verb", "add") != "add":
                continue
            author: dict[str, Any] = value["from"] if isinstance(value.get("from"), dict) else {}
            if _str(author.get("id")) == page_id:
                continue
            events.append(
                (
                    page_id,
                    InboundItem(
                        kind=InboundKind.COMMENT,
                        remote_id=_str(value.get("comment_id")),
                        text=_str(value.get("message")),
                        created_at=datetime.fromtimestamp(
                            int(value.get("created_time") or 0), tz=UTC
                        ),
                        author_id=_str(author.get("id")),
                        author_name=_str(author.get("name")),
                        thread_id=_str(value.get("post_id")),
                        parent_id=_str(value.get("parent_id")),
                    ),
                )
            )
        for messaging in entry.get("messaging") or []:
            message = messaging.get("message") if isinstance(messaging, dict) else None
            if not isinstance(message, dict) or message.get("is_echo"):
                continue
            sender_info: Any = messaging.get("sender")
            sender = _str(sender_info.get("id")) if isinstance(sender_info, dict) else ""
            events.append(
                (
                    page_id,
                    InboundItem(
                        kind=InboundKind.DM,
                        remote_id=_str(message.get("mid")),
                        text=_str(message.get("text")),
                        created_at=datetime.fromtimestamp(
                            int(messaging.get("timestamp") or 0) / 1000, tz=UTC
                        ),
                        author_id=sender,
                        thread_id=sender,
                    ),
                )
            )
    return events


PARSERS: dict[str, Callable[[Any], list[ParsedEvent]]] = {
    "x": parse_x,
    "facebook": parse_meta,
    "instagram": parse_meta,
}


def ingest_parsed(network: str, events: Iterable[ParsedEvent]) -> int:
    """Ingest parsed events into every organisation that connected the account they concern
    (the same page may be connected by two organisations, e.g. an agency and its client).
    Returns the number of messages stored."""
    by_account: dict[str, list[InboundItem]] = {}
    for remote_id, item in events:
        by_account.setdefault(remote_id, []).append(item)
    stored = 0
    accounts = SocialAccount.objects.filter(
        kind=network,
        remote_id__in=list(by_account),
        status=SocialAccount.Status.CONNECTED,
        is_demo=False,
    )
    for account in accounts:
        stored += inbox_ingest(account, by_account[account.remote_id]).stored
    return stored


def webhook_events_process(*, limit: int = BATCH) -> int:
    """Process stored deliveries, oldest first; each is marked processed even when unreadable."""
    processed = 0
    pending = WebhookEvent.objects.filter(processed_at__isnull=True).order_by("received_at", "pk")
    for event in pending[:limit]:
        parser = PARSERS.get(event.network)
        try:
            if parser is not None:
                ingest_parsed(event.network, parser(event.payload))
        except (Malformed, ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            log.warning(
                "inbox.webhook_malformed",
                extra={"event_id": event.pk, "network": event.network, "error": repr(exc)[:200]},
            )
        WebhookEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now())
        processed += 1
    return processed
