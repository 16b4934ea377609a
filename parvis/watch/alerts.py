"""Watch alerts: what should not wait for Monday, noticed after each collection cycle.

Four detectors read what the cycle stored and create :class:`Alert` rows; each alert's
``fingerprint`` makes it once-only (a spike is one alert per search per local day, a hit one per
item). Each detector is one or a few aggregate queries on indexed columns (the links' search or
profile, the items' organisation and dates): no detector loads the items of a period.

* **Spike**: a search's items published in the last 24 hours against its daily average over
  the 14 days before.
* **Negative**: negative items found by the company's own-name searches, same windows.
* **Outlier**: a competitor's recent post whose engagement is far above the median of its
  previous posts.
* **Hit**: every new item of an exact-phrase search, a few per search and cycle, the rest in one
  summary alert.

Items published before their search was created are history the first read brought back, not
news: they count in the baseline, never in the last 24 hours nor as hits. Demo rows are left out
(the demo filler writes its own demo alerts). The messages are written when shown or e-mailed, in
the reader's language (``watch/alert_mail.py``); the bell gets one notification per manager,
written in that person's language.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.core.vocabulary import Sentiment
from parvis.publishing.notify import managers_of, notify
from parvis.watch.alert_mail import alert_message
from parvis.watch.benchmark import _engagement_parts as engagement_parts
from parvis.watch.models import Alert, Item, ItemSource, WatchedProfile, WatchQuery, describe_query
from parvis.watch.selectors import watch_settings_for

log = logging.getLogger("parvis.watch")

# The last day is compared with the 14 days before it: two full weeks, so a weekly rhythm (a
# quiet Sunday, a busy market day) weighs the same in every baseline.
RECENT = timedelta(hours=24)
BASELINE_DAYS = 14
# A spike needs at least 5 items: for a search that usually finds nothing, 1 or 2 posts in a
# day are chance, not news. Above that, 3 times the daily average: a day's count wanders around
# its average (Poisson-like), and tripling it is rare enough to mean something happened.
SPIKE_MIN_ITEMS = 5
SPIKE_FACTOR = 3
# Complaints matter more than mentions: 3 negative posts about the company in a day is already
# unusual for a small business (its usual is close to 0), and twice its usual rate of
# complaints is « clearly above » without waiting for a tripling.
NEGATIVE_MIN_ITEMS = 3
NEGATIVE_FACTOR = 2
# A competitor's post is an outlier at 3 times the median engagement of its previous posts (the
# median, not the mean, so one past viral post does not hide the next one), over its last 20
# posts, with at least 5 of them to compare with, and at least 10 interactions so that 3 likes
# against a usual 1 is not an alert. Only posts published in the last 3 days are judged: the
# alert is about what is happening, and a post's counters are read when it is collected.
OUTLIER_FACTOR = 3
OUTLIER_HISTORY = 20
OUTLIER_MIN_HISTORY = 5
OUTLIER_MIN_ENGAGEMENT = 10
OUTLIER_RECENT = timedelta(days=3)
OUTLIER_MAX_RECENT = 10  # posts judged per profile and cycle
OUTLIER_HORIZON = timedelta(days=180)  # how far back the history is looked for
# An exact phrase may suddenly be everywhere: at most 5 alerts per search and cycle, the rest in
# one summary alert that leads to the timeline. Only items collected in the last 24 hours are new.
HIT_MAX_PER_RUN = 5
HIT_LOOKBACK = timedelta(hours=24)

NOTIFICATION_KIND = "watch_alert"


@dataclass(frozen=True)
class Found:
    """An alert a detector would create (unless its fingerprint exists)."""

    kind: str
    fingerprint: str
    params: dict[str, Any] = field(default_factory=dict)
    item_id: int | None = None
    query_id: int | None = None
    profile_id: int | None = None


def local_day(organisation: Organisation, now: datetime) -> date:
    return now.astimezone(organisation.tzinfo).date()


def _average(baseline: int) -> float:
    return round(baseline / BASELINE_DAYS, 1)


def _spikes(organisation: Organisation, now: datetime) -> list[Found]:
    """One grouped count over the searches' links for the last 15 days."""
    queries = {
        q.pk: q for q in WatchQuery.objects.for_organisation(organisation).filter(is_demo=False)
    }
    if not queries:
        return []
    recent_from = now - RECENT
    rows = (
        ItemSource.objects.filter(
            organisation=organisation,
            query_id__in=list(queries),
            item__is_demo=False,
            item__published_at__gte=recent_from - timedelta(days=BASELINE_DAYS),
            item__published_at__lte=now,
        )
        .values("query_id")
        .annotate(
            recent=Count(
                "pk",
                filter=Q(item__published_at__gte=recent_from)
                & Q(item__published_at__gte=F("query__created_at")),
            ),
            baseline=Count("pk", filter=Q(item__published_at__lt=recent_from)),
        )
        .order_by()
    )
    day = local_day(organisation, now)
    found = []
    for row in rows:
        average = _average(row["baseline"])
        if row["recent"] >= max(SPIKE_MIN_ITEMS, SPIKE_FACTOR * average):
            query = queries[row["query_id"]]
            found.append(
                Found(
                    Alert.Kind.SPIKE,
                    f"spike:{query.pk}:{day.isoformat()}",
                    {"query": describe_query(query), "count": row["recent"], "average": average},
                    query_id=query.pk,
                )
            )
    return found


