"""How long Parvis keeps what it keeps: the purges the scheduler runs (``parvis/celery.py``).

Each purge deletes what is older than its setting (``PARVIS_RETENTION_*``, docs/privacy.md),
in batches, and is safe to run twice or at the same time as another: a second run finds
nothing left to delete.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from parvis.core.models import AuditEvent
from parvis.inbox.models import Conversation, Message, Reply
from parvis.networks.models import WebhookEvent

log = logging.getLogger("parvis.privacy")

BATCH = 1000


def delete_in_batches(queryset: QuerySet[Any]) -> int:
    """Delete what ``queryset`` selects, ``BATCH`` rows per statement; return how many."""
    total = 0
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not pks:
            return total
        queryset.model._base_manager.filter(pk__in=pks).delete()
        total += len(pks)


def webhook_events_purge(*, now: datetime | None = None) -> int:
    """Raw webhook payloads: gone once processed, and never kept longer than
    ``RETENTION_WEBHOOK_DAYS`` even when unprocessed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_WEBHOOK_DAYS)
    return delete_in_batches(
        WebhookEvent.objects.filter(Q(processed_at__isnull=False) | Q(received_at__lt=cutoff))
    )


def inbox_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Messages older than ``RETENTION_INBOX_DAYS``; conversations whose last message is that
    old go whole (with their notes and replies); the team's finished replies that old too."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_INBOX_DAYS)
    conversations = delete_in_batches(Conversation.objects.filter(last_message_at__lt=cutoff))
    old = Message.objects.filter(created_at__lt=cutoff)
    messages = 0
    touched: set[int] = set()
    while True:
        batch = list(old.values_list("pk", "conversation_id")[:BATCH])
        if not batch:
            break
        touched.update(conversation_id for _pk, conversation_id in batch)
        Message.objects.filter(pk__in=[pk for pk, _c in batch]).delete()
        messages += len(batch)
    replies = delete_in_batches(
        Reply.objects.filter(
            created_at__lt=cutoff,
            status__in=[Reply.Status.SENT, Reply.Status.FAILED, Reply.Status.DEMO],
        )
    )
    # The conversations that lost messages but stay: their counters and, when no received
    # message is left, the preview of the last one.
    ordered = sorted(touched)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        counted = (
            Message.objects.filter(conversation=OuterRef("pk"))
            .values("conversation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        alive = Conversation.objects.filter(pk__in=chunk)
        alive.update(message_count=Coalesce(Subquery(counted), 0))
        alive.exclude(messages__direction=Message.Direction.IN).update(snippet="")
    return {"conversations": conversations, "messages": messages, "replies": replies}


def audit_events_purge(*, now: datetime | None = None) -> int:
    """Activity log entries (and the IP addresses they hold) older than
    ``RETENTION_AUDIT_DAYS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_AUDIT_DAYS)
    return delete_in_batches(AuditEvent.objects.filter(created_at__lt=cutoff))


def sessions_purge() -> None:
    """Expired sessions (they name their user): Django leaves them until ``clearsessions``."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def retention_purge(*, now: datetime | None = None) -> dict[str, Any]:
    """Every purge, in one call (the daily task)."""
    result: dict[str, Any] = {
        "webhook_events": webhook_events_purge(now=now),
        "inbox": inbox_purge(now=now),
        "audit_events": audit_events_purge(now=now),
    }
    sessions_purge()
    log.info("privacy.retention_purged", extra={"purged": result})
    return result
