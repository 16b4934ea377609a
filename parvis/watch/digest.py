"""The Monday digest: « les 5 choses à savoir cette semaine », computed once per week.

A digest belongs to a Monday (``week_start``, in the organisation's time zone) and covers the
7 days before it. It is computed on its first reading (the page, or the Monday e-mail) and
stored as plain JSON — ids and numbers, never sentences — so the page and the e-mail say the
same thing, each in its reader's language (``digest_render.py`` writes the sentences,
``digest_mail.py`` sends the Monday e-mail).

What can be a « thing », and its importance (higher first; the 5 most important are kept, at
most 2 of one kind):

=====================  ==========================================================  ============
kind                   when                                                        importance
=====================  ==========================================================  ============
``negative``           mentions of the company (its own-name searches) that are    100 + 5/item
                       negative
``opportunities``      someone who is not a watched account asks for a             90 + 5/item
                       recommendation or wants to buy (intent ``purchase_intent``
                       or ``question``), or a member marked the item as a lead
``topics``             the sector's topics of the week (``topics.py``)             60
``mention``            the company's most engaging non-negative mention            50
``competitor_best``    a competitor's best post by engagement; × its usual         35 + 10 × ratio
                       engagement per post over the 4 weeks before (ratio ≤ 5)       (≤ 85)
``voice``              the company's share of voice moved by ≥ 5 points (≥ 5       40 + 2/point
                       items this week and the week before)
``competitor_growth``  a competitor's followers moved by ≥ 2 % or ≥ 100            30 + 5/% (≤ 70)
``competitor_posts``   a competitor posted ≥ 2 more or fewer times, and ≥ 50 %     30 + 3/post
                       more or fewer, than the week before                          (≤ 60)
=====================  ==========================================================  ============

Mentions and threats come first (they need an answer this week), then opportunities, then what
the sector and the competitors did. When nothing qualifies the digest says so, with what to set
up (``setup``): it never invents.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import Intent, Sentiment
from parvis.watch.benchmark import Row, _engagement_parts, benchmark, entity_items
from parvis.watch.models import WEB, Competitor, Digest, Feed, Item, ItemSource, WatchQuery
from parvis.watch.topics import week_topics
from parvis.watch.voice import share_of_voice

VERSION = 1
THINGS = 5
PER_KIND = 2
SAMPLE = 3  # item ids kept per thing
TOPICS = 5
OPPORTUNITY_INTENTS = (Intent.PURCHASE_INTENT.value, Intent.QUESTION.value)
MIN_VOICE_ITEMS = 5
MIN_VOICE_POINTS = 5.0
MIN_GROWTH_PERCENT = 2.0
MIN_GROWTH = 100
MIN_POSTS_CHANGE = 2
USUAL_WEEKS = 4


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def this_monday(organisation: Organisation, now: datetime) -> date:
    """The Monday of ``now``'s week, in the organisation's time zone."""
    return monday_of(timezone.localtime(now, organisation.tzinfo).date())


def week_bounds(organisation: Organisation, monday: date) -> tuple[datetime, datetime]:
    """The 7 days the digest of ``monday`` covers: [the Monday before, ``monday``) local."""
    zone = organisation.tzinfo
    end = datetime.combine(monday, time(0), tzinfo=zone)
    start = datetime.combine(monday - timedelta(days=7), time(0), tzinfo=zone)
    return start, end


# --- the candidates ---------------------------------------------------------------------------


def _in_week(organisation: Organisation, start: datetime, end: datetime) -> QuerySet[Item]:
    return Item.objects.for_organisation(organisation).filter(
        published_at__gte=start, published_at__lt=end
    )


def _mentions(organisation: Organisation, start: datetime, end: datetime) -> QuerySet[Item]:
    """Items found by the company's own-name searches."""
    links = ItemSource.objects.filter(
        organisation=organisation, query__kind=WatchQuery.Kind.OWN_NAME
    ).values("item_id")
    return _in_week(organisation, start, end).filter(pk__in=Subquery(links))


def _by_engagement(items: QuerySet[Item]) -> list[tuple[int, int]]:
    """(item id, engagement) of ``items``, most engaging first, then newest."""
    networks = sorted(set(items.values_list("network", flat=True).distinct()))
    engagement, _known = _engagement_parts(networks)  # an item without counters counts 0
    rows = (
        items.annotate(engagement=engagement)
        .order_by("-engagement", "-published_at", "-pk")
        .values_list("pk", "engagement")
    )
    return [(pk, int(value or 0)) for pk, value in rows[:50]]


