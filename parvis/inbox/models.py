"""The unified inbox: conversations and their messages, replies, notes, labels, settings.

A ``Conversation`` groups the messages of one exchange on one account (a comment thread under
one of our posts with one person, a mention thread, a private conversation). Its denormalised
columns (priority, intent, waiting since…) are what the list sorts and filters on, so that the
list never has to read messages. Full-text search lives outside the ORM: an FTS5 table on
SQLite, a generated ``tsvector`` column on PostgreSQL (see migration 0002 and ``search.py``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.core.fields import EncryptedTextField
from parvis.core.models import OrganisationOwned
from parvis.core.sending.models import AttemptRecord, Outgoing
from parvis.core.vocabulary import Intent, Sentiment

INTENT_CHOICES = [
    (Intent.QUESTION.value, _("Question")),
    (Intent.COMPLAINT.value, _("Complaint")),
    (Intent.PURCHASE_INTENT.value, _("Purchase intent")),
    (Intent.JOB_APPLICATION.value, _("Job application")),
    (Intent.PRAISE.value, _("Praise")),
    (Intent.SPAM.value, _("Spam")),
    (Intent.OTHER.value, _("Other")),
]
SENTIMENT_CHOICES = [
    (Sentiment.NEGATIVE.value, _("Negative")),
    (Sentiment.NEUTRAL.value, _("Neutral")),
    (Sentiment.POSITIVE.value, _("Positive")),
]
KIND_CHOICES = [("comment", _("Comment")), ("mention", _("Mention")), ("dm", _("Direct message"))]
# Intents that are raised above everything else once they wait longer than the goal.
RAISED_INTENTS = (Intent.COMPLAINT.value, Intent.PURCHASE_INTENT.value)


class InboxSettings(OrganisationOwned):
    """One per organisation (created on first read with the defaults)."""

    goal_hours = models.PositiveIntegerField(_("response-time goal (hours)"), default=24)
    job_applications_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job applications go to"),
    )
    # Optional OpenAI-compatible endpoint (a local server or a French provider). Empty = no
    # language model: suggestions come from the organisation's saved replies only.
    llm_base_url = models.URLField(_("language model endpoint"), max_length=300, blank=True)
    llm_model = models.CharField(_("model name"), max_length=100, blank=True)
    llm_api_key = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="inbox_one_settings_per_org")
        ]

    def __str__(self) -> str:
        return f"inbox settings of {self.organisation_id}"

    @property
    def goal(self) -> timedelta:
        return timedelta(hours=self.goal_hours)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


class Label(OrganisationOwned):
    name = models.CharField(_("label"), max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="inbox_label_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Conversation(OrganisationOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SPAM = "spam", _("Spam")

    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="conversations"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    # Our grouping key inside the account (see services.thread_key): unique per account.
    thread_key = models.CharField(max_length=300)
    subject_remote_id = models.CharField(max_length=200, blank=True)  # the post they answer
    subject_url = models.URLField(max_length=500, blank=True)
    participant_id = models.CharField(max_length=200, blank=True)
    participant_handle = models.CharField(max_length=200, blank=True)
    participant_name = models.CharField(max_length=200, blank=True)
    snippet = models.CharField(max_length=300, blank=True)  # the last inbound message, cut
    message_count = models.PositiveIntegerField(default=0)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")

    last_message_at = models.DateTimeField()
    first_inbound_at = models.DateTimeField(null=True, blank=True)
    # The oldest inbound message not answered yet; None when nothing waits.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    priority_score = models.FloatField(default=0)
    priority_level = models.CharField(max_length=10, default="normal")
    priority_reasons = models.JSONField(default=list, blank=True)
    intent = models.CharField(max_length=20, choices=INTENT_CHOICES, default=Intent.OTHER.value)
    sentiment = models.CharField(
        max_length=10, choices=SENTIMENT_CHOICES, default=Sentiment.NEUTRAL.value
    )
    is_lead = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "thread_key"], name="inbox_one_thread")
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-last_message_at"], name="inbox_conv_recent"
            ),
            models.Index(
                fields=["organisation", "status", "-priority_score", "-last_message_at"],
                name="inbox_conv_priority",
            ),
            models.Index(
                fields=["organisation", "status", "awaiting_since"], name="inbox_conv_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_handle or self.participant_id} ({self.get_kind_display()})"

    @property
    def network(self) -> str:
        return str(self.account.kind)

    def is_over_goal(self, goal: timedelta, now: object) -> bool:
        return self.awaiting_since is not None and self.awaiting_since + goal < now  # type: ignore[operator]


class Message(OrganisationOwned):
    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="+"
    )
    remote_id = models.CharField(max_length=200)
    parent_remote_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    author_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_followers = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    sentiment_score = models.FloatField(default=0)
    intent = models.CharField(max_length=20, blank=True)
    intents = models.JSONField(default=dict, blank=True)  # {intent: score}
    reasons = models.JSONField(default=list, blank=True)  # French, from parvis.insight

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "remote_id"], name="inbox_message_once")
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="inbox_msg_thread")]

    def __str__(self) -> str:
        return f"{self.author_handle}: {self.text[:40]}"


class InternalNote(OrganisationOwned):
    """Visible to the team only; never sent anywhere."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class SavedReply(OrganisationOwned):
    """A reusable answer; ``{first_name}``, ``{order_number}``… are filled when used."""

    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"))
    intent = models.CharField(_("suggested for"), max_length=20, choices=INTENT_CHOICES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Reply(OrganisationOwned, Outgoing):
    """An answer written in Parvis, sent through the connector exactly once.

    The idempotency key is stable across attempts; the remote id is saved the moment the
    network gives it. ``unconfirmed`` means the network may have it: never re-sent without a
    lookup or an explicit decision by a person.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Will be retried")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Not confirmed by the network")
        DEMO = "demo", _("Demo: not sent")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="replies")
    in_reply_to = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(max_length=500, blank=True)
    error = models.TextField(blank=True)  # the network's reason, shown in the reply box
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when it last went « sending »

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply {self.pk} ({self.status})"


class ReplyAttempt(OrganisationOwned, AttemptRecord):
    """One call to the network for a reply: what happened and how long it took."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # ``outcome`` (sent, reconciled, or an error code), ``error`` and ``remote_id`` come from
    # AttemptRecord.

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"attempt {self.pk}: {self.outcome}"


class IngestCursor(OrganisationOwned):
    """Where polling stands for one (account, kind)."""

    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    newest_remote_id = models.CharField(max_length=200, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    unsupported = models.BooleanField(default=False)  # the network cannot read this kind

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind"], name="inbox_one_cursor")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.kind}"


class BackfillJob(OrganisationOwned):
    """Reading the last 30 days of an account's history, page by page, with progress."""

    class Status(models.TextChoices):
        RUNNING = "running", _("In progress")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    since = models.DateTimeField()
    # Per kind: {"cursor": str|None, "done": bool, "oldest": iso datetime}: resumable.
    state = models.JSONField(default=dict, blank=True)
    items_seen = models.PositiveIntegerField(default=0)
    items_stored = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"backfill {self.account_id} {self.progress}%"


class DigestDelivery(OrganisationOwned):
    """One member's digest of one local day: the unique row is the claim that makes the
    morning digest go out once, however many schedulers' ticks or workers see it due."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()  # in the organisation's time zone
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "day"], name="inbox_one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.day}"
