"""Background processes prove they are alive by writing a heartbeat row every few seconds."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from parvis.core.models import Heartbeat

log = logging.getLogger(__name__)


def heartbeat_beat(*, name: str, kind: str) -> None:
    """Record that process ``name`` of ``kind`` is alive now; a database hiccup is only logged."""
    close_old_connections()
    try:
        Heartbeat.objects.update_or_create(
            name=name, defaults={"kind": kind, "seen_at": timezone.now()}
        )
    except DatabaseError:
        log.warning("heartbeat not recorded", extra={"process_name": name}, exc_info=True)


def heartbeat_alive(kind: str) -> bool:
    """Whether a process of ``kind`` wrote its heartbeat recently (see /healthz)."""
    fresh_since = timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_S)
    return Heartbeat.objects.filter(kind=kind, seen_at__gte=fresh_since).exists()