def _negative(organisation: Organisation, start: datetime, end: datetime) -> list[dict[str, Any]]:
    negative = _mentions(organisation, start, end).filter(sentiment=Sentiment.NEGATIVE.value)
    count = negative.count()
    if not count:
        return []
    ids = [pk for pk, _e in _by_engagement(negative)[:SAMPLE]]
    return [{"kind": "negative", "rank": 100 + 5 * min(count, 20), "count": count, "items": ids}]


def _mention(organisation: Organisation, start: datetime, end: datetime) -> list[dict[str, Any]]:
    mentions = _mentions(organisation, start, end).exclude(sentiment=Sentiment.NEGATIVE.value)
    best = next(iter(_by_engagement(mentions)), None)
    if best is None or best[1] <= 0:
        return []
    return [{"kind": "mention", "rank": 50, "item": best[0], "engagement": best[1]}]


def _opportunities(
    organisation: Organisation, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """People asking for what the trade sells: not the watched accounts' own posts, and not
    articles (a trade paper's question in a headline is nobody asking) unless someone marked
    one."""
    watched = ItemSource.objects.filter(organisation=organisation, profile__isnull=False)
    flagged = Q()
    for intent in OPPORTUNITY_INTENTS:
        flagged |= Q(intents__has_key=intent)
    asking = Q(opportunity_at__isnull=False) | (flagged & ~Q(network=WEB))
    items = (
        _in_week(organisation, start, end)
        .filter(asking)
        .exclude(pk__in=Subquery(watched.values("item_id")))
    )
    count = items.count()
    if not count:
        return []
    # Buying first, then questions; the newest first within each.
    rows = list(items.order_by("-published_at", "-pk").values_list("pk", "intents")[:200])
    rows.sort(key=lambda row: Intent.PURCHASE_INTENT.value not in (row[1] or {}))
    ids = [pk for pk, _intents in rows[:SAMPLE]]
    return [
        {"kind": "opportunities", "rank": 90 + 5 * min(count, 20), "count": count, "items": ids}
    ]


def _topics(organisation: Organisation, end: datetime) -> list[dict[str, Any]]:
    found = week_topics(organisation.pk, now=end - timedelta(microseconds=1), limit=TOPICS)
    if not found:
        return []
    topics = [{"phrase": t.phrase, "count": t.count, "new": t.is_new} for t in found]
    return [{"kind": "topics", "rank": 60, "topics": topics}]


def _voice(organisation: Organisation, start: datetime, end: datetime) -> list[dict[str, Any]]:
    with timezone.override(organisation.tzinfo):
        now = share_of_voice(organisation, 7, end, "you")
        before = share_of_voice(organisation, 7, start, "you")

    def yours(voice: Any) -> float | None:
        return next((v.share for v in voice.voices if v.entity.competitor is None), None)

    share, previous = yours(now), yours(before)
    if (
        share is None
        or previous is None
        or now.total < MIN_VOICE_ITEMS
        or before.total < MIN_VOICE_ITEMS
        or abs(share - previous) < MIN_VOICE_POINTS
    ):
        return []
    points = abs(share - previous)
    return [
        {
            "kind": "voice",
            "rank": round(40 + 2 * points, 1),
            "share": round(share, 1),
            "previous": round(previous, 1),
        }
    ]


def _best_post(
    organisation: Organisation, row: Row, start: datetime, end: datetime
) -> tuple[int, int] | None:
    items = entity_items(organisation, row.entity, start).filter(published_at__lt=end)
    networks = sorted(set(items.values_list("network", flat=True).distinct()))
    engagement, known = _engagement_parts(networks)
    best = (
        items.filter(known)
        .annotate(engagement=engagement)
        .order_by("-engagement", "-published_at")
        .values_list("pk", "engagement")
        .first()
    )
    return (best[0], int(best[1] or 0)) if best else None


def _competitors(
    organisation: Organisation, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Each competitor's best post, follower change and posting change (``benchmark.py``)."""
    this_week = {r.entity.key: r for r in benchmark(organisation, 7, end, "you")}
    week_before = {r.entity.key: r for r in benchmark(organisation, 7, start, "you")}
    usual = {r.entity.key: r for r in benchmark(organisation, 7 * USUAL_WEEKS, start, "you")}
    found: list[dict[str, Any]] = []
    for key, row in this_week.items():
        competitor = row.entity.competitor
        if competitor is None:
            continue
        best = _best_post(organisation, row, start, end)
        if best is not None and best[1] > 0:
            before = usual.get(key)
            average = before.engagement_per_post if before else None
            ratio = best[1] / average if average else None
            found.append(
                {
                    "kind": "competitor_best",
                    "rank": round(35 + 10 * min(ratio or 1.0, 5.0), 1),
                    "competitor": competitor.pk,
                    "item": best[0],
                    "engagement": best[1],
                    "ratio": round(ratio, 1) if ratio else None,
                }
            )
        growth, percent = row.growth, row.growth_percent
        if growth is not None and (
            abs(growth) >= MIN_GROWTH
            or (percent is not None and abs(percent) >= MIN_GROWTH_PERCENT)
        ):
            found.append(
                {
                    "kind": "competitor_growth",
                    "rank": round(min(70.0, 30 + 5 * abs(percent or 0)), 1),
                    "competitor": competitor.pk,
                    "growth": growth,
                    "percent": round(percent, 1) if percent is not None else None,
                }
            )
        previous = week_before[key].posts if key in week_before else 0
        change = row.posts - previous
        if abs(change) >= MIN_POSTS_CHANGE and (previous == 0 or abs(change) >= previous / 2):
            found.append(
                {
                    "kind": "competitor_posts",
                    "rank": min(60, 30 + 3 * abs(change)),
                    "competitor": competitor.pk,
                    "posts": row.posts,
                    "previous": previous,
                }
            )
    return found


def _setup(organisation: Organisation, start: datetime, end: datetime) -> dict[str, int]:
    """What is watched, so an empty digest can say what to add."""
    queries = WatchQuery.objects.for_organisation(organisation)
    return {
        "competitors": Competitor.objects.for_organisation(organisation).count(),
        "own_names": queries.filter(kind=WatchQuery.Kind.OWN_NAME).count(),
        "keywords": queries.filter(kind=WatchQuery.Kind.SECTOR).count(),
        "feeds": Feed.objects.for_organisation(organisation).count(),
        "items": _in_week(organisation, start, end).count(),
    }


def pick(candidates: list[dict[str, Any]], limit: int = THINGS) -> list[dict[str, Any]]:
    """The ``limit`` most important things, at most ``PER_KIND`` of one kind (stable order)."""
    ranked = sorted(enumerate(candidates), key=lambda pair: (-pair[1]["rank"], pair[0]))
    chosen: list[dict[str, Any]] = []
    per_kind: dict[str, int] = {}
    for _index, thing in ranked:
        if per_kind.get(thing["kind"], 0) >= PER_KIND:
            continue
        per_kind[thing["kind"]] = per_kind.get(thing["kind"], 0) + 1
        chosen.append(thing)
        if len(chosen) == limit:
            break
    return chosen


def digest_content(organisation: Organisation, monday: date) -> dict[str, Any]:
    """The digest of ``monday`` as plain JSON (see the module docstring)."""
    start, end = week_bounds(organisation, monday)
    candidates = [
        *_negative(organisation, start, end),
        *_opportunities(organisation, start, end),
        *_topics(organisation, end),
        *_mention(organisation, start, end),
        *_competitors(organisation, start, end),
        *_voice(organisation, start, end),
    ]
    return {
        "version": VERSION,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "things": pick(candidates),
        "setup": _setup(organisation, start, end),
    }


def digest_for_week(organisation: Organisation, monday: date) -> Digest:
    """The stored digest of ``monday``, computed now when it is the first reading. Two first
    readings at once compute it twice and store it once (the unique week)."""
    found: Digest | None = (
        Digest.objects.for_organisation(organisation).filter(week_start=monday).first()
    )
    if found is not None:
        return found
    content = digest_content(organisation, monday)
    try:
        with transaction.atomic():
            return Digest.objects.create(
                organisation=organisation,
                week_start=monday,
                content=content,
                is_demo=organisation.is_demo,
            )
    except IntegrityError:
        stored: Digest = Digest.objects.for_organisation(organisation).get(week_start=monday)
        return stored


def digest_mark_opened(digest: Digest, now: datetime) -> None:
    """Someone read it: the week's veille counts as done for the alignment score (the first
    opening is kept)."""
    if digest.opened_at is None:
        Digest.objects.filter(pk=digest.pk, opened_at__isnull=True).update(opened_at=now)
        digest.opened_at = now


def digest_opened_weeks(organisation: Organisation, first: date, last: date) -> set[date]:
    """The Mondays between ``first`` and ``last`` whose digest was opened (for
    ``strategy.veille``: registered from the watch's ``AppConfig.ready``)."""
    return set(
        Digest.objects.for_organisation(organisation)
        .filter(week_start__gte=first, week_start__lte=last, opened_at__isnull=False)
        .values_list("week_start", flat=True)
    )
