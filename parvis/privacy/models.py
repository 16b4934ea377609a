"""The one row the privacy app keeps: an owner's request to delete the organisation.

Everything else this app does works on the other apps' rows (erasing a person's messages,
purging old ones, deleting a whole organisation), so it needs no table of its own.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parvis.core.models import OrganisationOwned


class OrganisationDeletion(OrganisationOwned):
    """An owner asked for the organisation to be deleted at ``due_at``.

    States: pending (``cancelled_at`` and ``started_at`` empty), cancelled, or started (a worker
    claimed it: it can no longer be cancelled and is resumed if the worker dies). Once the
    deletion is done the organisation is gone, and this row with it.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one live request per organisation: asking twice must not schedule two.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(cancelled_at__isnull=True),
                name="privacy_one_live_deletion",
            )
        ]

    def __str__(self) -> str:
        return f"deletion of {self.organisation_id} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.started_at is None

    def is_due(self, now: datetime | None = None) -> bool:
        return self.cancelled_at is None and self.due_at <= (now or timezone.now())
