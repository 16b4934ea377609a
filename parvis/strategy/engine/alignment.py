"""Alignment score: what the organisation really does, against its plan, from 0 to 100.

Four components, each 0–100, weighted:

* **mix** (0.35): 100 × (1 − total variation distance) between the observed content mix and
  the plan's mix. Moving the observed mix toward the plan's always raises it;
* **networks** (0.20): half the share of posts that went to planned networks, half the share
  of planned networks that got at least one post;
* **frequency** (0.25): per planned network, observed posts per week over planned posts per week
  (capped at 1), weighted by the planned cadence;
* **dialogue** (0.20): response rate against 90 % (60 points) and median response time against
  the plan's goal (40 points);
* **watch** (« Veille », 0.15, taken from the four others in proportion, which keep 85 % of
  their weights): only when watch is one of the plan's active objectives and at least one week
  is covered — the share of the covered weeks whose veille was done (the routine's veille task
  ticked, or the week's Monday digest opened).

A component without data (no posts, no message needing a reply, no week of veille) is left
out and the others are re-weighted; with no data at all the score is ``None`` and the changes
are the plan's first steps. The three changes are the fixes that would raise the score most,
simulated one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from parvis.core.vocabulary import (
    NETWORK_LABELS,
    SELF_CENTRED_CATEGORIES,
    ContentCategory,
    Network,
    Objective,
)
from parvis.strategy.engine.editorial import cap_self_centred
from parvis.strategy.engine.figures import Statement
from parvis.strategy.engine.labels import CATEGORY_LABELS
from parvis.strategy.engine.plan import Plan
from parvis.strategy.engine.rules import TARGET_RESPONSE_RATE
from parvis.strategy.engine.text import Text, counted, msg, number, percent, quote
from parvis.strategy.engine.typography import NBSP

# A gap smaller than this (as a share of posts) is noise, not advice.
MIN_GAP = 0.05
MAX_CHANGES = 3


class Component(StrEnum):
    MIX = "mix"
    NETWORKS = "networks"
    FREQUENCY = "frequency"
    DIALOGUE = "dialogue"
    WATCH = "watch"


COMPONENT_LABELS: dict[Component, Text] = {
    Component.MIX: Text("Mélange de contenus", "Content mix"),
    Component.NETWORKS: Text("Réseaux du plan", "Networks of the plan"),
    Component.FREQUENCY: Text("Rythme de publication", "Publishing rhythm"),
    Component.DIALOGUE: Text("Dialogue", "Dialogue"),
    Component.WATCH: Text("Veille", "Watch"),
}
COMPONENT_WEIGHTS: dict[Component, float] = {
    Component.MIX: 0.35,
    Component.NETWORKS: 0.20,
    Component.FREQUENCY: 0.25,
    Component.DIALOGUE: 0.20,
}
# The watch's weight when it counts; the other weights are scaled by (1 - WATCH_WEIGHT).
WATCH_WEIGHT = 0.15
RATE_POINTS = 60.0
DELAY_POINTS = 40.0


@dataclass(frozen=True, slots=True)
class ObservedActivity:
    """Facts measured over the last ``weeks_covered`` weeks (plain numbers, no ORM).

    ``response_rate`` is replied ÷ messages needing a reply (0–1), ``None`` when no message
    needed one; ``median_response_hours`` is ``None`` when nothing was answered. Post counts
    are whole numbers in practice; floats are accepted so that changes can be simulated.
    ``veille_weeks`` is the number of weeks whose veille is judged (a routine week with a veille
    task, over or already done), ``veille_done`` how many of them had it done.
    """

    weeks_covered: float
    posts_by_category: Mapping[ContentCategory, float]
    posts_by_network: Mapping[Network, float]
    response_rate: float | None = None
    median_response_hours: float | None = None
    veille_weeks: int = 0
    veille_done: float = 0

    @property
    def total_categorised(self) -> float:
        return sum(self.posts_by_category.values())

    @property
    def total_posts(self) -> float:
        return sum(self.posts_by_network.values())


@dataclass(frozen=True, slots=True)
class ComponentScore:
    component: Component
    weight: float
    score: int | None

    @property
    def label(self) -> Text:
        return COMPONENT_LABELS[self.component]


@dataclass(frozen=True, slots=True)
class Change:
    """A concrete change and the points it would add to the score (0 when there is no score)."""

    statement: Statement
    points: int


@dataclass(frozen=True, slots=True)
class AlignmentScore:
    score: int | None
    components: tuple[ComponentScore, ...]
    changes: tuple[Change, ...]

    @property
    def has_data(self) -> bool:
        return self.score is not None


def _hours(value: float) -> Text:
    """A duration in hours, one decimal at most: ``2,5 h`` / ``2.5 h``."""
    shown = number(round(value, 1))
    return Text(f"{shown.fr}{NBSP}h", f"{shown.en} h")


def observed_mix(activity: ObservedActivity) -> dict[ContentCategory, float]:
    total = activity.total_categorised
    if total <= 0:
        return {}
    return {c: n / total for c, n in activity.posts_by_category.items() if n > 0}


def _mix_score(plan: Plan, mix: Mapping[ContentCategory, float]) -> float | None:
    if not mix:
        return None
    target = plan.editorial.category_mix
    categories = set(mix) | set(target)
    distance = sum(abs(mix.get(c, 0.0) - target.get(c, 0.0)) for c in categories) / 2
    return 100 * (1 - distance)


def _networks_score(plan: Plan, activity: ObservedActivity) -> float | None:
    planned = {p.network for p in plan.networks}
    total = activity.total_posts
    if total <= 0 or not planned:
        return None
    on_plan = sum(n for net, n in activity.posts_by_network.items() if net in planned) / total
    covered = sum(1 for net in planned if activity.posts_by_network.get(net, 0) > 0)
    return 100 * (0.5 * on_plan + 0.5 * covered / len(planned))


def _frequency_score(plan: Plan, activity: ObservedActivity) -> float | None:
    if activity.weeks_covered <= 0 or not plan.networks:
        return None
    weighted = planned_total = 0.0
    for network_plan in plan.networks:
        per_week = activity.posts_by_network.get(network_plan.network, 0) / activity.weeks_covered
        weighted += min(1.0, per_week / network_plan.posts_per_week) * network_plan.posts_per_week
        planned_total += network_plan.posts_per_week
    return 100 * weighted / planned_total


def _dialogue_score(plan: Plan, activity: ObservedActivity) -> float | None:
    rate = activity.response_rate
    if rate is None:
        return None
    rate_part = min(1.0, rate / TARGET_RESPONSE_RATE)
    median = activity.median_response_hours
    if median is None:
        # Nothing answered yet, so no delay to judge: the rate alone decides.
        return 100 * rate_part
    goal = plan.editorial.response_time_goal_hours
    delay_part = goal / max(goal, median)
    return RATE_POINTS * rate_part + DELAY_POINTS * delay_part


def watches(plan: Plan) -> bool:
    """Watch (« veille ») is one of the plan's active objectives."""
    return any(r.objective is Objective.WATCH for r in plan.active_objectives)


