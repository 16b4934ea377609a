"""Maturity score: six named axes from 0 to 100, each with the answers that drove it.

The points are Parvis's own grid, derived from the study's drivers (leader involvement,
training, a team in charge, objectives, dialogue — study §2.3 F26, §2.5 levers, §7.1 blocks).
They are a product rule, not a published benchmark; ``docs/strategy.md`` lists them.
Each axis adds up points from its drivers; the maximum of every axis is exactly 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from parvis.strategy.engine.choices import (
    ACCOUNT_ACTIVITY_LABELS,
    BUDGET_LABELS,
    MEASUREMENT_LABELS,
    RESPONSE_DELAY_LABELS,
    WEBSITE_LABELS,
    AccountActivity,
    BudgetBand,
    Measurement,
    ReplyHabit,
    ResponseDelay,
    Website,
)
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.text import Text, msg, per_week


class Axis(StrEnum):
    PRESENCE = "presence"
    REGULARITY = "regularity"
    DIALOGUE = "dialogue"
    STRATEGY = "strategy"
    MEANS = "means"
    MEASUREMENT = "measurement"


AXIS_LABELS: dict[Axis, Text] = {
    Axis.PRESENCE: Text("Présence", "Presence"),
    Axis.REGULARITY: Text("Régularité", "Regularity"),
    Axis.DIALOGUE: Text("Dialogue", "Dialogue"),
    Axis.STRATEGY: Text("Stratégie", "Strategy"),
    Axis.MEANS: Text("Moyens", "Means"),
    Axis.MEASUREMENT: Text("Mesure", "Measurement"),
}

WEBSITE_POINTS: dict[Website, int] = {
    Website.NONE: 0,
    Website.SHOWCASE: 20,
    Website.ONLINE_SALES: 30,
}
ANY_ACCOUNT_POINTS = 25
ALIVE_ACCOUNT_POINTS = 25
SECOND_ALIVE_ACCOUNT_POINTS = 20

CADENCE_POINTS: dict[AccountActivity, int] = {
    AccountActivity.NO_ACCOUNT: 0,
    AccountActivity.DORMANT: 0,
    AccountActivity.OCCASIONAL: 25,
    AccountActivity.WEEKLY: 45,
    AccountActivity.SEVERAL_PER_WEEK: 60,
}
CALENDAR_POINTS = 40

REPLY_POINTS: dict[ReplyHabit, int] = {
    ReplyHabit.ALWAYS: 60,
    ReplyHabit.SOMETIMES: 30,
    ReplyHabit.NEVER: 0,
    # Nobody writes yet: nothing is ignored, but no dialogue is going on either.
    ReplyHabit.NO_MESSAGES: 30,
}
DELAY_POINTS: dict[ResponseDelay, int] = {
    ResponseDelay.WITHIN_HOUR: 40,
    ResponseDelay.SAME_HALF_DAY: 30,
    ResponseDelay.WITHIN_DAY: 20,
    ResponseDelay.SEVERAL_DAYS: 0,
}

OBJECTIVES_CHOSEN_POINTS = 20
WRITTEN_OBJECTIVES_POINTS = 30
EDITORIAL_LINE_POINTS = 30
LEADER_ACTIVE_POINTS = 20

# Two hours a week earns the full time points: enough for the minimal routine on two networks.
FULL_TIME_MINUTES = 120
TIME_POINTS = 40
BUDGET_POINTS: dict[BudgetBand, int] = {
    BudgetBand.ZERO: 0,
    BudgetBand.UNDER_1K: 10,
    BudgetBand.FROM_1K_TO_5K: 20,
    BudgetBand.FROM_5K_TO_10K: 30,
    BudgetBand.FROM_10K: 40,
}
TRAINED_POINTS = 20

MEASUREMENT_POINTS: dict[Measurement, int] = {
    Measurement.NEVER: 0,
    Measurement.AUDIENCE_ONLY: 35,
    Measurement.REGULAR_KPIS: 70,
    Measurement.BUSINESS_KPIS: 100,
}


@dataclass(frozen=True, slots=True)
class Driver:
    """One input and the points it earned on its axis (out of ``max_points``)."""

    text: Text
    points: int
    max_points: int


@dataclass(frozen=True, slots=True)
class AxisScore:
    axis: Axis
    score: int
    drivers: tuple[Driver, ...]

    @property
    def label(self) -> Text:
        return AXIS_LABELS[self.axis]


@dataclass(frozen=True, slots=True)
class MaturityScore:
    axes: tuple[AxisScore, ...]

    @property
    def overall(self) -> int:
        """Unweighted mean of the axes, rounded: each axis matters as much as the others."""
        return round(sum(a.score for a in self.axes) / len(self.axes))

    def by_axis(self) -> Mapping[Axis, int]:
        return {a.axis: a.score for a in self.axes}


def _axis(axis: Axis, drivers: list[Driver]) -> AxisScore:
    return AxisScore(axis=axis, score=sum(d.points for d in drivers), drivers=tuple(drivers))


def _yes(condition: bool, text_yes: Text, text_no: Text, points: int) -> Driver:
    return Driver(text_yes if condition else text_no, points if condition else 0, points)


def score_presence(profile: CompanyProfile) -> AxisScore:
    alive = len(profile.alive_accounts)
    return _axis(
        Axis.PRESENCE,
        [
            Driver(
                WEBSITE_LABELS[profile.website],
                WEBSITE_POINTS[profile.website],
                max(WEBSITE_POINTS.values()),
            ),
            _yes(
                bool(profile.accounts),
                Text("Au moins un compte sur un réseau", "At least one account on a network"),
                Text("Aucun compte sur les réseaux", "No account on social networks"),
                ANY_ACCOUNT_POINTS,
            ),
            _yes(
                alive >= 1,
                Text(
                    "Au moins un compte actif ces trois derniers mois",
                    "At least one account active in the last three months",
                ),
                Text(
                    "Aucun compte actif ces trois derniers mois",
                    "No account active in the last three months",
                ),
                ALIVE_ACCOUNT_POINTS,
            ),
            _yes(
                alive >= 2,
                Text("Au moins deux comptes actifs", "At least two active accounts"),
                Text("Moins de deux comptes actifs", "Fewer than two active accounts"),
                SECOND_ALIVE_ACCOUNT_POINTS,
            ),
        ],
    )


def score_regularity(profile: CompanyProfile) -> AxisScore:
    best = max(
        (profile.activity(n) for n in profile.networks),
        key=lambda level: CADENCE_POINTS[level],
        default=AccountActivity.NO_ACCOUNT,
    )
    return _axis(
        Axis.REGULARITY,
        [
            Driver(
                msg(
                    "Rythme du compte le plus actif : {rhythm}",
                    "Rhythm of the most active account: {rhythm}",
                    rhythm=ACCOUNT_ACTIVITY_LABELS[best].lower(),
                ),
                CADENCE_POINTS[best],
                max(CADENCE_POINTS.values()),
            ),
            _yes(
                profile.calendar,
                Text("Publications planifiées à l’avance", "Posts planned ahead"),
                Text("Pas de calendrier de publication", "No publishing calendar"),
                CALENDAR_POINTS,
            ),
        ],
    )


def score_dialogue(profile: CompanyProfile) -> AxisScore:
    habit_texts = {
        ReplyHabit.ALWAYS: Text("Vous répondez à chaque message", "You answer every message"),
        ReplyHabit.SOMETIMES: Text("Vous répondez parfois", "You answer sometimes"),
        ReplyHabit.NEVER: Text("Vous ne répondez pas aux messages", "You do not answer messages"),
        ReplyHabit.NO_MESSAGES: Text(
            "Vous ne recevez pas encore de messages", "You do not receive messages yet"
        ),
    }
    drivers = [
        Driver(
            habit_texts[profile.reply_habit],
            REPLY_POINTS[profile.reply_habit],
            max(REPLY_POINTS.values()),
        )
    ]
    delay = profile.response_delay
    drivers.append(
        Driver(
            msg(
                "Délai de réponse habituel : {delay}",
                "Usual response time: {delay}",
                delay=RESPONSE_DELAY_LABELS[delay].lower(),
            )
            if delay
            else Text("Pas de délai de réponse à mesurer", "No response time to measure"),
            DELAY_POINTS[delay] if delay else 0,
            max(DELAY_POINTS.values()),
        )
    )
    return _axis(Axis.DIALOGUE, drivers)


def score_strategy(profile: CompanyProfile) -> AxisScore:
    return _axis(
        Axis.STRATEGY,
        [
            _yes(
                bool(profile.objectives),
                Text("Objectifs choisis", "Objectives chosen"),
                Text("Aucun objectif choisi", "No objective chosen"),
                OBJECTIVES_CHOSEN_POINTS,
            ),
            _yes(
                profile.written_objectives,
                Text("Objectifs écrits et chiffrés", "Objectives written down, with figures"),
                Text("Objectifs non écrits", "Objectives not written down"),
                WRITTEN_OBJECTIVES_POINTS,
            ),
            _yes(
                profile.editorial_line,
                Text("Ligne éditoriale définie", "Editorial line defined"),
                Text("Pas de ligne éditoriale", "No editorial line"),
                EDITORIAL_LINE_POINTS,
            ),
            _yes(
                profile.leader_active,
                Text("Dirigeant personnellement actif", "Business leader personally active"),
                Text(
                    "Dirigeant peu présent sur les réseaux",
                    "Business leader rarely on social networks",
                ),
                LEADER_ACTIVE_POINTS,
            ),
        ],
    )


def score_means(profile: CompanyProfile) -> AxisScore:
    minutes = min(profile.minutes_per_week, FULL_TIME_MINUTES)
    return _axis(
        Axis.MEANS,
        [
            Driver(
                msg(
                    "Temps disponible : {time}",
                    "Time available: {time}",
                    time=per_week(profile.minutes_per_week),
                ),
                round(TIME_POINTS * minutes / FULL_TIME_MINUTES),
                TIME_POINTS,
            ),
            Driver(
                msg(
                    "Budget annuel, temps compris : {budget}",
                    "Yearly budget, time included: {budget}",
                    budget=BUDGET_LABELS[profile.budget].lower(),
                ),
                BUDGET_POINTS[profile.budget],
                max(BUDGET_POINTS.values()),
            ),
            _yes(
                profile.trained,
                Text("Au moins une personne formée", "At least one person trained"),
                Text("Personne n’est formé", "Nobody is trained"),
                TRAINED_POINTS,
            ),
        ],
    )


def score_measurement(profile: CompanyProfile) -> AxisScore:
    return _axis(
        Axis.MEASUREMENT,
        [
            Driver(
                MEASUREMENT_LABELS[profile.measurement],
                MEASUREMENT_POINTS[profile.measurement],
                max(MEASUREMENT_POINTS.values()),
            )
        ],
    )


def score_maturity(profile: CompanyProfile) -> MaturityScore:
    """All six axes, in the order of :class:`Axis`."""
    return MaturityScore(
        axes=(
            score_presence(profile),
            score_regularity(profile),
            score_dialogue(profile),
            score_strategy(profile),
            score_means(profile),
            score_measurement(profile),
        )
    )


@dataclass(frozen=True, slots=True)
class ScoreChange:
    axis: Axis
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


def compare_scores(before: MaturityScore, after: MaturityScore) -> tuple[ScoreChange, ...]:
    """Per-axis change between two diagnostics (the quarterly review)."""
    old = before.by_axis()
    return tuple(ScoreChange(a.axis, old.get(a.axis, 0), a.score) for a in after.axes)
