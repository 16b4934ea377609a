"""From verified webhook deliveries (``networks.WebhookEvent``) to inbox items.

The networks app verifies signatures, stores raw payloads and reads them: each network's
provider parses a payload into the connectors' contracts (``InboundItem`` and the remote id of
the account it concerns, :class:`~parvis.networks.provider.WebhookEvents`). This module only maps
them to connected accounts and ingests; a delivery that names an account without carrying its
items (LinkedIn may) has that account's feeds read through its connector at once.

A payload its parser cannot read is logged and marked processed: it never blocks the deliveries
after it. A network whose provider reads no webhooks has its deliveries logged and marked too.

Seam for other sources: :func:`ingest_parsed` takes already-parsed events.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone

from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.polling import account_poll
from parvis.networks.contracts import InboundItem
from parvis.networks.errors import ConnectorError, NotSupported
from parvis.networks.models import SocialAccount, WebhookEvent
from parvis.networks.provider import ConnectorUnavailable, ParsedEvent, WebhookEvents
from parvis.networks.registry import provider

log = logging.getLogger("parvis.inbox")

BATCH = 200
# What a parser raises on a payload that does not have the documented shape.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def _accounts(network: str, remote_ids: Iterable[str]) -> list[SocialAccount]:
    """Every connected account with one of these remote ids: the same page may be connected
    by two organisations (an agency and its client)."""
    return list(
        SocialAccount.objects.filter(
            kind=network,
            remote_id__in=list(remote_ids),
            status=SocialAccount.Status.CONNECTED,
            is_demo=False,
        )
    )


def ingest_parsed(network: str, events: Iterable[ParsedEvent]) -> int:
    """Ingest parsed events into every organisation that connected the account they concern.
    Returns the number of messages stored."""
    by_account: dict[str, list[InboundItem]] = {}
    for remote_id, item in events:
        by_account.setdefault(remote_id, []).append(item)
    stored = 0
    for account in _accounts(network, by_account):
        stored += inbox_ingest(account, by_account[account.remote_id]).stored
    return stored


def _read_again(network: str, remote_ids: Iterable[str]) -> int:
    """Read the feeds of accounts a delivery named without carrying their items."""
    stored = 0
    for account in _accounts(network, remote_ids):
        try:
            stored += account_poll(account=account).stored
        except (ConnectorError, ConnectorUnavailable) as exc:  # this account only
            log.warning(
                "inbox.webhook_read_failed",
                extra={"account_id": account.pk, "network": network, "error": repr(exc)[:200]},
            )
    return stored


def webhook_event_ingest(network: str, events: WebhookEvents) -> int:
    """Ingest what one delivery says; returns the number of messages stored."""
    return ingest_parsed(network, events.items) + _read_again(network, events.read_again)


def webhook_events_process(*, limit: int = BATCH) -> int:
    """Process stored deliveries, oldest first; each is marked processed even when unreadable.
    Returns how many were processed (``limit``: call again, more may wait)."""
    processed = 0
    pending = WebhookEvent.objects.filter(processed_at__isnull=True).order_by("received_at", "pk")
    for event in pending[:limit]:
        try:
            events = provider(event.network).parse_webhook(event.payload)
        except (ConnectorUnavailable, NotSupported):
            log.warning(
                "inbox.webhook_unread", extra={"event_id": event.pk, "network": event.network}
            )
        except UNREADABLE as exc:
            log.warning(
                "inbox.webhook_malformed",
                extra={"event_id": event.pk, "network": event.network, "error": repr(exc)[:200]},
            )
        else:
            webhook_event_ingest(event.network, events)
        WebhookEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now())
        processed += 1
    return processed
