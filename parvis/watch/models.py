"""What the watch follows (competitors, profiles, queries, feeds) and what it collected.

Every source carries its state (active, paused until…, in error) in French for the page. An
item is stored once per organisation (``dedupe_key``) and linked to every source that found it
through :class:`ItemSource`.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.models import OrganisationOwned
from parvis.core.vocabulary import NETWORK_LABELS

WEB = "web"  # the « network » of items read from RSS/Atom feeds
NETWORK_CHOICES = [(network.value, label) for network, label in NETWORK_LABELS.items()]
ITEM_NETWORK_CHOICES = [*NETWORK_CHOICES, (WEB, "Web")]


class WatchSettings(OrganisationOwned):
    """One row per organisation: how long items are kept and the size of its plan."""

    class PlanSize(models.TextChoices):
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    retention_months = models.PositiveSmallIntegerField(default=13)
    plan_size = models.CharField(max_length=10, choices=PlanSize.choices, default=PlanSize.SMALL)
    # Alerts: always in the app; by e-mail at most ``alert_daily_cap`` a day, never in the quiet
    # hours (organisation's time zone; start after end means the quiet hours span midnight).
    alert_email = models.BooleanField(default=True)
    alert_daily_cap = models.PositiveSmallIntegerField(default=5)
    quiet_start = models.TimeField(default=time(20, 0))
    quiet_end = models.TimeField(default=time(8, 0))
    digest_email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="watch_one_settings_per_org")
        ]


class Competitor(OrganisationOwned):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SourceState(models.Model):
    """The state a source shows on the page; ``error_code`` lets the page add the right link
    (« Comptes » for a missing or expired account, « Trouver le flux » for a page that is not a
    feed)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ERROR = "error", _("Needs attention")

    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    paused_until = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=30, blank=True)
    last_error = models.TextField(blank=True)  # French, for people (the pause reason too)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)

    class Meta:
        abstract = True


class WatchedProfile(OrganisationOwned, SourceState):
    """A public account on a network: a competitor's, or the company's own (no competitor)."""

    network = models.CharField(max_length=20, choices=NETWORK_CHOICES)
    handle = models.CharField(max_length=200)
    remote_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    page_url = models.URLField(max_length=500, blank=True)
    followers = models.PositiveBigIntegerField(null=True, blank=True)
    competitor = models.ForeignKey(
        Competitor, on_delete=models.CASCADE, null=True, blank=True, related_name="profiles"
    )

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "remote_id"], name="watch_profile_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} @{self.handle}"

    @property
    def is_own(self) -> bool:
        return self.competitor_id is None


class WatchQuery(OrganisationOwned, SourceState):
    """A search run on the networks: sector words, or the company's own names and products."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("Sector")
        OWN_NAME = "own_name", _("Our names and products")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SECTOR)
    all_words = models.CharField(max_length=300, blank=True)
    any_words = models.CharField(max_length=300, blank=True)
    none_words = models.CharField(max_length=300, blank=True)
    exact_phrase = models.CharField(max_length=200, blank=True)
    hashtags = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return describe_query(self)


def describe_query(query: WatchQuery) -> str:
    """« "pain au levain" #boulangerie tout : bio · sans : recette » — one line for the page."""
    parts = []
    if query.exact_phrase:
        parts.append(f"«\u00a0{query.exact_phrase}\u00a0»")
    parts += [f"#{tag.lstrip('#')}" for tag in query.hashtags.split()]
    if query.all_words:
        parts.append(query.all_words)
    if query.any_words:
        parts.append(" | ".join(query.any_words.split()))
    if query.none_words:
        parts.append(" ".join(f"-{word}" for word in query.none_words.split()))
    return " ".join(parts) or "—"


class Feed(OrganisationOwned, SourceState):
    """An RSS or Atom feed (trade press, a competitor's blog, Google Alerts, a YouTube channel)."""

    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=1000, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    competitor = models.ForeignKey(
        Competitor, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url"], name="watch_feed_once")
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Item(OrganisationOwned):
    """One post or article, stored once per organisation whatever found it."""

    network = models.CharField(max_length=20, choices=ITEM_NETWORK_CHOICES)
    remote_id = models.CharField(max_length=500)
    dedupe_key = models.CharField(max_length=600)
    url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    author_id = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField()
    collected_at = models.DateTimeField(default=timezone.now)
    counters = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    sentiment_score = models.FloatField(default=0)
    intents = models.JSONField(default=dict, blank=True)
    category = models.CharField(max_length=30, blank=True)  # competitors' posts only
    # What people did with it: kept for later, marked as a lead opportunity.
    saved_at = models.DateTimeField(null=True, blank=True)
    opportunity_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], name="watch_item_once")
        ]
        indexes = [
            models.Index(fields=["organisation", "-published_at"], name="watch_item_recent"),
            models.Index(fields=["organisation", "author_id"], name="watch_item_author"),
        ]


class ItemSource(OrganisationOwned):
    """Which source found an item: exactly one of the three links is set."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="sources")
    profile = models.ForeignKey(WatchedProfile, on_delete=models.CASCADE, null=True, blank=True)
    query = models.ForeignKey(WatchQuery, on_delete=models.CASCADE, null=True, blank=True)
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "profile"], name="watch_link_profile"),
            models.UniqueConstraint(fields=["item", "query"], name="watch_link_query"),
            models.UniqueConstraint(fields=["item", "feed"], name="watch_link_feed"),
        ]


class FollowerSnapshot(OrganisationOwned):
    """A watched profile's followers on one day (the benchmark's growth curve)."""

    profile = models.ForeignKey(WatchedProfile, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    followers = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "day"], name="watch_one_snapshot_per_day")
        ]


class Alert(OrganisationOwned):
    """Something the watch noticed that should not wait for Monday.

    ``fingerprint`` makes each alert once-only (a spike is one alert per query per day, a hit
    one per item); ``params`` keeps the figures so the message is written in the reader's
    language when shown or e-mailed.
    """

    class Kind(models.TextChoices):
        SPIKE = "spike", _("Spike in mentions")
        NEGATIVE = "negative", _("Burst of negative mentions")
        OUTLIER = "outlier", _("Competitor post far above usual")
        HIT = "hit", _("New hit on a watched expression")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    fingerprint = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True)
    query = models.ForeignKey(WatchQuery, on_delete=models.SET_NULL, null=True, blank=True)
    profile = models.ForeignKey(WatchedProfile, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fingerprint"], name="watch_alert_once")
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="watch_alert_recent")]


class Digest(OrganisationOwned):
    """The Monday digest of one week, computed once so the page and the e-mail say the same."""

    week_start = models.DateField()  # the Monday, in the organisation's time zone
    content = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # First opened by someone: the week's veille counts as done for the alignment score.
    opened_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "week_start"], name="watch_one_digest_per_week"
            )
        ]
