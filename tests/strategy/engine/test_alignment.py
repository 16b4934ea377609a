from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.core.vocabulary import ContentCategory as C
from parvis.core.vocabulary import Network as N
from parvis.strategy.engine.alignment import (
    COMPONENT_WEIGHTS,
    WATCH_WEIGHT,
    Component,
    ObservedActivity,
    alignment_score,
)
from parvis.strategy.engine.plan import Plan, build_plan
from tests.strategy.engine.factories import menuiserie

NB = "\u00a0"


def _plan() -> Plan:
    # Facebook + Instagram, visibility then prospecting, 4-hour goal.
    return build_plan(menuiserie(minutes_per_week=300))


def _perfect(plan: Plan, weeks: int = 4) -> ObservedActivity:
    total = sum(p.posts_per_week for p in plan.networks) * weeks
    return ObservedActivity(
        weeks_covered=weeks,
        posts_by_category={c: s * total for c, s in plan.editorial.category_mix.items()},
        posts_by_network={p.network: p.posts_per_week * weeks for p in plan.networks},
        response_rate=1.0,
        median_response_hours=1.0,
    )


def test_weights_sum_to_one() -> None:
    assert abs(sum(COMPONENT_WEIGHTS.values()) - 1) < 1e-9


def test_no_data_gives_no_score_and_first_steps() -> None:
    plan = _plan()
    result = alignment_score(plan, ObservedActivity(0, {}, {}))
    assert result.score is None
    assert not result.has_data
    assert all(c.score is None for c in result.components)
    assert 1 <= len(result.changes) <= 3
    first = result.changes[0].statement.text
    assert first.fr.startswith(f"Publiez sur {plan.networks[0].label}")
    assert first.en.startswith(f"Publish on {plan.networks[0].label}")


def test_doing_exactly_the_plan_scores_100_with_nothing_to_change() -> None:
    plan = _plan()
    result = alignment_score(plan, _perfect(plan))
    assert result.score == 100
    assert result.changes == ()


def test_weeks_without_any_post_score_low_but_are_measured() -> None:
    result = alignment_score(_plan(), ObservedActivity(4, {}, {}))
    assert result.score == 0
    by = {c.component: c.score for c in result.components}
    assert by[Component.FREQUENCY] == 0
    assert by[Component.MIX] is None and by[Component.DIALOGUE] is None
    assert result.changes and all(c.points > 0 for c in result.changes)


def test_self_centred_change_reads_like_the_issue() -> None:
    plan = _plan()
    activity = ObservedActivity(
        weeks_covered=4,
        posts_by_category={C.COMPANY_NEWS: 12, C.OFFER: 4, C.EXPERTISE: 4},
        posts_by_network={p.network: p.posts_per_week * 4 for p in plan.networks},
        response_rate=1.0,
        median_response_hours=1.0,
    )
    first = alignment_score(plan, activity).changes[0].statement.text
    assert first.fr.startswith(f"80{NB}% de vos posts parlent de vous{NB}: visez 33{NB}%. ")
    assert first.en.startswith("80% of your posts are about yourself: aim for 33%. ")


def test_at_most_three_changes_sorted_by_gain() -> None:
    plan = _plan()
    activity = ObservedActivity(
        weeks_covered=4,
        posts_by_category={C.COMPANY_NEWS: 10, C.OFFER: 5, C.OTHER: 5},
        posts_by_network={N.X: 15, N.FACEBOOK: 5},
        response_rate=0.3,
        median_response_hours=48,
    )
    result = alignment_score(plan, activity)
    assert len(result.changes) == 3
    points = [c.points for c in result.changes]
    assert points == sorted(points, reverse=True)
    assert all(p >= 1 for p in points)


def test_response_changes_are_concrete() -> None:
    plan = _plan()
    activity = _perfect(plan)
    activity = ObservedActivity(
        activity.weeks_covered,
        activity.posts_by_category,
        activity.posts_by_network,
        response_rate=0.4,
        median_response_hours=30,
    )
    texts = [c.statement.text for c in alignment_score(plan, activity).changes]
    assert (
        f"Vous répondez à 40{NB}% des messages{NB}: visez 90{NB}%. "
        "Un passage quotidien dans la boîte de réception suffit." in [t.fr for t in texts]
    )
    delay = next(t for t in texts if t.fr.startswith("Délai médian"))
    assert delay.fr == f"Délai médian de réponse{NB}: 30{NB}h{NB}; visez 4{NB}h."
    assert delay.en == "Median response time: 30 h; aim for 4 h."


def test_off_plan_network_change() -> None:
    plan = _plan()
    base = _perfect(plan)
    moved = dict(base.posts_by_network)
    moved[N.X] = 10
    activity = ObservedActivity(4, base.posts_by_category, moved, 1.0, 1.0)
    texts = [c.statement.text for c in alignment_score(plan, activity).changes]
    assert any("hors de votre plan (surtout X)" in t.fr for t in texts)
    assert any("outside your plan (mostly X)" in t.en for t in texts)


