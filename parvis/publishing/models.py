"""Posts, their per-account targets, every publish attempt, and what surrounds them.

A :class:`Post` is what a person writes once; a :class:`PostTarget` is that post on one connected
account. The dispatcher works on targets only: each carries its own status, due time, lease
(``claim_token``/``claimed_until``), stable idempotency key and, once live, the remote id and URL.
Times are stored in UTC; the organisation's zone is applied only at the edges (forms, CSV, iCal).
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from parvis.core.models import OrganisationOwned
from parvis.core.sending.models import AttemptRecord, Leased
from parvis.core.text import shorten
from parvis.core.vocabulary import ContentCategory, category_label


def _label(category: ContentCategory) -> Any:
    """The category's label in the language active when it is shown (French by default)."""
    return lazy(lambda: category_label(category, get_language()), str)()


CATEGORY_CHOICES = [(category.value, _label(category)) for category in ContentCategory]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


_EXTENSION = re.compile(r"[a-z0-9]{1,5}")


def private_media_name(instance: OrganisationOwned, filename: str) -> str:
    """Where an uploaded file (or a copy of it) is stored: ``media/<organisation id>/<random
    token>.<extension>``. Nothing of the name the person gave is kept in the path (it may say
    who or where); the token cannot be guessed, and the files are never served from their path
    anyway: members read them through ``posts:media_file``, networks through signed addresses.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not _EXTENSION.fullmatch(extension):
        extension = "bin"
    return f"media/{instance.organisation_id}/{secrets.token_urlsafe(24)}.{extension}"


class MediaAsset(OrganisationOwned):
    """A picture or video uploaded for posts, kept as uploaded and measured once (pictures
    upright). Networks whose limits it exceeds get a :class:`MediaRendition` each."""

    file = models.FileField(upload_to=private_media_name, max_length=255)
    # The name the file had on the uploader's computer: shown and used as the download name,
    # never part of the stored path.
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    alt_text = models.CharField(_("alternative text"), max_length=1500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show and to download under: the original one (files stored before it
        was recorded fall back to their stored name)."""
        return self.original_name or (self.file.name or "").rsplit("/", 1)[-1] or f"media {self.pk}"


