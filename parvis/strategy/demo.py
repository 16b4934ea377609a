"""Demo data: Menuiserie Martin's completed diagnostic, its plan, this week and a short history.

Menuiserie Martin is invented: 12 people in Bretagne, joinery for households and builders. Past
alignment scores are computed by the real engine from invented activity (improving week after
week), and marked demo like every row here.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation, User
from parvis.core.vocabulary import ContentCategory, Network
from parvis.strategy import engine, selectors, services
from parvis.strategy.models import AlignmentSnapshot, Diagnostic, Plan, week_code

ANSWERS: dict[str, object] = {
    "headcount": "10-19",
    "sector": "building_crafts",
    "b2b_share": 35,
    "website": "showcase",
    "networks": {
        "facebook": "occasional",
        "instagram": "occasional",
        "linkedin": "dormant",
        "x": "none",
        "youtube": "none",
        "bluesky": "none",
        "mastodon": "none",
    },
    "self_activity": "low",
    "tempo": "late",
    "leader_active": False,
    "publishers": ["leader", "other_staff"],
    "trained": False,
    "minutes_per_week": 150,
    "budget": "under_1k",
    "objectives": ["visibility", "prospecting", "recruitment"],
    "written_objectives": False,
    "editorial_line": False,
    "calendar": False,
    "measurement": "audience_only",
    "reply_habit": "sometimes",
    "response_delay": "within_day",
    "published_categories": ["company_news", "offer", "behind_the_scenes"],
    "obstacles": ["time", "skills"],
}

# Invented weekly activity of the four past weeks: self-centred at first, then closer to plan.
PAST_WEEKS: tuple[tuple[dict[ContentCategory, int], dict[Network, int], float, float], ...] = (
    ({ContentCategory.COMPANY_NEWS: 3, ContentCategory.OFFER: 1}, {Network.FACEBOOK: 4}, 0.4, 30),
    (
        {ContentCategory.COMPANY_NEWS: 2, ContentCategory.EXPERTISE: 1},
        {Network.FACEBOOK: 2, Network.INSTAGRAM: 1},
        0.5,
        20,
    ),
    (
        {ContentCategory.CUSTOMER_STORY: 1, ContentCategory.EXPERTISE: 1, ContentCategory.OFFER: 1},
        {Network.FACEBOOK: 2, Network.INSTAGRAM: 1},
        0.7,
        9,
    ),
    (
        {ContentCategory.CUSTOMER_STORY: 1, ContentCategory.EXPERTISE: 2},
        {Network.FACEBOOK: 2, Network.INSTAGRAM: 2},
        0.8,
        5,
    ),
)


def fill(organisation: Organisation, owner: User) -> None:
    now = timezone.now()
    started = now - timedelta(days=29)
    diagnostic = Diagnostic.objects.create(
        organisation=organisation,
        answers=dict(ANSWERS),
        started_by=owner,
        started_at=started,
        updated_at=started,
        is_demo=True,
    )
    actor = Actor(organisation, "owner", owner)
    plan = services.diagnostic_complete(actor=actor, diagnostic=diagnostic, now=started)
    Plan.objects.filter(pk=plan.pk).update(accepted_at=started, accepted_by=owner)
    plan.refresh_from_db()
    built = selectors.engine_plan(plan)
    tz = organisation.tzinfo
    for weeks_ago, (categories, networks, rate, hours) in zip(
        range(len(PAST_WEEKS), 0, -1), PAST_WEEKS, strict=True
    ):
        score = engine.alignment_score(
            built,
            engine.ObservedActivity(
                weeks_covered=1,
                posts_by_category=categories,
                posts_by_network=networks,
                response_rate=rate,
                median_response_hours=hours,
            ),
        )
        when = now - timedelta(weeks=weeks_ago)
        AlignmentSnapshot.objects.create(
            organisation=organisation,
            plan=plan,
            day=timezone.localtime(when, tz).date(),
            computed_at=when,
            score=score.score,
            components=engine.to_jsonable(score.components),
            changes=engine.to_jsonable(score.changes),
            observed={"demo": True},
            is_demo=True,
        )
    routine = services.routine_ensure(plan=plan, week=week_code(timezone.localtime(now, tz).date()))
    # Monday's tasks are done, as a leader who started the week well.
    for task in routine.tasks.filter(weekday=0):
        services.task_set_done(actor=actor, task=task, now=now)


def set_up_tools(organisation: Organisation, owner: User) -> None:
    """Adopt the demo's plan again, now that its accounts exist: the queue gets one slot per
    account of the plan's networks and the inbox the plan's goal, as for a real company."""
    plan = Plan.objects.filter(organisation=organisation).latest("created_at")
    services.plan_accept(actor=Actor(organisation, "owner", owner), plan=plan)