def test_missing_dialogue_data_reweights_the_rest() -> None:
    plan = _plan()
    perfect = _perfect(plan)
    silent = ObservedActivity(4, perfect.posts_by_category, perfect.posts_by_network)
    result = alignment_score(plan, silent)
    assert result.score == 100
    assert {c.component: c.score for c in result.components}[Component.DIALOGUE] is None


def test_unanswered_messages_without_a_delay_still_count() -> None:
    plan = _plan()
    perfect = _perfect(plan)
    ignored = ObservedActivity(4, perfect.posts_by_category, perfect.posts_by_network, 0.0, None)
    result = alignment_score(plan, ignored)
    assert {c.component: c.score for c in result.components}[Component.DIALOGUE] == 0
    assert result.score is not None and result.score < 100


_MIXES = st.dictionaries(st.sampled_from(list(C)), st.integers(0, 40), min_size=1).filter(
    lambda d: sum(d.values()) > 0
)


@settings(max_examples=150, deadline=None)
@given(_MIXES, st.floats(0, 1), st.floats(0, 1))
def test_moving_the_mix_toward_the_plan_never_lowers_the_score(
    counts: dict[C, int], t1: float, t2: float
) -> None:
    plan = _plan()
    target = plan.editorial.category_mix
    total = sum(counts.values())
    start = {c: n / total for c, n in counts.items()}
    near, far = max(t1, t2), min(t1, t2)

    def at(t: float) -> ObservedActivity:
        cats = set(start) | set(target)
        mix = {c: (1 - t) * start.get(c, 0.0) + t * target.get(c, 0.0) for c in cats}
        return ObservedActivity(
            weeks_covered=3,
            posts_by_category={c: s * total for c, s in mix.items()},
            posts_by_network={N.FACEBOOK: 4, N.X: 2},
            response_rate=0.5,
            median_response_hours=10,
        )

    closer = alignment_score(plan, at(near)).score
    further = alignment_score(plan, at(far)).score
    assert closer is not None and further is not None
    assert closer >= further


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(C)), st.integers(0, 30)),
    st.dictionaries(st.sampled_from(list(N)), st.integers(0, 30)),
    st.integers(0, 12),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.floats(0, 500)),
)
def test_score_is_bounded_and_changes_are_few(
    cats: dict[C, int],
    nets: dict[N, int],
    weeks: int,
    rate: float | None,
    hours: float | None,
) -> None:
    result = alignment_score(_plan(), ObservedActivity(weeks, cats, nets, rate, hours))
    if result.score is not None:
        assert 0 <= result.score <= 100
    assert len(result.changes) <= 3
    for component in result.components:
        assert component.score is None or 0 <= component.score <= 100


# --- watch (« veille ») ---------------------------------------------------------------------


def _watching_plan() -> Plan:
    return build_plan(menuiserie(minutes_per_week=300, objectives=["watch", "visibility"]))


def test_the_watch_counts_only_when_the_plan_watches() -> None:
    plan = _plan()
    assert not any(r.objective.value == "watch" for r in plan.active_objectives)
    done = replace(_perfect(plan), veille_weeks=4, veille_done=0)
    result = alignment_score(plan, done)
    assert Component.WATCH not in {c.component for c in result.components}
    assert result.score == alignment_score(plan, _perfect(plan)).score


def test_the_watch_takes_its_weight_from_the_others_in_proportion() -> None:
    plan = _watching_plan()
    result = alignment_score(plan, replace(_perfect(plan), veille_weeks=4, veille_done=2))
    weights = {c.component: c.weight for c in result.components}
    assert weights[Component.WATCH] == WATCH_WEIGHT
    assert weights[Component.MIX] == round(COMPONENT_WEIGHTS[Component.MIX] * 0.85, 4)
    assert abs(sum(weights.values()) - 1) < 1e-3
    by = {c.component: c.score for c in result.components}
    assert by[Component.WATCH] == 50
    others = alignment_score(plan, _perfect(plan)).score
    assert others is not None
    assert result.score == round(others * 0.85 + 50 * 0.15)


def test_without_a_judged_week_the_watch_is_left_out() -> None:
    plan = _watching_plan()
    result = alignment_score(plan, _perfect(plan))
    assert {c.component: c.score for c in result.components}[Component.WATCH] is None
    assert result.score == alignment_score(plan, replace(_perfect(plan), veille_weeks=0)).score


def test_a_missed_veille_is_a_change_worth_points() -> None:
    plan = _watching_plan()
    result = alignment_score(plan, replace(_perfect(plan), veille_weeks=4, veille_done=1))
    texts = [change.statement.text.fr for change in result.changes]
    assert any(text.startswith("Veille faite 1 semaine sur 4") for text in texts), texts
    watch = next(c for c in result.changes if c.statement.text.fr.startswith("Veille"))
    assert watch.points == 11  # 75 points missing × 0.15


def test_the_veille_alone_is_a_score() -> None:
    plan = _watching_plan()
    result = alignment_score(plan, ObservedActivity(2, {}, {}, veille_weeks=2, veille_done=2))
    # The rhythm counts zero posts over two weeks, the watch 100.
    assert result.score is not None
    assert {c.component: c.score for c in result.components}[Component.WATCH] == 100