def _negative(organisation: Organisation, now: datetime) -> list[Found]:
    """Distinct negative items of the own-name searches: one aggregate."""
    own = list(
        WatchQuery.objects.for_organisation(organisation)
        .filter(kind=WatchQuery.Kind.OWN_NAME, is_demo=False)
        .values_list("pk", flat=True)
    )
    if not own:
        return []
    recent_from = now - RECENT
    links = ItemSource.objects.filter(organisation=organisation, query_id__in=own)
    fresh = links.filter(item_id=OuterRef("pk"), query__created_at__lte=OuterRef("published_at"))
    totals = (
        Item.objects.for_organisation(organisation)
        .filter(
            is_demo=False,
            sentiment=Sentiment.NEGATIVE.value,
            published_at__gte=recent_from - timedelta(days=BASELINE_DAYS),
            published_at__lte=now,
            pk__in=Subquery(links.values("item_id")),
        )
        .annotate(fresh=Exists(fresh))
        .aggregate(
            recent=Count("pk", filter=Q(published_at__gte=recent_from, fresh=True)),
            baseline=Count("pk", filter=Q(published_at__lt=recent_from)),
        )
    )
    average = _average(totals["baseline"])
    if totals["recent"] < max(NEGATIVE_MIN_ITEMS, NEGATIVE_FACTOR * average):
        return []
    day = local_day(organisation, now)
    return [
        Found(
            Alert.Kind.NEGATIVE,
            f"negative:{day.isoformat()}",
            {"count": totals["recent"], "average": average},
            # The timeline filters on one search: link it when there is only one.
            query_id=own[0] if len(own) == 1 else None,
        )
    ]


def _profile_posts(
    organisation: Organisation, profile: WatchedProfile, now: datetime
) -> list[tuple[int, datetime, int]]:
    """(item id, published at, engagement) of the profile's latest posts whose network gave
    interaction counters, newest first: one query with a LIMIT."""
    engagement, known = engagement_parts([profile.network])
    links = ItemSource.objects.filter(organisation=organisation, profile=profile)
    rows = (
        Item.objects.for_organisation(organisation)
        .filter(
            known,
            is_demo=False,
            published_at__gte=now - OUTLIER_HORIZON,
            published_at__lte=now,
            pk__in=Subquery(links.values("item_id")),
        )
        .annotate(engagement=engagement)
        .order_by("-published_at", "-pk")
        .values_list("pk", "published_at", "engagement")
    )
    return [
        (pk, at, int(value or 0)) for pk, at, value in rows[: OUTLIER_HISTORY + OUTLIER_MAX_RECENT]
    ]


