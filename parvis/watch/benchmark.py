"""The competitor benchmark: each competitor and « vous » side by side, over 7, 30 or 90 days.

Pure reads over what the watch stored (no network call). A competitor is the sum of its
watched profiles; « vous » is the company's own watched profiles (no competitor), plus its posts
published through Parvis on the accounts it does not watch. Counting and
summing run in the database, a few queries per row, on indexed columns (the item's
organisation and date, the links' profile). What a network does not give stays ``None`` —
shown as « non communiqué », never as 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Expression,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import get_language

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import ContentCategory, category_label
from parvis.networks.models import SocialAccount
from parvis.networks.provider import ConnectorUnavailable
from parvis.networks.registry import provider
from parvis.publishing.models import PostTarget
from parvis.watch.models import Competitor, FollowerSnapshot, Item, ItemSource, WatchedProfile

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
BEST_POSTS = 3


@dataclass(frozen=True)
class Entity:
    """A row of the benchmark: one competitor, or the company itself (``competitor`` None)."""

    key: str  # "you" or "c<id>": a stable CSS / chart key
    label: str
    competitor: Competitor | None
    profile_ids: tuple[int, ...]


@dataclass(frozen=True)
class Audience:
    """One watched profile's followers: now, and the change since the period's start."""

    profile: WatchedProfile
    followers: int | None  # None: the network does not give it
    start: int | None  # followers at the period's start (or the first day known after it)
    since: date | None  # the day ``start`` was read
    late: bool = False  # first read after the period began: the growth is over fewer days

    @property
    def growth(self) -> int | None:
        if self.followers is None or self.start is None:
            return None
        return self.followers - self.start


@dataclass(frozen=True)
class BestPost:
    network: str  # the network's label
    published_at: datetime
    text: str
    url: str
    engagement: int
    is_demo: bool

    @classmethod
    def of_item(cls, item: Item, engagement: int) -> BestPost:
        text = item.title or item.text
        return cls(
            item.get_network_display(), item.published_at, text, item.url, engagement, item.is_demo
        )

    @classmethod
    def of_target(cls, target: PostTarget) -> BestPost:
        return cls(
            target.account.get_kind_display(),
            target.published_at or target.post.created_at,
            target.text(),
            target.remote_url,
            target.engagement or 0,
            target.post.is_demo,
        )


@dataclass(frozen=True)
class MixShare:
    category: str
    label: str
    posts: int
    percent: float


@dataclass(frozen=True)
class Row:
    entity: Entity
    audiences: tuple[Audience, ...]
    posts: int
    days: int
    engagement_total: int | None  # over the posts whose network gave their counters
    engagement_posts: int
    mix: tuple[MixShare, ...]
    best: tuple[BestPost, ...]

    @property
    def followers(self) -> int | None:
        known = [a.followers for a in self.audiences if a.followers is not None]
        return sum(known) if known else None

    @property
    def growth(self) -> int | None:
        known = [a.growth for a in self.audiences if a.growth is not None]
        return sum(known) if known else None

    @property
    def growth_percent(self) -> float | None:
        starts = sum(a.start or 0 for a in self.audiences if a.growth is not None)
        growth = self.growth
        return None if growth is None or starts == 0 else 100 * growth / starts

    @property
    def posts_per_week(self) -> float:
        return self.posts * 7 / self.days

    @property
    def engagement_per_post(self) -> float | None:
        if self.engagement_total is None or self.engagement_posts == 0:
            return None
        return self.engagement_total / self.engagement_posts


def period_days(raw: str | None) -> int:
    """7, 30 or 90 from a query string value; anything else is the default."""
    return int(raw) if raw in {str(days) for days in PERIODS} else DEFAULT_PERIOD


def entities(organisation: Organisation, you: str) -> list[Entity]:
    """« Vous » first (when the company watches one of its own accounts), then competitors."""
    profiles = list(
        WatchedProfile.objects.for_organisation(organisation).values_list("pk", "competitor_id")
    )
    own = tuple(pk for pk, competitor in profiles if competitor is None)
    found = [Entity("you", you, None, own)] if own else []
    for competitor in Competitor.objects.for_organisation(organisation):
        ids = tuple(pk for pk, owner in profiles if owner == competitor.pk)
        found.append(Entity(f"c{competitor.pk}", competitor.name, competitor, ids))
    return found


def _interactions(network: str) -> frozenset[str]:
    """The counter names that make a watched post's engagement on ``network``."""
    try:
        found = provider(network)
    except ConnectorUnavailable:  # the web: articles have no counters
        return frozenset()
    if found.public_interactions is not None:
        return found.public_interactions
    return found.interactions


def _engagement_parts(networks: list[str]) -> tuple[Expression, Q]:
    """The per-item engagement (the sum of the counters its network calls interactions) and
    the condition « its network gave at least one of them »."""
    whens, known = [], []
    for network in networks:
        names = sorted(_interactions(network))
        if not names:
            continue
        parts = [
            Coalesce(Cast(KT(f"counters__{name}"), BigIntegerField()), Value(0)) for name in names
        ]
        total: Expression = parts[0]
        for part in parts[1:]:
            total = total + part
        whens.append(When(network=network, then=total))
        known.append(Q(network=network, counters__has_any_keys=names))
    if not whens:
        return Value(0), Q(pk__in=[])
    return Case(*whens, default=Value(0), output_field=BigIntegerField()), reduce(or_, known)


def entity_items(organisation: Organisation, entity: Entity, since: datetime) -> QuerySet[Item]:
    """The posts the entity's watched profiles published since ``since``."""
    links = ItemSource.objects.filter(
        organisation=organisation, profile_id__in=entity.profile_ids
    ).values("item_id")
    return Item.objects.for_organisation(organisation).filter(
        published_at__gte=since, pk__in=Subquery(links)
    )


