"""A member's own notifications: reading them is personal bookkeeping, not audited."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from parvis.accounts.models import Organisation, User
from parvis.publishing.models import Notification


def notifications_mark_read(
    *, user: User, organisation: Organisation, now: datetime | None = None
) -> int:
    """Mark every unread notification of ``user`` in ``organisation`` read; returns how many."""
    return (
        Notification.objects.for_organisation(organisation)
        .filter(user=user, read_at=None)
        .update(read_at=now or timezone.now())
    )
