from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.strategy.engine.profile import CompanyProfile, profile_from_answers
from parvis.strategy.engine.scoring import Axis, compare_scores, score_maturity
from tests.strategy.engine.factories import grid, menuiserie_answers, profiles

BEST = {
    "website": "online_sales",
    "networks": grid(facebook="several_per_week", linkedin="weekly"),
    "calendar": True,
    "reply_habit": "always",
    "response_delay": "within_hour",
    "objectives": ["prospecting"],
    "written_objectives": True,
    "editorial_line": True,
    "leader_active": True,
    "minutes_per_week": 300,
    "budget": "10k_plus",
    "trained": True,
    "measurement": "business_kpis",
}
WORST = {
    "website": "none",
    "networks": grid(),
    "calendar": False,
    "reply_habit": "never",
    "objectives": [],
    "written_objectives": False,
    "editorial_line": False,
    "leader_active": False,
    "minutes_per_week": 0,
    "budget": "zero",
    "trained": False,
    "measurement": "never",
}


def _profile(**overrides: Any) -> CompanyProfile:
    answers = menuiserie_answers(**overrides)
    if overrides.get("reply_habit") in ("never", "no_messages"):
        answers.pop("response_delay", None)
    return profile_from_answers(answers)


def test_best_company_scores_100_everywhere() -> None:
    score = score_maturity(_profile(**BEST))
    assert all(a.score == 100 for a in score.axes)
    assert score.overall == 100


def test_worst_company_scores_0_everywhere() -> None:
    score = score_maturity(_profile(**WORST))
    assert all(a.score == 0 for a in score.axes), score.by_axis()
    assert score.overall == 0


def test_axes_are_the_six_named_ones_with_their_labels() -> None:
    score = score_maturity(_profile())
    assert [a.axis for a in score.axes] == list(Axis)
    assert [a.label.fr for a in score.axes] == [
        "Présence", "Régularité", "Dialogue", "Stratégie", "Moyens", "Mesure",
    ]  # fmt: skip
    assert [a.label.en for a in score.axes] == [
        "Presence", "Regularity", "Dialogue", "Strategy", "Means", "Measurement",
    ]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(profiles)
def test_scores_are_bounded_and_explained_by_their_drivers(profile: CompanyProfile) -> None:
    score = score_maturity(profile)
    for axis in score.axes:
        assert 0 <= axis.score <= 100
        assert axis.score == sum(d.points for d in axis.drivers)
        assert sum(d.max_points for d in axis.drivers) == 100
        assert all(0 <= d.points <= d.max_points for d in axis.drivers)
        assert all(d.text.fr and d.text.en for d in axis.drivers)
    assert 0 <= score.overall <= 100


@pytest.mark.parametrize(
    ("axis", "worse", "better"),
    [
        (Axis.PRESENCE, {"website": "none"}, {"website": "online_sales"}),
        (Axis.REGULARITY, {"calendar": False}, {"calendar": True}),
        (Axis.DIALOGUE, {"response_delay": "several_days"}, {"response_delay": "within_hour"}),
        (Axis.STRATEGY, {"editorial_line": False}, {"editorial_line": True}),
        (Axis.MEANS, {"budget": "zero"}, {"budget": "5k_10k"}),
        (Axis.MEASUREMENT, {"measurement": "never"}, {"measurement": "regular_kpis"}),
    ],
)
def test_each_axis_rewards_its_driver(
    axis: Axis, worse: dict[str, Any], better: dict[str, Any]
) -> None:
    low = score_maturity(_profile(**worse)).by_axis()
    high = score_maturity(_profile(**better)).by_axis()
    assert high[axis] > low[axis]
    others = [a for a in Axis if a is not axis]
    assert [low[a] for a in others] == [high[a] for a in others]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2399), st.integers(1, 600))
def test_more_time_never_lowers_the_means_score(minutes: int, extra: int) -> None:
    low = score_maturity(_profile(minutes_per_week=minutes)).by_axis()[Axis.MEANS]
    high = score_maturity(_profile(minutes_per_week=min(2400, minutes + extra))).by_axis()[
        Axis.MEANS
    ]
    assert high >= low


def test_quarterly_review_compares_axis_by_axis() -> None:
    before = score_maturity(_profile())
    after = score_maturity(_profile(calendar=True, measurement="regular_kpis"))
    deltas = {c.axis: c.delta for c in compare_scores(before, after)}
    assert deltas[Axis.REGULARITY] == 40
    assert deltas[Axis.MEASUREMENT] == 35
    assert deltas[Axis.PRESENCE] == 0
