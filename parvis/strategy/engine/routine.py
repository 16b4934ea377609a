"""The weekly routine: the plan turned into dated tasks that fit the leader's minutes.

Tasks: publishing slots (also the recurring slots of the publishing queue), inbox sessions,
a watch session (only when watch is one of the plan's objectives), and a short review. The
sum of task minutes never exceeds the minutes available; when the plan asks for more (the
leader lowered their time since), the routine trims in this order and says so: review, watch
session, then posts from the lowest-ranked network, one at a time (a network's inbox time
goes with its last post).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from parvis.core.vocabulary import NETWORK_LABELS, ContentCategory, Network, Objective
from parvis.strategy.engine.figures import Statement
from parvis.strategy.engine.ideas import ContentIdea, IdeaBook, default_ideas
from parvis.strategy.engine.labels import CATEGORY_LABELS
from parvis.strategy.engine.plan import Plan
from parvis.strategy.engine.rules import (
    CATEGORY_MIX_BY_OBJECTIVE,
    INBOX_MINUTES_PER_NETWORK,
    MIN_INBOX_SESSION_MINUTES,
    MINUTES_PER_POST,
)
from parvis.strategy.engine.text import Text, counted, msg

WEEKDAY_LABELS = (
    Text("lundi", "Monday"),
    Text("mardi", "Tuesday"),
    Text("mercredi", "Wednesday"),
    Text("jeudi", "Thursday"),
    Text("vendredi", "Friday"),
    Text("samedi", "Saturday"),
    Text("dimanche", "Sunday"),
)

# Which weekdays carry the posts of one network, by posts per week (0 = Monday).
WEEKDAY_PATTERNS: Mapping[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
# Default publishing time per network: when its audience is usually there (Parvis default,
# changed by the user on the queue page).
PUBLISH_TIMES: Mapping[Network, time] = {
    Network.LINKEDIN: time(8, 30),
    Network.X: time(9, 0),
    Network.BLUESKY: time(10, 0),
    Network.MASTODON: time(10, 30),
    Network.FACEBOOK: time(12, 30),
    Network.YOUTUBE: time(17, 0),
    Network.INSTAGRAM: time(18, 0),
}
WATCH_SLOT = (0, time(8, 0))
REVIEW_SLOT = (4, time(16, 30))
INBOX_TIME = time(9, 0)
# Fast response goals need a look every working day; slower ones three times a week.
FAST_GOAL_HOURS = 8.0
INBOX_DAYS_FAST = (0, 1, 2, 3, 4)
INBOX_DAYS_SLOW = (0, 2, 4)
# Category rotation period in weeks: long enough for the mix to show, short enough to compute.
ROTATION_WEEKS = 52

PUBLISH_GAINS: Mapping[Objective, Text] = {
    Objective.PROSPECTING: Text(
        "Des prospects découvrent votre savoir-faire et pensent à vous au moment d’acheter.",
        "Prospects discover your know-how and think of you when they are ready to buy.",
    ),
    Objective.CUSTOMER_RELATION: Text(
        "Vos clients se sentent suivis et reviennent vers vous.",
        "Your customers feel looked after and come back to you.",
    ),
    Objective.VISIBILITY: Text(
        "Votre entreprise reste visible auprès de vos clients et de leurs proches.",
        "Your company stays visible to your customers and the people around them.",
    ),
    Objective.WATCH: Text(
        "Vous vous affirmez comme une référence de votre secteur.",
        "You establish yourself as a reference in your industry.",
    ),
    Objective.RECRUITMENT: Text(
        "Des candidats découvrent votre équipe et vos métiers.",
        "Candidates discover your team and your trades.",
    ),
    Objective.COMMUNITY: Text(
        "Votre communauté s’agrandit et parle de vous.",
        "Your community grows and talks about you.",
    ),
}
STAY_PRESENT = Text("Vous restez présent.", "You stay present.")


class TaskKind(StrEnum):
    PUBLISH = "publish"
    INBOX = "inbox"
    WATCH = "watch"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class RoutineTask:
    """One task of the week. ``id`` is stable for a given week, so "done" can be stored."""

    id: str
    kind: TaskKind
    weekday: int
    at: time
    minutes: int
    title: Text
    gain: Statement
    network: Network | None = None
    category: ContentCategory | None = None
    objective: Objective | None = None
    idea: ContentIdea | None = None

    @property
    def weekday_label(self) -> Text:
        return WEEKDAY_LABELS[self.weekday]


@dataclass(frozen=True, slots=True)
class QueueSlot:
    """A recurring publishing slot for the publishing queue."""

    network: Network
    weekday: int
    at: time


@dataclass(frozen=True, slots=True)
class WeeklyRoutine:
    week: int
    minutes_available: int
    tasks: tuple[RoutineTask, ...]
    trimmed: tuple[Statement, ...]

    @property
    def total_minutes(self) -> int:
        return sum(t.minutes for t in self.tasks)

    @property
    def queue_slots(self) -> tuple[QueueSlot, ...]:
        return tuple(
            QueueSlot(t.network, t.weekday, t.at)
            for t in self.tasks
            if t.kind is TaskKind.PUBLISH and t.network is not None
        )


@dataclass(frozen=True, slots=True)
class _Fitted:
    posts: dict[Network, int]
    watch: int
    review: int
    trimmed: tuple[Statement, ...]


def _minutes(posts: Mapping[Network, int], watch: int, review: int) -> int:
    publishing = sum(MINUTES_PER_POST[n] * k for n, k in posts.items())
    inbox = INBOX_MINUTES_PER_NETWORK * sum(1 for k in posts.values() if k > 0)
    return publishing + inbox + watch + review


def _fit(plan: Plan, minutes: int) -> _Fitted:
    """Trim the plan's week to ``minutes``: review, watch, then posts from the last network."""
    posts = {p.network: p.posts_per_week for p in plan.networks}
    watch = plan.time.watch if _watches(plan) else 0
    review = plan.time.review
    trimmed: list[Statement] = []
    if _minutes(posts, watch, review) > minutes and review:
        review = 0
        trimmed.append(
            Statement(
                Text(
                    "Bilan de la semaine retiré, faute de temps.",
                    "Weekly review left out, for lack of time.",
                )
            )
        )
    if _minutes(posts, watch, review) > minutes and watch:
        watch = 0
        trimmed.append(
            Statement(
                Text(
                    "Veille de la semaine retirée, faute de temps.",
                    "Weekly industry watch left out, for lack of time.",
                )
            )
        )
    for network in reversed(list(posts)):
        if _minutes(posts, watch, review) <= minutes:
            break
        planned = posts[network]
        while _minutes(posts, watch, review) > minutes and posts[network] > 0:
            posts[network] -= 1
        label = NETWORK_LABELS[network]
        left = posts[network]
        trimmed.append(
            Statement(
                msg(
                    "{n} : en pause cette semaine, pour tenir dans votre temps.",
                    "{n}: paused this week, to fit in your time.",
                    n=label,
                )
                if left == 0
                else msg(
                    "{n} : {posts} cette semaine au lieu de {planned}, pour tenir dans votre "
                    "temps.",
                    "{n}: {posts} this week instead of {planned}, to fit in your time.",
                    n=label,
                    posts=counted(left, ("publication", "publications"), ("post", "posts")),
                    planned=str(planned),
                )
            )
        )
    kept = {n: k for n, k in posts.items() if k > 0}
    return _Fitted(kept, watch, review, tuple(trimmed))


