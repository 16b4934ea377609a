"""Share of voice: how much is said about the company and about each competitor, over time.

Per bucket (a day over 7 days, a week — from Monday, in the organisation's time zone — over 30
or 90), the number of collected items about each entity, split by sentiment:

* « vous »: the items found by the company's own-name searches, and its own watched accounts'
  posts;
* a competitor: its accounts' posts and its feed's articles, and every item whose text
  contains each word of its name (accents and case ignored, the timeline's full-text index).

An item about two entities counts for both. Counting runs in the database (one grouped query
per entity); nothing is read from the networks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDay, TruncWeek
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.inbox.search import _pg_query as pg_query
from parvis.inbox.search import fts5_query
from parvis.watch.benchmark import Entity, entities
from parvis.watch.models import Item, ItemSource, WatchQuery

SENTIMENTS = ("positive", "neutral", "negative")


@dataclass
class Counts:
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    other: int = 0  # not analysed (an erased item, an empty text)

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative + self.other

    def add(self, sentiment: str, n: int) -> None:
        if sentiment in SENTIMENTS:
            setattr(self, sentiment, getattr(self, sentiment) + n)
        else:
            self.other += n


@dataclass
class Voice:
    entity: Entity
    by_bucket: dict[date, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    share: float | None = None  # percent of every entity's items; None when nothing was said


@dataclass(frozen=True)
class ShareOfVoice:
    days: int
    buckets: tuple[date, ...]  # each bucket's first day
    weekly: bool
    voices: tuple[Voice, ...]

    @property
    def total(self) -> int:
        return sum(voice.overall.total for voice in self.voices)


def _mentions(organisation: Organisation, name: str) -> Q:
    """Items whose text contains every word of ``name`` (the full-text index, per database)."""
    match = fts5_query(name)
    if not match:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        sql = (
            "SELECT id FROM watch_item WHERE organisation_id = %s"
            " AND search_vector @@ to_tsquery('french', %s)"
        )
        return Q(pk__in=RawSQL(sql, [organisation.pk, pg_query(name)]))  # noqa: S611 - bound
    sql = "SELECT rowid FROM watch_item_fts WHERE watch_item_fts MATCH %s"
    return Q(pk__in=RawSQL(sql, [match]))  # noqa: S611 - constant SQL, bound


def about(organisation: Organisation, entity: Entity) -> Q:
    """The condition « this item is about ``entity`` » (see the module docstring)."""
    links = ItemSource.objects.filter(organisation=organisation)
    if entity.competitor is None:
        own = links.filter(
            Q(profile_id__in=entity.profile_ids) | Q(query__kind=WatchQuery.Kind.OWN_NAME)
        )
        return Q(pk__in=Subquery(own.values("item_id")))
    theirs = links.filter(
        Q(profile__competitor=entity.competitor) | Q(feed__competitor=entity.competitor)
    )
    return Q(pk__in=Subquery(theirs.values("item_id"))) | _mentions(
        organisation, entity.competitor.name
    )


def _buckets(first: date, last: date, weekly: bool) -> tuple[date, ...]:
    step = timedelta(days=7 if weekly else 1)
    start = first - timedelta(days=first.weekday()) if weekly else first
    found = []
    while start <= last:
        found.append(start)
        start += step
    return tuple(found)


def share_of_voice(organisation: Organisation, days: int, now: datetime, you: str) -> ShareOfVoice:
    """Every entity's items per bucket and sentiment over the ``days`` before ``now``."""
    since = now - timedelta(days=days)
    weekly = days > 7
    zone = timezone.get_current_timezone()
    trunc = TruncWeek if weekly else TruncDay
    buckets = _buckets(
        timezone.localtime(since, zone).date(), timezone.localtime(now, zone).date(), weekly
    )
    found = entities(organisation, you)
    # « Vous » is there even without a watched account of its own, through its name searches.
    if not any(entity.competitor is None for entity in found):
        found.insert(0, Entity("you", you, None, ()))
    voices = []
    items = Item.objects.for_organisation(organisation).filter(
        published_at__gte=since, published_at__lte=now
    )
    for entity in found:
        voice = Voice(entity, {bucket: Counts() for bucket in buckets})
        rows = (
            items.filter(about(organisation, entity))
            .annotate(bucket=trunc("published_at", tzinfo=zone))
            .values("bucket", "sentiment")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            bucket = row["bucket"]
            day = bucket.date() if isinstance(bucket, datetime) else bucket
            voice.by_bucket.setdefault(day, Counts()).add(row["sentiment"], row["n"])
            voice.overall.add(row["sentiment"], row["n"])
        voices.append(voice)
    total = sum(voice.overall.total for voice in voices)
    for voice in voices:
        voice.share = 100 * voice.overall.total / total if total else None
    return ShareOfVoice(days, buckets, weekly, tuple(voices))
