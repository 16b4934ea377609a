"""The shared kernel's models: organisation scoping, the audit log and process heartbeats."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation


class OrganisationQuerySet(models.QuerySet[Any]):
    def for_organisation(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)


class OrganisationOwned(models.Model):
    """Base of every row that belongs to one company.

    This is the single scoping mechanism: views and API endpoints reach these rows only through
    ``Model.objects.for_organisation(org)`` or :func:`parvis.core.scoping.get_scoped_or_404`, and
    ``tests/test_tenancy.py`` checks that every concrete model with an organisation derives from
    this class and that every URL refuses a member of another organisation.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what, when, to which object. Written by services through ``parvis.core.audit``."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A request made with an API key names the key; the key may be deleted later, its label stays.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="audit_org_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Heartbeat(models.Model):
    """Last sign of life of a background process (a Celery worker, the publishing dispatcher or
    the scheduler)."""

    class Kind(models.TextChoices):
        WORKER = "worker", "worker"
        SCHEDULER = "scheduler", "scheduler"
        DISPATCHER = "dispatcher", "dispatcher"
        PING = "ping", "ping"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%H:%M:%S}"
