"""Reads of the strategy app, and the seams to publishing, the inbox and the watch (through
``veille.py``) for measured activity."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from parvis.core.vocabulary import ContentCategory, Network
from parvis.inbox.models import Reply
from parvis.inbox.selectors import response_report
from parvis.networks.models import SocialAccount
from parvis.publishing.models import PostTarget
from parvis.strategy import engine
from parvis.strategy.models import AlignmentSnapshot, Diagnostic, Plan, RoutineTask, WeeklyRoutine
from parvis.strategy.veille import veille_facts

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

log = logging.getLogger(__name__)

# How far back the alignment score looks, at most (a new plan looks back to its creation).
ALIGNMENT_WEEKS = 4


def diagnostic_in_progress(organisation: Organisation) -> Diagnostic | None:
    """The latest diagnostic not completed yet: the one a visitor resumes."""
    return (
        Diagnostic.objects.for_organisation(organisation)
        .filter(completed_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def completed_diagnostics(organisation: Organisation) -> QuerySet[Diagnostic]:
    """Completed diagnostics, oldest first (the quarterly review's history)."""
    return (
        Diagnostic.objects.for_organisation(organisation)
        .filter(completed_at__isnull=False)
        .order_by("completed_at", "pk")
    )


def latest_result(organisation: Organisation) -> Diagnostic | None:
    return completed_diagnostics(organisation).last()


def current_plan(organisation: Organisation) -> Plan | None:
    return (
        Plan.objects.for_organisation(organisation)
        .filter(is_current=True)
        .select_related("diagnostic")
        .first()
    )


def engine_plan(plan: Plan) -> engine.Plan:
    """The engine's typed plan behind a stored one: ``plan.data`` read back as it was adopted.

    The week and the alignment score follow the plan the company saw and adopted (the one the
    plan page shows), even after a release changes the engine's rules; a new plan comes from a
    new diagnostic. Plans stored before they could be read back (French-only texts) are built
    again from the diagnostic's answers, as they always were.
    """
    try:
        return engine.plan_from_jsonable(plan.data)
    except ValueError:
        log.info("strategy.plan_rebuilt", extra={"plan_id": plan.pk})
        return engine.build_plan(engine.profile_from_answers(plan.diagnostic.answers))


def routine_of_week(plan: Plan, week: int) -> WeeklyRoutine | None:
    return WeeklyRoutine.objects.filter(plan=plan, week=week).first()


def tasks_of(routine: WeeklyRoutine) -> QuerySet[RoutineTask]:
    return routine.tasks.select_related("done_by", "post").order_by("weekday", "at", "key")


def alignment_history(organisation: Organisation) -> QuerySet[AlignmentSnapshot]:
    """Alignment snapshots, oldest first."""
    return AlignmentSnapshot.objects.for_organisation(organisation).order_by("day")


def alignment_latest(organisation: Organisation) -> AlignmentSnapshot | None:
    return AlignmentSnapshot.objects.for_organisation(organisation).order_by("-day").first()


# --- measured activity: the seam to publishing and the inbox ------------------------------------


@dataclass(frozen=True)
class PublishedFacts:
    """What was published in the window: one row per (post, account) that went live."""

    posts_by_category: dict[ContentCategory, int]
    posts_by_network: dict[Network, int]


def published_facts(organisation: Organisation, since: datetime) -> PublishedFacts:
    """Published posts since ``since``, per category (each post once) and per network (each
    network it went to). Reads ``parvis.publishing``; the only place that does."""
    rows = (
        PostTarget.objects.for_organisation(organisation)
        .filter(status=PostTarget.Status.PUBLISHED, published_at__gte=since)
        .values_list("post_id", "post__category", "account__kind")
    )
    by_network: dict[Network, int] = {}
    category_of_post: dict[int, str] = {}
    for post_id, category, kind in rows:
        try:
            network = Network(kind)
        except ValueError:
            continue
        by_network[network] = by_network.get(network, 0) + 1
        category_of_post[post_id] = category or ""
    by_category: dict[ContentCategory, int] = {}
    for category in category_of_post.values():
        try:
            key = ContentCategory(category)
        except ValueError:
            continue  # not categorised: counts for networks and frequency, not for the mix
        by_category[key] = by_category.get(key, 0) + 1
    return PublishedFacts(posts_by_category=by_category, posts_by_network=by_network)


@dataclass(frozen=True)
class DialogueFacts:
    response_rate: float | None
    median_response_hours: float | None


def dialogue_facts(organisation: Organisation, days: int, now: datetime) -> DialogueFacts:
    """Response rate and median first-response time, from ``parvis.inbox`` (the only read)."""
    report = response_report(organisation=organisation, days=days, now=now)
    if report.overall.conversations == 0:
        return DialogueFacts(None, None)
    return DialogueFacts(report.overall.response_rate, report.overall.median_hours)


def last_activity_at(organisation: Organisation) -> datetime | None:
    """When the organisation last did something the alignment score measures: a post went
    live or a reply was sent."""
    published = PostTarget.objects.for_organisation(organisation).aggregate(
        last=Max("published_at")
    )["last"]
    replied = Reply.objects.for_organisation(organisation).aggregate(last=Max("sent_at"))["last"]
    moments = [moment for moment in (published, replied) if moment is not None]
    return max(moments) if moments else None


def has_connected_account(organisation: Organisation) -> bool:
    return SocialAccount.objects.for_organisation(organisation).exists()


def alignment_window_weeks(plan: Plan, now: datetime) -> float:
    """Weeks the score looks back: since the plan was made, between one and four weeks."""
    weeks = (now - plan.created_at).total_seconds() / (7 * 86400)
    return max(1.0, min(float(ALIGNMENT_WEEKS), weeks))


def observed_activity(
    organisation: Organisation, *, weeks: float, now: datetime | None = None
) -> engine.ObservedActivity:
    """The engine's input for the alignment score, measured over the last ``weeks`` weeks."""
    now = now or timezone.now()
    since = now - timedelta(days=7 * weeks)
    published = published_facts(organisation, since)
    dialogue = dialogue_facts(organisation, max(1, round(7 * weeks)), now)
    veille_weeks, veille_done = veille_facts(organisation, since, now)
    return engine.ObservedActivity(
        # Without a connected account Parvis sees nothing: "no post" would be a guess, not a
        # measure, so the rhythm is left out (and with nothing else, the score is None).
        weeks_covered=weeks if has_connected_account(organisation) else 0,
        posts_by_category=published.posts_by_category,
        posts_by_network=published.posts_by_network,
        response_rate=dialogue.response_rate,
        median_response_hours=dialogue.median_response_hours,
        # Counted by the engine only when the plan watches (see engine/alignment.py).
        veille_weeks=veille_weeks,
        veille_done=veille_done,
    )


def observed_json(activity: engine.ObservedActivity) -> dict[str, Any]:
    return {
        "weeks_covered": activity.weeks_covered,
        "posts_by_category": {c.value: n for c, n in activity.posts_by_category.items()},
        "posts_by_network": {n.value: k for n, k in activity.posts_by_network.items()},
        "response_rate": activity.response_rate,
        "median_response_hours": activity.median_response_hours,
        "veille_weeks": activity.veille_weeks,
        "veille_done": activity.veille_done,
    }