def outliers_among(
    posts: Sequence[tuple[int, datetime, int]], since: datetime
) -> list[tuple[int, int, float]]:
    """(item id, engagement, median before it) of the posts published since ``since`` that are
    outliers against the posts before each of them (``posts`` newest first)."""
    found = []
    for index, (pk, published_at, engagement) in enumerate(posts):
        if published_at < since:
            break
        history = [e for _pk, _at, e in posts[index + 1 : index + 1 + OUTLIER_HISTORY]]
        if len(history) < OUTLIER_MIN_HISTORY:
            continue
        median = float(statistics.median(history))
        if engagement >= max(OUTLIER_MIN_ENGAGEMENT, OUTLIER_FACTOR * median):
            found.append((pk, engagement, median))
    return found


def _outliers(organisation: Organisation, now: datetime) -> list[Found]:
    profiles = (
        WatchedProfile.objects.for_organisation(organisation)
        .filter(is_demo=False, competitor__isnull=False)
        .select_related("competitor")
    )
    found = []
    for profile in profiles:
        posts = _profile_posts(organisation, profile, now)
        for pk, engagement, median in outliers_among(posts, now - OUTLIER_RECENT):
            assert profile.competitor is not None
            params = {
                "competitor": profile.competitor.name,
                "network": profile.network,
                "handle": profile.handle,
                "engagement": engagement,
                "median": round(median, 1),
            }
            found.append(
                Found(
                    Alert.Kind.OUTLIER,
                    f"outlier:{pk}",
                    params,
                    item_id=pk,
                    profile_id=profile.pk,
                )
            )
    return found


def _hit_params(query: WatchQuery, item: Item) -> dict[str, Any]:
    return {
        "phrase": query.exact_phrase,
        "network": item.network,
        "author": item.author_name or item.author_handle,
        "title": item.title,
    }


def _new_hits(organisation: Organisation, query: WatchQuery, now: datetime) -> QuerySet[Item]:
    """The query's items not alerted yet: collected after the last item its alerts covered (and
    in the last 24 hours), published after the search was created."""
    alerted = Alert.objects.filter(organisation=organisation, kind=Alert.Kind.HIT)
    covered = alerted.filter(query=query).aggregate(until=Max("item__collected_at"))["until"]
    since = now - HIT_LOOKBACK
    if covered is not None and covered > since:
        since = covered
    links = ItemSource.objects.filter(organisation=organisation, query=query)
    return (
        Item.objects.for_organisation(organisation)
        .filter(
            is_demo=False,
            collected_at__gt=since,
            collected_at__lte=now,
            published_at__gte=query.created_at,
            pk__in=Subquery(links.values("item_id")),
        )
        .exclude(pk__in=Subquery(alerted.filter(item__isnull=False).values("item_id")))
        .order_by("collected_at", "published_at", "pk")
    )


def _hits(organisation: Organisation, now: datetime) -> list[Found]:
    queries = (
        WatchQuery.objects.for_organisation(organisation)
        .filter(is_demo=False)
        .exclude(exact_phrase="")
    )
    found = []
    for query in queries:
        new = _new_hits(organisation, query, now)
        first = list(new[:HIT_MAX_PER_RUN])
        found += [
            Found(
                Alert.Kind.HIT,
                f"hit:{item.pk}",
                _hit_params(query, item),
                item_id=item.pk,
                query_id=query.pk,
            )
            for item in first
        ]
        if len(first) < HIT_MAX_PER_RUN:
            continue
        rest = new.count() - len(first)
        newest = new.reverse().first()
        if rest > 0 and newest is not None:
            # The summary points at the newest item it covers: the next cycle starts after it.
            found.append(
                Found(
                    Alert.Kind.HIT,
                    f"hits:{query.pk}:{newest.pk}",
                    {"phrase": query.exact_phrase, "more": rest},
                    item_id=newest.pk,
                    query_id=query.pk,
                )
            )
    return found