def _watch_score(plan: Plan, activity: ObservedActivity) -> float | None:
    if not watches(plan) or activity.veille_weeks < 1:
        return None
    return 100 * min(1.0, activity.veille_done / activity.veille_weeks)


def _values(plan: Plan, activity: ObservedActivity) -> dict[Component, float | None]:
    values: dict[Component, float | None] = {
        Component.MIX: _mix_score(plan, observed_mix(activity)),
        Component.NETWORKS: _networks_score(plan, activity),
        Component.FREQUENCY: _frequency_score(plan, activity),
        Component.DIALOGUE: _dialogue_score(plan, activity),
    }
    if watches(plan):
        values[Component.WATCH] = _watch_score(plan, activity)
    return values


def _weights(plan: Plan) -> dict[Component, float]:
    """The four weights, or five when the plan watches (the watch's taken from the others)."""
    if not watches(plan):
        return dict(COMPONENT_WEIGHTS)
    scaled = {c: w * (1 - WATCH_WEIGHT) for c, w in COMPONENT_WEIGHTS.items()}
    return {**scaled, Component.WATCH: WATCH_WEIGHT}


def components(plan: Plan, activity: ObservedActivity) -> tuple[ComponentScore, ...]:
    weights = _weights(plan)
    return tuple(
        ComponentScore(c, round(weights[c], 4), None if v is None else round(v))
        for c, v in _values(plan, activity).items()
    )


def _exact_score(plan: Plan, activity: ObservedActivity) -> float | None:
    """Weighted mean of the measurable components, unrounded (used to rank changes)."""
    weights = _weights(plan)
    measured = {c: v for c, v in _values(plan, activity).items() if v is not None}
    if not measured:
        return None
    weight = sum(weights[c] for c in measured)
    return sum(weights[c] * v for c, v in measured.items()) / weight


