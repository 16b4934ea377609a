"""Builders for diagnostic answers: one realistic company, and a Hypothesis strategy for any."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.strategy.engine import choices as c
from parvis.strategy.engine.profile import CompanyProfile, profile_from_answers


def menuiserie_answers(**overrides: Any) -> dict[str, Any]:
    """A 12-person joinery, mostly B2C, on Facebook, with a sleeping LinkedIn account."""
    answers: dict[str, Any] = {
        "headcount": "10-19",
        "sector": "building_crafts",
        "b2b_share": 30,
        "website": "showcase",
        "networks": {
            "facebook": "occasional",
            "instagram": "none",
            "linkedin": "dormant",
            "x": "none",
            "youtube": "none",
            "bluesky": "none",
            "mastodon": "none",
        },
        "self_activity": "low",
        "tempo": "late",
        "leader_active": False,
        "publishers": ["leader"],
        "trained": False,
        "minutes_per_week": 120,
        "budget": "under_1k",
        "objectives": ["visibility", "prospecting"],
        "written_objectives": False,
        "editorial_line": False,
        "calendar": False,
        "measurement": "audience_only",
        "reply_habit": "sometimes",
        "response_delay": "within_day",
        "published_categories": ["company_news", "offer"],
        "obstacles": ["time"],
    }
    answers.update(overrides)
    return answers


def grid(default: str = "none", **levels: str) -> dict[str, str]:
    """A complete per-network grid: every network at ``default`` unless named."""
    return {n.value: levels.get(n.value, default) for n in Network}


def menuiserie(**overrides: Any) -> CompanyProfile:
    return profile_from_answers(menuiserie_answers(**overrides))


def _values(enum: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


def _subset(
    enum: Any, max_size: int | None = None, min_size: int = 0
) -> st.SearchStrategy[list[str]]:
    return st.lists(_values(enum), unique=True, min_size=min_size, max_size=max_size)


def _exclusive_subset(enum: Any, exclusive: str) -> st.SearchStrategy[list[str]]:
    """A non-empty subset that never mixes ``exclusive`` with other values."""
    others = [m.value for m in enum if m.value != exclusive]
    return st.one_of(
        st.just([exclusive]),
        st.lists(st.sampled_from(others), unique=True, min_size=1),
    )


@st.composite
def answers_strategy(draw: st.DrawFn) -> dict[str, Any]:
    """Any complete, valid set of answers."""
    reply = draw(_values(c.ReplyHabit))
    answers: dict[str, Any] = {
        "headcount": draw(_values(c.HeadcountBand)),
        "sector": draw(_values(c.Sector)),
        "b2b_share": draw(st.integers(0, 100)),
        "website": draw(_values(c.Website)),
        "networks": {n.value: draw(_values(c.AccountActivity)) for n in Network},
        "self_activity": draw(_values(c.SelfActivity)),
        "tempo": draw(_values(c.Tempo)),
        "leader_active": draw(st.booleans()),
        "publishers": draw(_exclusive_subset(c.Publisher, c.Publisher.NOBODY.value)),
        "trained": draw(st.booleans()),
        "minutes_per_week": draw(st.integers(0, 2400)),
        "budget": draw(_values(c.BudgetBand)),
        "objectives": draw(_subset(Objective, max_size=3)),
        "written_objectives": draw(st.booleans()),
        "editorial_line": draw(st.booleans()),
        "calendar": draw(st.booleans()),
        "measurement": draw(_values(c.Measurement)),
        "reply_habit": reply,
        "published_categories": draw(_subset(ContentCategory)),
        "obstacles": draw(_exclusive_subset(c.Obstacle, c.Obstacle.NONE.value)),
    }
    if reply in (c.ReplyHabit.ALWAYS.value, c.ReplyHabit.SOMETIMES.value):
        answers["response_delay"] = draw(_values(c.ResponseDelay))
    if draw(st.booleans()):
        answers["hourly_cost"] = draw(st.integers(10, 300))
    return answers


profiles = answers_strategy().map(profile_from_answers)