DETECTORS: tuple[Callable[[Organisation, datetime], list[Found]], ...] = (
    _spikes,
    _negative,
    _outliers,
    _hits,
)


def _store(organisation: Organisation, found: list[Found], now: datetime) -> list[Alert]:
    """Create the alerts whose fingerprint is new; another worker's concurrent one wins."""
    known = set(
        Alert.objects.filter(
            organisation=organisation, fingerprint__in=[f.fingerprint for f in found]
        ).values_list("fingerprint", flat=True)
    )
    created = []
    for each in found:
        if each.fingerprint in known:
            continue
        known.add(each.fingerprint)
        try:
            with transaction.atomic():
                created.append(
                    Alert.objects.create(
                        organisation=organisation,
                        kind=each.kind,
                        fingerprint=each.fingerprint,
                        params=each.params,
                        item_id=each.item_id,
                        query_id=each.query_id,
                        profile_id=each.profile_id,
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue
    return created


def _notify(organisation: Organisation, alerts: list[Alert]) -> None:
    """The bell: one notification per alert and manager, in that manager's language."""
    for user in managers_of(organisation):
        with translation.override(user.language):
            for alert in alerts:
                notify(
                    organisation=organisation,
                    users=[user],
                    kind=NOTIFICATION_KIND,
                    message=alert_message(alert),
                )


def alerts_detect(organisation: Organisation, *, now: datetime | None = None) -> list[Alert]:
    """Run every detector for the organisation; return the alerts created. A detector that
    fails is logged and the others go on: alerts never stop a collection."""
    now = now or timezone.now()
    found: list[Found] = []
    for detector in DETECTORS:
        try:
            found += detector(organisation, now)
        except Exception:  # noqa: BLE001 - one broken detector must not hide the others
            log.exception(
                "watch alert detector failed",
                extra={"organisation_id": organisation.pk, "detector": detector.__name__},
            )
    created = _store(organisation, found, now)
    if created:
        _notify(organisation, created)
    return created


# What people do with alerts --------------------------------------------------------------------

MIN_DAILY_CAP = 1
MAX_DAILY_CAP = 50


def alerts_mark_read(*, actor: Actor, alert: Alert | None = None) -> int:
    """Mark one alert (or every unread one) read for the organisation: shared bookkeeping, not
    audited, like notifications. Returns how many changed."""
    actor.require(Role.CONTRIBUTOR)
    unread = Alert.objects.for_organisation(actor.organisation).filter(read_at__isnull=True)
    if alert is not None:
        unread = unread.filter(pk=alert.pk)
    return unread.update(read_at=timezone.now())


def alert_settings_update(
    *, actor: Actor, email: bool, daily_cap: int, quiet_start: time, quiet_end: time
) -> None:
    """Alert e-mails on or off, their daily cap and the quiet hours (recorded)."""
    actor.require(Role.MANAGER)
    if not MIN_DAILY_CAP <= daily_cap <= MAX_DAILY_CAP:
        raise ValidationError(_("Choose between 1 and 50 e-mails a day."))
    settings = watch_settings_for(actor.organisation)
    settings.alert_email = email
    settings.alert_daily_cap = daily_cap
    settings.quiet_start = quiet_start.replace(second=0, microsecond=0)
    settings.quiet_end = quiet_end.replace(second=0, microsecond=0)
    settings.save(update_fields=["alert_email", "alert_daily_cap", "quiet_start", "quiet_end"])
    actor.audit(
        "watch.alerts.updated",
        settings,
        alert_email=email,
        alert_daily_cap=daily_cap,
        quiet_start=settings.quiet_start.strftime("%H:%M"),
        quiet_end=settings.quiet_end.strftime("%H:%M"),
    )