def _with_mix(activity: ObservedActivity, mix: Mapping[ContentCategory, float]) -> ObservedActivity:
    # Keep the number of posts; express the new mix as (fractional) counts.
    total = activity.total_categorised
    counts = {c: share * total for c, share in mix.items()}
    return replace(activity, posts_by_category=counts)


def _self_centred_fixed(
    mix: Mapping[ContentCategory, float], target: Mapping[ContentCategory, float], cap: float
) -> dict[ContentCategory, float]:
    """The mix after following the advice: self-centred posts down to ``cap``, the freed share
    spread over the plan's other categories in the plan's proportions."""
    own = sum(s for c, s in mix.items() if c in SELF_CENTRED_CATEGORIES)
    fixed = {c: (s * cap / own if c in SELF_CENTRED_CATEGORIES else s) for c, s in mix.items()}
    others = {c: s for c, s in target.items() if c not in SELF_CENTRED_CATEGORIES and s > 0}
    if not others:
        return cap_self_centred(mix, cap)
    freed, weight = own - cap, sum(others.values())
    for category, share in others.items():
        fixed[category] = fixed.get(category, 0.0) + freed * share / weight
    return fixed


def _candidate_changes(
    plan: Plan, activity: ObservedActivity
) -> list[tuple[Statement, ObservedActivity]]:
    out: list[tuple[Statement, ObservedActivity]] = []
    mix = observed_mix(activity)
    target = plan.editorial.category_mix
    if mix:
        own = sum(s for c, s in mix.items() if c in SELF_CENTRED_CATEGORIES)
        cap = plan.editorial.self_centred_cap
        if own > cap + MIN_GAP:
            out.append(
                (
                    Statement(
                        msg(
                            "{own} de vos posts parlent de vous : visez {cap}. Remplacez-en "
                            "par des conseils et des témoignages clients.",
                            "{own} of your posts are about yourself: aim for {cap}. Replace "
                            "some with advice and customer stories.",
                            own=percent(own),
                            cap=percent(cap),
                        )
                    ),
                    _with_mix(activity, _self_centred_fixed(mix, target, cap)),
                )
            )
        gaps = sorted(
            ((target[c] - mix.get(c, 0.0), c) for c in target),
            key=lambda gc: (-gc[0], gc[1].value),
        )
        for gap, category in gaps[:2]:
            if gap < MIN_GAP:
                break
            label = CATEGORY_LABELS[category]
            have = mix.get(category, 0.0)
            opening = (
                msg(
                    "Aucun post {category} ces dernières semaines",
                    "No {category} post in recent weeks",
                    category=quote(label.lower()),
                )
                if have == 0
                else msg(
                    "{category} : {share} de vos posts",
                    "{category}: {share} of your posts",
                    category=quote(label),
                    share=percent(have),
                )
            )
            moved = {c: s * (1 - target[category]) / (1 - have) for c, s in mix.items()}
            moved[category] = target[category]
            out.append(
                (
                    Statement(
                        msg(
                            "{opening} : visez {target}.",
                            "{opening}: aim for {target}.",
                            opening=opening,
                            target=percent(target[category]),
                        )
                    ),
                    _with_mix(activity, moved),
                )
            )
    planned = {p.network: p for p in plan.networks}
    total = activity.total_posts
    off_plan = {n: k for n, k in activity.posts_by_network.items() if n not in planned and k > 0}
    if total > 0 and off_plan and planned:
        share = sum(off_plan.values()) / total
        if share >= MIN_GAP:
            worst = max(off_plan, key=lambda n: (off_plan[n], -list(Network).index(n)))
            first = plan.networks[0]
            moved_posts = dict(activity.posts_by_network)
            for network in off_plan:
                moved_posts.pop(network)
            moved_posts[first.network] = moved_posts.get(first.network, 0) + sum(off_plan.values())
            out.append(
                (
                    Statement(
                        msg(
                            "{share} de vos posts vont sur des réseaux hors de votre plan "
                            "(surtout {worst}) : publiez-les plutôt sur {first}.",
                            "{share} of your posts go to networks outside your plan (mostly "
                            "{worst}): publish them on {first} instead.",
                            share=percent(share),
                            worst=NETWORK_LABELS[worst],
                            first=first.label,
                        )
                    ),
                    replace(activity, posts_by_network=moved_posts),
                )
            )
    if activity.weeks_covered > 0:
        for network_plan in plan.networks:
            done = activity.posts_by_network.get(network_plan.network, 0)
            per_week = done / activity.weeks_covered
            if per_week < network_plan.posts_per_week * (1 - MIN_GAP):
                caught_up = dict(activity.posts_by_network)
                caught_up[network_plan.network] = round(
                    network_plan.posts_per_week * activity.weeks_covered
                )
                out.append(
                    (
                        Statement(
                            msg(
                                "{n} : {posts} par semaine, visez {target}.",
                                "{n}: {posts} a week, aim for {target}.",
                                n=network_plan.label,
                                posts=counted(
                                    round(per_week, 1),
                                    ("publication", "publications"),
                                    ("post", "posts"),
                                ),
                                target=str(network_plan.posts_per_week),
                            )
                        ),
                        replace(activity, posts_by_network=caught_up),
                    )
                )
    rate = activity.response_rate
    if rate is not None and rate < TARGET_RESPONSE_RATE - MIN_GAP / 5:
        out.append(
            (
                Statement(
                    msg(
                        "Vous répondez à {rate} des messages : visez {target}. Un passage "
                        "quotidien dans la boîte de réception suffit.",
                        "You answer {rate} of messages: aim for {target}. A daily look at the "
                        "inbox is enough.",
                        rate=percent(rate),
                        target=percent(TARGET_RESPONSE_RATE),
                    )
                ),
                replace(activity, response_rate=TARGET_RESPONSE_RATE),
            )
        )
    if _watch_score(plan, activity) is not None and activity.veille_done < activity.veille_weeks:
        out.append(
            (
                Statement(
                    msg(
                        "Veille faite {done} sur {weeks} : ouvrez le point veille du lundi "
                        "chaque semaine, dix minutes suffisent.",
                        "Watch done {done} out of {weeks}: open the Monday watch digest every "
                        "week, ten minutes are enough.",
                        done=counted(
                            round(activity.veille_done), ("semaine", "semaines"), ("week", "weeks")
                        ),
                        weeks=str(activity.veille_weeks),
                    )
                ),
                replace(activity, veille_done=activity.veille_weeks),
            )
        )
    median = activity.median_response_hours
    goal = plan.editorial.response_time_goal_hours
    if median is not None and median > goal:
        out.append(
            (
                Statement(
                    msg(
                        "Délai médian de réponse : {median} ; visez {goal}.",
                        "Median response time: {median}; aim for {goal}.",
                        median=_hours(median),
                        goal=_hours(goal),
                    ),
                    plan.editorial.response_goal_reason.figures,
                ),
                replace(activity, median_response_hours=goal),
            )
        )
    return out


