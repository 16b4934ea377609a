from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.core.vocabulary import SELF_CENTRED_CATEGORIES, ContentCategory
from parvis.strategy.engine.plan import build_plan
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.routine import (
    TaskKind,
    build_routine,
    category_sequence,
)
from parvis.strategy.engine.rules import SELF_CENTRED_CAP
from tests.strategy.engine.factories import grid, menuiserie, profiles


@settings(max_examples=120, deadline=None)
@given(profiles, st.integers(-100, 3000), st.integers(0, 300000))
def test_routine_never_exceeds_the_minutes_available(
    profile: CompanyProfile, minutes: int, week: int
) -> None:
    plan = build_plan(profile)
    routine = build_routine(plan, minutes_available=minutes, week=week)
    assert routine.total_minutes <= max(minutes, 0)
    assert all(t.minutes > 0 for t in routine.tasks)


@settings(max_examples=60, deadline=None)
@given(profiles, st.integers(0, 1000))
def test_routine_with_the_plan_minutes_keeps_the_whole_plan(
    profile: CompanyProfile, week: int
) -> None:
    plan = build_plan(profile)
    routine = build_routine(plan, minutes_available=profile.minutes_per_week, week=week)
    assert routine.total_minutes == plan.time.total
    assert routine.trimmed == ()
    publish = Counter(t.network for t in routine.tasks if t.kind is TaskKind.PUBLISH)
    assert publish == {p.network: p.posts_per_week for p in plan.networks}
    for task in routine.tasks:
        assert task.gain.text.fr and task.gain.text.en
        assert 0 <= task.weekday <= 6
        if task.kind is TaskKind.PUBLISH:
            assert task.idea is not None and task.category is not None
    assert len({t.id for t in routine.tasks}) == len(routine.tasks)


def test_menuiserie_week() -> None:
    plan = build_plan(menuiserie(minutes_per_week=120))
    routine = build_routine(plan, minutes_available=120, week=202648)
    kinds = Counter(t.kind for t in routine.tasks)
    assert kinds[TaskKind.PUBLISH] == sum(p.posts_per_week for p in plan.networks) == 3
    assert kinds[TaskKind.WATCH] == 0  # watch is not one of the joinery's objectives
    assert plan.time.watch == 0  # and its minutes went to posts
    assert kinds[TaskKind.REVIEW] == 1
    assert kinds[TaskKind.INBOX] >= 1
    inbox = sum(t.minutes for t in routine.tasks if t.kind is TaskKind.INBOX)
    assert inbox == plan.time.inbox
    assert [(t.weekday, t.at) for t in routine.tasks] == sorted(
        (t.weekday, t.at) for t in routine.tasks
    )
    assert routine.tasks[0].weekday_label.fr == "lundi"
    assert routine.tasks[0].weekday_label.en == "Monday"


def test_queue_slots_are_the_publishing_tasks() -> None:
    plan = build_plan(menuiserie(minutes_per_week=400))
    routine = build_routine(plan, minutes_available=400, week=7)
    slots = routine.queue_slots
    publish = [t for t in routine.tasks if t.kind is TaskKind.PUBLISH]
    assert [(s.network, s.weekday, s.at) for s in slots] == [
        (t.network, t.weekday, t.at) for t in publish
    ]
    per_network = Counter((s.network, s.weekday) for s in slots)
    assert max(per_network.values()) == 1  # never two posts on one network the same day


def test_routine_is_deterministic_and_ideas_rotate() -> None:
    plan = build_plan(menuiserie(minutes_per_week=300))
    first = build_routine(plan, minutes_available=300, week=12)
    assert first == build_routine(plan, minutes_available=300, week=12)
    ideas = [
        tuple(t.idea for t in build_routine(plan, minutes_available=300, week=w).tasks if t.idea)
        for w in range(12, 16)
    ]
    assert len(set(ideas)) == 4


