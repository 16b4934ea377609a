"""Strategy fixtures: complete answers for a joinery, a plan made through the services."""

from __future__ import annotations

from typing import Any

import pytest

from parvis.accounts.actor import Actor
from parvis.strategy import services
from parvis.strategy.models import Plan, RoutineTask
from tests.conftest import Cast
from tests.strategy.engine.factories import grid, menuiserie_answers

# Shared helpers of the strategy tests (browser fixtures live in tests/conftest.py).
__all__ = ["grid", "menuiserie_answers"]


def make_plan(cast: Cast, **overrides: Any) -> Plan:
    actor = Actor.of(cast.alice_membership)
    diagnostic = services.diagnostic_start(actor=actor)
    errors = services.diagnostic_save(
        actor=actor, diagnostic=diagnostic, answers=menuiserie_answers(**overrides)
    )
    assert errors == {}
    return services.diagnostic_complete(actor=actor, diagnostic=diagnostic)


@pytest.fixture
def plan(cast: Cast) -> Plan:
    return make_plan(cast)


@pytest.fixture
def english(cast: Cast) -> Cast:
    """The cast with an English interface, so pages can be checked against English text."""
    for user in (cast.alice, cast.bob, cast.charlie):
        user.language = "en"
        user.save(update_fields=["language"])
    return cast


def foreign_routine_task(cast: Cast) -> RoutineTask:
    """A task of this week in Charlie's organisation (for the tenancy walk)."""
    actor = Actor.of(cast.charlie_membership)
    existing = services.selectors.current_plan(cast.other_org)
    if existing is None:
        diagnostic = services.diagnostic_start(actor=actor)
        services.diagnostic_save(actor=actor, diagnostic=diagnostic, answers=menuiserie_answers())
        existing = services.diagnostic_complete(actor=actor, diagnostic=diagnostic)
    routine = services.routine_ensure(plan=existing, week=202648)
    task = routine.tasks.first()
    assert task is not None
    return task