def category_sequence(
    mix: Mapping[ContentCategory, float], count: int, week: int
) -> list[ContentCategory]:
    """Categories for the ``count`` posts of ``week``, following ``mix`` over the weeks.

    Smooth weighted round-robin from the start of the rotation period: each step picks the
    category furthest behind its share, so any run of weeks stays close to the mix.
    """
    if count <= 0:
        return []
    shares = [(c, s) for c, s in sorted(mix.items(), key=lambda kv: kv[0].value) if s > 0]
    credit = {c: 0.0 for c, _ in shares}
    start = (week % ROTATION_WEEKS) * count
    sequence: list[ContentCategory] = []
    for step in range(start + count):
        for category, share in shares:
            credit[category] += share
        chosen = max(shares, key=lambda cs: credit[cs[0]])[0]
        credit[chosen] -= 1.0
        if step >= start:
            sequence.append(chosen)
    return sequence


def _objective_for(category: ContentCategory, plan: Plan) -> Objective | None:
    active = plan.active_objectives
    if not active:
        return None
    best = max(
        active,
        key=lambda r: (
            r.weight * CATEGORY_MIX_BY_OBJECTIVE[r.objective].get(category, 0.0),
            -r.rank,
        ),
    )
    return best.objective


def _publish_tasks(
    plan: Plan, posts: Mapping[Network, int], week: int, ideas: IdeaBook
) -> list[RoutineTask]:
    slots = sorted(
        ((day, PUBLISH_TIMES[n], n) for n, k in posts.items() for day in WEEKDAY_PATTERNS[k]),
        key=lambda s: (s[0], s[1]),
    )
    categories = category_sequence(plan.editorial.category_mix, len(slots), week)
    totals = {c: categories.count(c) for c in set(categories)}
    seen: dict[ContentCategory, int] = {}
    tasks = []
    for index, ((day, at, network), category) in enumerate(zip(slots, categories, strict=True)):
        objective = _objective_for(category, plan)
        occurrence = seen.get(category, 0)
        seen[category] = occurrence + 1
        idea = ideas.pick(
            plan.sector,
            category,
            objective,
            week=week,
            occurrence=occurrence,
            occurrences=totals[category],
        )
        gain = PUBLISH_GAINS[objective] if objective else STAY_PRESENT
        tasks.append(
            RoutineTask(
                id=f"{week}-publish-{index}",
                kind=TaskKind.PUBLISH,
                weekday=day,
                at=at,
                minutes=MINUTES_PER_POST[network],
                title=msg(
                    "Publication {n} : {category}",
                    "{n} post: {category}",
                    n=NETWORK_LABELS[network],
                    category=CATEGORY_LABELS[category].lower(),
                ),
                gain=Statement(gain),
                network=network,
                category=category,
                objective=objective,
                idea=idea,
            )
        )
    return tasks


