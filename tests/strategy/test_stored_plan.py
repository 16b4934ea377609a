"""An adopted plan is read back as it was stored: a later change of the engine's rules does not
silently change the week or the score of a company that follows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.strategy import engine, selectors, services
from parvis.strategy.models import Plan, week_code
from tests.conftest import Cast


def _week(plan: Plan) -> int:
    return week_code(timezone.localtime(timezone.now(), plan.organisation.tzinfo).date())


def test_the_week_follows_the_stored_plan_not_todays_rules(
    cast: Cast, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = engine.plan_from_jsonable(plan.data)
    planned = {n.network.value: n.posts_per_week for n in stored.networks}

    def new_rules(*args: Any, **kwargs: Any) -> engine.Plan:
        raise AssertionError("an adopted plan must not be built again")

    # A later release changes how plans are built.
    monkeypatch.setattr(engine, "build_plan", new_rules)
    assert selectors.engine_plan(plan) == stored
    routine = services.routine_ensure(plan=plan, week=_week(plan))
    published = {}
    for network in routine.tasks.filter(kind="publish").values_list("network", flat=True):
        published[network] = published.get(network, 0) + 1
    assert published == planned
    assert services.alignment_recompute(organisation=cast.org) is not None


def test_a_plan_stored_before_texts_were_bilingual_is_built_again(cast: Cast, plan: Plan) -> None:
    legacy = dict(plan.data)
    legacy["notes"] = [{"text": "Vous partez de zéro.", "figures": [], "sources": []}]
    Plan.objects.filter(pk=plan.pk).update(data=legacy)
    plan.refresh_from_db()
    rebuilt = engine.build_plan(engine.profile_from_answers(plan.diagnostic.answers))
    assert selectors.engine_plan(plan) == rebuilt


def test_old_routine_tasks_show_their_french_text(english: Cast, plan: Plan) -> None:
    """Rows written before the engine spoke English hold French strings: shown as they are."""
    routine = services.routine_ensure(plan=plan, week=_week(plan))
    task = routine.tasks.filter(kind="publish").first()
    assert task is not None
    task.title = "Publication Facebook : coulisses"  # as migration 0002 would have kept it
    task.idea = {"fr": "Une idée.", "en": "Une idée."}
    task.save(update_fields=["title", "idea"])
    url = reverse("strategy:week", args=[english.org.slug])
    page = english.client_for(english.alice).get(url)
    body = page.content.decode()
    assert "Publication Facebook : coulisses" in body and "Une idée." in body