def test_watch_task_only_when_watch_is_an_objective() -> None:
    watching = build_plan(menuiserie(minutes_per_week=120, objectives=["visibility", "watch"]))
    tasks = build_routine(watching, minutes_available=120, week=3).tasks
    watch = [t for t in tasks if t.kind is TaskKind.WATCH]
    assert len(watch) == 1 and watch[0].title.fr == "Faire la veille de la semaine"
    for objectives in (["visibility", "prospecting"], ["customer_relation"], []):
        plan = build_plan(menuiserie(minutes_per_week=600, objectives=objectives))
        assert plan.time.watch == 0
        tasks = build_routine(plan, minutes_available=600, week=3).tasks
        assert not any(t.kind is TaskKind.WATCH for t in tasks), objectives


def test_stored_plan_with_watch_minutes_but_no_watch_objective_gets_no_watch_task() -> None:
    plan = build_plan(menuiserie(minutes_per_week=120))
    older = replace(plan, time=replace(plan.time, watch=15))  # as plans were stored before
    routine = build_routine(older, minutes_available=120, week=3)
    assert not any(t.kind is TaskKind.WATCH for t in routine.tasks)
    assert routine.trimmed == ()  # the unused watch minutes trim nothing


def test_routine_trims_and_says_what_when_time_shrinks() -> None:
    plan = build_plan(menuiserie(minutes_per_week=120, objectives=["visibility", "watch"]))
    routine = build_routine(plan, minutes_available=45, week=1)
    assert routine.total_minutes <= 45
    texts = " ".join(s.text.fr for s in routine.trimmed)
    assert "Bilan" in texts and "Veille" in texts
    english = " ".join(s.text.en for s in routine.trimmed)
    assert "Weekly review left out" in english and "industry watch left out" in english
    assert not any(t.kind in (TaskKind.REVIEW, TaskKind.WATCH) for t in routine.tasks)
    assert any(t.kind is TaskKind.PUBLISH for t in routine.tasks)


def test_zero_minutes_gives_an_empty_week() -> None:
    plan = build_plan(menuiserie(minutes_per_week=0, networks=grid(default="weekly")))
    routine = build_routine(plan, minutes_available=0, week=1)
    assert routine.tasks == ()
    assert routine.total_minutes == 0


@pytest.mark.parametrize("minutes", [45, 120, 200, 600])
def test_fast_response_goal_means_daily_inbox(minutes: int) -> None:
    plan = build_plan(menuiserie(objectives=["customer_relation"], minutes_per_week=minutes))
    routine = build_routine(plan, minutes_available=minutes, week=1)
    days = {t.weekday for t in routine.tasks if t.kind is TaskKind.INBOX}
    assert days == {0, 1, 2, 3, 4}


def test_slow_response_goal_means_three_inbox_sessions() -> None:
    plan = build_plan(menuiserie(objectives=["prospecting"], b2b_share=90, minutes_per_week=200))
    routine = build_routine(plan, minutes_available=200, week=1)
    days = {t.weekday for t in routine.tasks if t.kind is TaskKind.INBOX}
    assert days <= {0, 2, 4} and days


def test_inbox_task_cites_the_response_goal_source() -> None:
    plan = build_plan(menuiserie())
    routine = build_routine(plan, minutes_available=120, week=1)
    inbox = next(t for t in routine.tasks if t.kind is TaskKind.INBOX)
    assert inbox.gain.figures and inbox.gain.sources


def test_category_rotation_follows_the_mix_over_the_weeks() -> None:
    plan = build_plan(menuiserie(objectives=["recruitment", "visibility"], minutes_per_week=500))
    mix = plan.editorial.category_mix
    weekly = sum(p.posts_per_week for p in plan.networks)
    counts: Counter[ContentCategory] = Counter()
    for week in range(20):
        counts.update(category_sequence(mix, weekly, week))
    total = sum(counts.values())
    for category, share in mix.items():
        assert abs(counts[category] / total - share) < 0.05, category
    own = sum(n for c, n in counts.items() if c in SELF_CENTRED_CATEGORIES) / total
    assert own <= SELF_CENTRED_CAP + 0.02


def test_category_sequence_edge_cases() -> None:
    assert category_sequence({ContentCategory.EXPERTISE: 1.0}, 0, 5) == []
    assert (
        category_sequence({ContentCategory.EXPERTISE: 1.0}, 3, 5) == [ContentCategory.EXPERTISE] * 3
    )