def _inbox_tasks(plan: Plan, minutes: int, week: int) -> list[RoutineTask]:
    if minutes <= 0:
        return []
    fast = plan.editorial.response_time_goal_hours <= FAST_GOAL_HOURS
    days: Sequence[int] = INBOX_DAYS_FAST if fast else INBOX_DAYS_SLOW
    sessions = max(1, min(len(days), minutes // MIN_INBOX_SESSION_MINUTES))
    days = days[:sessions]
    base, extra = divmod(minutes, sessions)
    reason = plan.editorial.response_goal_reason
    return [
        RoutineTask(
            id=f"{week}-inbox-{i}",
            kind=TaskKind.INBOX,
            weekday=day,
            at=INBOX_TIME,
            minutes=base + (1 if i < extra else 0),
            title=Text("Répondre aux messages et commentaires", "Answer messages and comments"),
            gain=Statement(
                Text("Aucun client sans réponse. ", "No customer left without an answer. ")
                + reason.text,
                reason.figures,
            ),
        )
        for i, day in enumerate(days)
    ]


def _watches(plan: Plan) -> bool:
    """Watch is one of the plan's objectives. Plans stored before watch time depended on it
    may carry watch minutes without the objective: no watch task for them either."""
    return any(r.objective is Objective.WATCH for r in plan.active_objectives)


def build_routine(
    plan: Plan,
    *,
    minutes_available: int,
    week: int,
    ideas: IdeaBook | None = None,
) -> WeeklyRoutine:
    """The tasks of ``week`` (any integer, e.g. an ISO year × 100 + week number).

    Contract: ``total_minutes <= max(minutes_available, 0)``; the same inputs give the same
    routine; publishing ideas change from one week to the next.
    """
    ideas = ideas or default_ideas()
    minutes = max(minutes_available, 0)
    fitted = _fit(plan, minutes)
    tasks = _publish_tasks(plan, fitted.posts, week, ideas)
    tasks += _inbox_tasks(plan, INBOX_MINUTES_PER_NETWORK * len(fitted.posts), week)
    if fitted.watch:
        tasks.append(
            RoutineTask(
                id=f"{week}-watch-0",
                kind=TaskKind.WATCH,
                weekday=WATCH_SLOT[0],
                at=WATCH_SLOT[1],
                minutes=fitted.watch,
                title=Text("Faire la veille de la semaine", "Do the week’s industry watch"),
                gain=Statement(
                    Text(
                        "Vous savez ce que font vos concurrents et votre secteur en un quart "
                        "d’heure, avec des idées de publications en prime.",
                        "You know what your competitors and your industry are doing in a "
                        "quarter of an hour, with post ideas as a bonus.",
                    )
                ),
            )
        )
    if fitted.review:
        tasks.append(
            RoutineTask(
                id=f"{week}-review-0",
                kind=TaskKind.REVIEW,
                weekday=REVIEW_SLOT[0],
                at=REVIEW_SLOT[1],
                minutes=fitted.review,
                title=Text("Faire le bilan de la semaine", "Review the week"),
                gain=Statement(
                    Text(
                        "Vous voyez ce qui a marché, votre score d’alignement, et ajustez la "
                        "semaine suivante.",
                        "You see what worked and your alignment score, and adjust the next week.",
                    )
                ),
            )
        )
    tasks.sort(key=lambda t: (t.weekday, t.at, t.id))
    return WeeklyRoutine(
        week=week, minutes_available=minutes, tasks=tuple(tasks), trimmed=fitted.trimmed
    )