def _first_steps(plan: Plan) -> tuple[Change, ...]:
    steps = [
        Change(
            Statement(
                msg(
                    "Publiez sur {n} : {posts} par semaine, selon votre routine.",
                    "Publish on {n}: {posts} a week, following your routine.",
                    n=p.label,
                    posts=counted(
                        p.posts_per_week, ("publication", "publications"), ("post", "posts")
                    ),
                )
            ),
            0,
        )
        for p in plan.networks[:2]
    ]
    steps.append(
        Change(
            Statement(
                Text(
                    "Connectez vos comptes pour que Parvis mesure vos publications et vos "
                    "réponses.",
                    "Connect your accounts so that Parvis measures your posts and your answers.",
                )
            ),
            0,
        )
    )
    return tuple(steps[:MAX_CHANGES])


def alignment_score(plan: Plan, activity: ObservedActivity) -> AlignmentScore:
    """Score the activity against the plan and pick the three changes that would raise it most."""
    parts = components(plan, activity)
    exact = _exact_score(plan, activity)
    if exact is None:
        return AlignmentScore(score=None, components=parts, changes=_first_steps(plan))
    scored: list[tuple[float, int, Statement]] = []
    for index, (statement, improved) in enumerate(_candidate_changes(plan, activity)):
        after = _exact_score(plan, improved)
        gain = (after or exact) - exact
        if gain > 0:
            scored.append((gain, index, statement))
    scored.sort(key=lambda item: (-item[0], item[1]))
    changes = tuple(
        Change(statement, max(1, round(gain))) for gain, _, statement in scored[:MAX_CHANGES]
    )
    return AlignmentScore(score=round(exact), components=parts, changes=changes)