def audiences(organisation: Organisation, since_day: date) -> dict[int, Audience]:
    """Every watched profile's followers now and at the period's start, in one query."""
    snapshots = FollowerSnapshot.objects.filter(profile=OuterRef("pk"))
    before = snapshots.filter(day__lte=since_day).order_by("-day")
    after = snapshots.filter(day__gt=since_day).order_by("day")
    rows = (
        WatchedProfile.objects.for_organisation(organisation)
        .select_related("competitor")
        .annotate(
            latest=Subquery(snapshots.order_by("-day").values("followers")[:1]),
            start_before=Subquery(before.values("followers")[:1]),
            day_before=Subquery(before.values("day")[:1]),
            start_after=Subquery(after.values("followers")[:1]),
            day_after=Subquery(after.values("day")[:1]),
        )
    )
    found = {}
    for profile in rows:
        # The latest snapshot first, so the figure and the growth are read on the same day.
        now = profile.latest if profile.latest is not None else profile.followers
        start, day = profile.start_before, profile.day_before
        if start is None:  # watched since after the period began: growth since the first day
            start, day = profile.start_after, profile.day_after
        if isinstance(day, str):  # SQLite answers a subquery's date as text
            day = date.fromisoformat(day)
        found[profile.pk] = Audience(profile, now, start, day, day is not None and day > since_day)
    return found


def _categories(rows: QuerySet[Item] | QuerySet[PostTarget], field: str) -> Counter[str]:
    counted = rows.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).order_by()
    return Counter({row[field]: row["n"] for row in counted})


def _mix(counts: Counter[str]) -> tuple[MixShare, ...]:
    total = sum(counts.values())
    language = get_language() or "fr"
    shares = []
    for category, n in counts.most_common():
        try:
            label = category_label(ContentCategory(category), language)
        except ValueError:
            label = category
        shares.append(MixShare(category, label, n, 100 * n / total))
    return tuple(shares)


def published_targets(
    organisation: Organisation, since: datetime, now: datetime
) -> QuerySet[PostTarget]:
    """The company's posts published through Parvis in the period, on its connected accounts
    that it does not also watch as « Le nôtre » (those posts are already items: not twice)."""
    watched = set(
        WatchedProfile.objects.for_organisation(organisation)
        .filter(competitor__isnull=True)
        .values_list("network", "remote_id")
    )
    accounts = [
        pk
        for pk, kind, remote_id in SocialAccount.objects.for_organisation(organisation).values_list(
            "pk", "kind", "remote_id"
        )
        if (kind, remote_id) not in watched
    ]
    return PostTarget.objects.for_organisation(organisation).filter(
        account_id__in=accounts,
        status=PostTarget.Status.PUBLISHED,
        published_at__gte=since,
        published_at__lte=now,
    )


def _with_published(row: Row, targets: QuerySet[PostTarget]) -> Row:
    """« Vous » with the posts published through Parvis (their engagement is read hourly by
    ``publishing/metrics.py``, the same interaction sum; ``None`` until it is read)."""
    totals = targets.aggregate(
        posts=Count("pk"),
        known=Count("pk", filter=Q(engagement__isnull=False)),
        engagement=Sum("engagement"),
    )
    if not totals["posts"]:
        return row
    counts = Counter({m.category: m.posts for m in row.mix})
    counts.update(_categories(targets, "post__category"))
    best = targets.filter(engagement__isnull=False).select_related("post", "account")
    merged = sorted(
        [*row.best, *(BestPost.of_target(t) for t in best.order_by("-engagement")[:BEST_POSTS])],
        key=lambda b: (b.engagement, b.published_at),
        reverse=True,
    )
    engagement = [v for v in (row.engagement_total, totals["engagement"]) if v is not None]
    return replace(
        row,
        posts=row.posts + totals["posts"],
        engagement_total=sum(engagement) if engagement else None,
        engagement_posts=row.engagement_posts + totals["known"],
        mix=_mix(counts),
        best=tuple(merged[:BEST_POSTS]),
    )


def benchmark(organisation: Organisation, days: int, now: datetime, you: str) -> list[Row]:
    """One row per entity over the ``days`` before ``now`` (see the module docstring)."""
    since = now - timedelta(days=days)
    by_profile = audiences(organisation, since.date())
    networks = sorted({a.profile.network for a in by_profile.values()})
    engagement, known = _engagement_parts(networks)
    targets = published_targets(organisation, since, now)
    found = entities(organisation, you)
    if not any(e.competitor is None for e in found) and targets.exists():
        found.insert(0, Entity("you", you, None, ()))
    rows = []
    for entity in found:
        items = entity_items(organisation, entity, since).filter(published_at__lte=now)
        totals = items.aggregate(
            posts=Count("pk"),
            known=Count("pk", filter=known),
            engagement=Sum(engagement, filter=known),
        )
        best = (
            items.filter(known)
            .annotate(engagement=engagement)
            .order_by("-engagement", "-published_at")[:BEST_POSTS]
        )
        row = Row(
            entity=entity,
            audiences=tuple(by_profile[pk] for pk in entity.profile_ids if pk in by_profile),
            posts=totals["posts"],
            days=days,
            engagement_total=totals["engagement"] if totals["known"] else None,
            engagement_posts=totals["known"],
            mix=_mix(_categories(items, "category")),
            best=tuple(BestPost.of_item(item, item.engagement) for item in best),
        )
        rows.append(row if entity.competitor else _with_published(row, targets))
    return rows