class MediaRendition(OrganisationOwned):
    """A copy of a picture made for one network profile (its formats, weight and proportions,
    see ``publishing.renditions``), made once when first needed and reused by every post."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    # The network and a digest of the rules the copy was made for: new limits, new copy.
    profile = models.CharField(max_length=80)
    file = models.FileField(upload_to=private_media_name, max_length=255)
    mime = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["asset", "profile"], name="one_rendition_per_profile")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.profile}"


class Post(OrganisationOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        PARTIALLY_FAILED = "partially_failed", _("Partially failed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Recurrence(models.TextChoices):
        NONE = "", _("Once")
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Posts written through the API have no author: the key that wrote them owns them.
    created_by_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    first_comment = models.TextField(_("first comment"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=CATEGORY_CHOICES, blank=True)
    media = models.ManyToManyField(MediaAsset, blank=True, related_name="posts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    recurrence_until = models.DateTimeField(null=True, blank=True)
    # Evergreen posts come back into the queue once ``cooldown_days`` have passed.
    evergreen = models.BooleanField(default=False)
    cooldown_days = models.PositiveIntegerField(default=30)
    recycled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="post_org_status")]

    def __str__(self) -> str:
        first_line = (self.body or "").strip().splitlines()[0] if self.body.strip() else ""
        return shorten(first_line, 60) or gettext("Post without text (%(id)s)") % {"id": self.pk}

    @property
    def is_editable(self) -> bool:
        """Text may change until a target is in flight or live."""
        return self.status in {
            self.Status.DRAFT,
            self.Status.PENDING_APPROVAL,
            self.Status.APPROVED,
            self.Status.SCHEDULED,
            self.Status.FAILED,
            self.Status.PARTIALLY_FAILED,
        }

    def snapshot(self) -> dict[str, Any]:
        """What a revision keeps: everything a person can type."""
        return {
            "body": self.body,
            "link": self.link,
            "utm_source": self.utm_source,
            "utm_medium": self.utm_medium,
            "utm_campaign": self.utm_campaign,
            "first_comment": self.first_comment,
            "category": self.category,
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
            "targets": {
                str(t.account_id): t.text_override for t in self.targets.all().order_by("pk")
            },
        }


class PostTarget(OrganisationOwned, Leased):
    """One post on one account: the unit the dispatcher claims, publishes and records.

    The lease, attempt counter, ``sent_since``, remote id and last error are the exactly-once
    sender's columns (:class:`parvis.core.sending.models.Leased`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # not scheduled yet (draft, approval pending)
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHING = "publishing", _("Publishing")
        # The network may have the post: the next claim looks it up before any new send.
        UNCONFIRMED = "unconfirmed", _("Checking")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        HELD = "held", _("On hold: reconnect the account")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="publishing_targets"
    )
    text_override = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    due_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, default=new_idempotency_key, unique=True)
    remote_url = models.URLField(max_length=500, blank=True)
    first_comment_id = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Engagement counters collected later (likes + comments + shares): feeds the best-time hint.
    engagement = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "account"], name="one_target_per_account")
        ]
        # Partial indexes the dispatcher walks in order: waiting targets by next attempt, claimed
        # ones by lease end. They hold only live rows, so they stay small as history grows.
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="target_waiting",
                condition=models.Q(status__in=["scheduled", "unconfirmed"]),
            ),
            models.Index(
                fields=["claimed_until"],
                name="target_leased",
                condition=models.Q(status="publishing"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} → {self.account}"

    @property
    def is_final(self) -> bool:
        return self.status in {self.Status.PUBLISHED, self.Status.FAILED, self.Status.CANCELLED}

    def text(self) -> str:
        return self.text_override or self.post.body


class PublishAttempt(OrganisationOwned, AttemptRecord):
    """One try at publishing one target, whatever happened. Never updated after it finishes."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("In progress")
        PUBLISHED = "published", _("Published")
        RECONCILED = "reconciled", _("Found after a timeout")
        NOT_FOUND = "not_found", _("Not found after a timeout")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        TRANSIENT = "transient", _("Temporary error")
        RATE_LIMITED = "rate_limited", _("Rate limited")
        AUTH_EXPIRED = "auth_expired", _("Reconnection needed")
        REJECTED = "rejected", _("Rejected")
        ERROR = "error", _("Unexpected error")

    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="attempts_log")
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.STARTED)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.outcome} @ {self.started_at:%H:%M:%S}"


class PostRevision(OrganisationOwned):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class PostComment(OrganisationOwned):
    """The approval discussion on a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Notification(OrganisationOwned):
    """An in-app message for one person (also e-mailed when it needs action)."""

    class Kind(models.TextChoices):
        APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Changes requested")
        COMMENT = "comment", _("New comment")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Publication failed")
        RECONNECT = "reconnect", _("Account to reconnect")
        DISPATCH_STALLED = "dispatch_stalled", _("Publishing stalled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publishing_notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.TextField()
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class QueueSlot(OrganisationOwned):
    """A recurring weekly time ("Tuesday 09:30", local time) that "add to queue" fills."""

    weekday = models.PositiveSmallIntegerField()  # Monday = 0, as datetime.weekday()
    local_time = models.TimeField()
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["weekday", "local_time"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.local_time:%H:%M}"


class CalendarFeed(OrganisationOwned):
    """The secret address of the organisation's iCal feed; rotating the token revokes it."""

    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed {self.organisation_id}"


class DispatchAlert(OrganisationOwned):
    """An incident: posts were due and nothing was dispatched. One row (and one e-mail) each."""

    opened_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    due_count = models.PositiveIntegerField(default=0)
    oldest_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"alert {self.organisation_id} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    def clear(self, now: datetime | None = None) -> None:
        self.cleared_at = now or timezone.now()
        self.save(update_fields=["cleared_at"])
