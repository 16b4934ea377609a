"""The whole journey through the public API, and the package's purity."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from parvis.core.vocabulary import ContentCategory, Network
from parvis.strategy import engine
from tests.strategy.engine.factories import menuiserie_answers

ENGINE_DIR = Path(engine.__file__).resolve().parent
ALLOWED_PARVIS_IMPORTS = ("parvis.core.vocabulary", "parvis.strategy.engine")


def test_engine_imports_no_django_and_no_other_app() -> None:
    for path in ENGINE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), f"{path.name}: {name}"
                if name.startswith("parvis"):
                    assert name.startswith(ALLOWED_PARVIS_IMPORTS), f"{path.name}: {name}"


def test_public_api_is_complete() -> None:
    for name in engine.__all__:
        assert hasattr(engine, name), name


def test_diagnostic_to_alignment_and_quarterly_review() -> None:
    full = menuiserie_answers()
    stored: dict[str, object] = {}
    # The leader answers section by section, pausing in between (answers go through JSON).
    while not engine.progress(stored).is_complete:
        where = engine.progress(stored)
        assert where.next_question_id is not None
        stored[where.next_question_id] = full[where.next_question_id]
        stored = json.loads(json.dumps(stored))
        assert engine.validate_answers(stored) == {}
    stored.update({k: full[k] for k in ("objectives", "published_categories")})
    profile = engine.profile_from_answers(stored)

    maturity = engine.score_maturity(profile)
    placement = engine.place_company(profile)
    plan = engine.build_plan(profile)
    routine = engine.build_routine(plan, minutes_available=profile.minutes_per_week, week=1)
    assert routine.total_minutes <= profile.minutes_per_week
    assert placement.comparisons and maturity.axes and plan.networks

    # Four weeks later: the routine was followed to the letter.
    weeks = 4
    posts: dict[ContentCategory, int] = {}
    for week in range(weeks):
        for task in engine.build_routine(plan, minutes_available=120, week=week).tasks:
            if task.category is not None:
                posts[task.category] = posts.get(task.category, 0) + 1
    by_network: dict[Network, float] = {p.network: p.posts_per_week * weeks for p in plan.networks}
    followed = engine.alignment_score(
        plan, engine.ObservedActivity(weeks, posts, by_network, 0.95, 2.0)
    )
    ignored = engine.alignment_score(
        plan,
        engine.ObservedActivity(weeks, {ContentCategory.COMPANY_NEWS: 2}, {Network.X: 2}, 0.1, 50),
    )
    assert followed.score is not None and ignored.score is not None
    assert followed.score > 80 > ignored.score
    assert len(ignored.changes) == 3

    # Quarterly review: the diagnostic is taken again after adopting the plan's actions.
    again = engine.profile_from_answers(
        {**stored, "calendar": True, "editorial_line": True, "measurement": "regular_kpis"}
    )
    deltas = engine.compare_scores(maturity, engine.score_maturity(again))
    assert sum(d.delta for d in deltas) > 0
    assert all(d.delta >= 0 for d in deltas)
