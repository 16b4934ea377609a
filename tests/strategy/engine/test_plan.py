from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings

from parvis.core.vocabulary import SELF_CENTRED_CATEGORIES, Network, Objective
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.editorial import cap_self_centred, self_centred_share
from parvis.strategy.engine.network_choice import DropAction, NetworkStatus, network_cap
from parvis.strategy.engine.plan import PlanSettings, build_plan
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.rules import (
    DEFAULT_HOURLY_COST_EUR,
    MAX_NETWORKS,
    SELF_CENTRED_CAP,
    TARGET_POSTS_PER_WEEK,
)
from tests.strategy.engine.factories import grid, menuiserie, profiles

ALL_ACTIVE = grid(default="weekly")


@settings(max_examples=120, deadline=None)
@given(profiles)
def test_plan_invariants(profile: CompanyProfile) -> None:
    plan = build_plan(profile)
    # Fits the time the leader declared.
    assert plan.time.total <= profile.minutes_per_week
    assert plan.budget.minutes_planned == plan.time.total
    # Networks: at most the cap for that time, each within its cadence bounds.
    assert len(plan.networks) <= network_cap(profile.minutes_per_week) <= MAX_NETWORKS
    for network_plan in plan.networks:
        assert 1 <= network_plan.posts_per_week <= TARGET_POSTS_PER_WEEK[network_plan.network]
        assert network_plan.reason.text.fr and network_plan.reason.text.en
    # Every network with an account is either kept or dropped with a reason.
    kept = {p.network for p in plan.networks}
    dropped = {d.network for d in plan.dropped}
    assert not kept & dropped
    assert set(profile.accounts) <= kept | dropped
    assert all(d.reason.text.fr and d.reason.text.en for d in plan.dropped)
    # Objectives: all six, ranked 1..6, at least one active.
    assert sorted(o.rank for o in plan.objectives) == list(range(1, 7))
    assert {o.objective for o in plan.objectives} == set(Objective)
    assert plan.active_objectives
    # Editorial line: a proper mix, self-centred share capped.
    assert math.isclose(sum(plan.editorial.category_mix.values()), 1.0)
    assert plan.editorial.self_centred_share <= SELF_CENTRED_CAP + 1e-9
    assert plan.editorial.response_time_goal_hours > 0


@settings(max_examples=60, deadline=None)
@given(profiles)
def test_every_figure_in_the_plan_has_a_source(profile: CompanyProfile) -> None:
    plan = build_plan(profile)
    statements = (
        [o.reason for o in plan.objectives]
        + [a.detail for a in plan.actions]
        + [plan.budget.statement, plan.editorial.response_goal_reason]
        + list(plan.notes)
    )
    for statement in statements:
        for fig in statement.figures:
            assert fig.source_label and fig.url
        fr, en = statement.text.fr, statement.text.en
        if "%" in fr or "€" in fr:
            assert statement.figures or "€ de l’heure" in fr, fr
        if "%" in en or "€" in en:
            assert statement.figures or " an hour" in en, en


def test_zero_accounts_gets_a_plan_that_starts_from_zero() -> None:
    plan = build_plan(menuiserie(networks=grid()))
    assert plan.starts_from_zero
    assert plan.networks
    assert all(p.status is NetworkStatus.START for p in plan.networks)
    assert plan.notes[0].text.fr.startswith("Vous partez de zéro")
    assert plan.notes[0].text.en.startswith("You start from zero")
    assert plan.dropped == () or all(d.action is DropAction.NOT_NOW for d in plan.dropped)


def test_no_time_and_seven_networks_drops_everything_and_says_so() -> None:
    plan = build_plan(menuiserie(networks=ALL_ACTIVE, minutes_per_week=0))
    assert plan.networks == ()
    assert plan.time.total == 0
    assert {d.network for d in plan.dropped} == set(Network)
    assert "aucun réseau ne peut être tenu" in plan.notes[0].text.fr
    assert "au moins" in plan.notes[0].text.fr
    assert "no network can be kept up" in plan.notes[0].text.en
    # Nothing is kept, so no reason may point to "the networks kept".
    assert not any("réseaux retenus" in d.reason.text.fr for d in plan.dropped)
    assert not any("réseaux actifs" in d.reason.text.fr for d in plan.dropped)
    assert not any("networks kept" in d.reason.text.en for d in plan.dropped)


def test_little_time_and_seven_networks_keeps_one_and_names_the_rest() -> None:
    plan = build_plan(menuiserie(networks=ALL_ACTIVE, minutes_per_week=60))
    assert len(plan.networks) == 1
    assert len(plan.dropped) == 6
    assert plan.time.total <= 60
    assert any("Vous avez 7 comptes" in n.text.fr for n in plan.notes)
    assert any("You have 7 accounts" in n.text.en for n in plan.notes)
    assert all(d.action in (DropAction.PAUSE, DropAction.CLOSE) for d in plan.dropped)


@pytest.mark.parametrize(
    ("minutes", "cap"), [(0, 1), (89, 1), (90, 2), (179, 2), (180, 3), (300, 4), (2400, 4)]
)
def test_network_cap_shrinks_with_time(minutes: int, cap: int) -> None:
    assert network_cap(minutes) == cap


def test_more_time_raises_cadence_to_target() -> None:
    plan = build_plan(menuiserie(minutes_per_week=600))
    for network_plan in plan.networks:
        assert network_plan.posts_per_week == TARGET_POSTS_PER_WEEK[network_plan.network]


def test_b2b_services_company_gets_linkedin_first() -> None:
    profile = menuiserie(
        sector="business_services",
        b2b_share=90,
        objectives=["prospecting", "watch"],
        networks=grid(facebook="occasional"),
    )
    plan = build_plan(profile)
    assert plan.networks[0].network is Network.LINKEDIN
    assert Objective.PROSPECTING in plan.networks[0].objectives
    assert any(a.key == "linkedin_first" for a in plan.actions)


def test_b2c_hospitality_gets_instagram_and_facebook() -> None:
    plan = build_plan(
        menuiserie(sector="hospitality", b2b_share=0, networks=grid(), minutes_per_week=150)
    )
    assert {p.network for p in plan.networks} == {Network.INSTAGRAM, Network.FACEBOOK}
    assert any(a.key == "consumer_networks_first" for a in plan.actions)


def test_dormant_account_that_serves_nothing_is_closed() -> None:
    plan = build_plan(
        menuiserie(
            networks=grid(facebook="weekly", mastodon="dormant"),
            objectives=["prospecting"],
            b2b_share=80,
        )
    )
    mastodon = next(d for d in plan.dropped if d.network is Network.MASTODON)
    assert mastodon.action is DropAction.CLOSE
    assert "fermez-le" in mastodon.reason.text.fr
    assert "close it" in mastodon.reason.text.en


def test_no_objectives_gets_a_starting_point_and_an_action() -> None:
    plan = build_plan(menuiserie(objectives=[]))
    active = plan.active_objectives
    assert len(active) == 2
    assert all(not o.chosen_by_user for o in active)
    assert {o.objective for o in active} <= {
        Objective.PROSPECTING, Objective.CUSTOMER_RELATION, Objective.VISIBILITY, Objective.WATCH,
    }  # fmt: skip
    assert plan.actions[0].key == "define_objectives"


def test_user_ranking_is_kept() -> None:
    plan = build_plan(menuiserie(objectives=["recruitment", "watch", "visibility"]))
    assert [o.objective for o in plan.objectives[:3]] == [
        Objective.RECRUITMENT, Objective.WATCH, Objective.VISIBILITY,
    ]  # fmt: skip
    assert [o.weight for o in plan.objectives[:3]] == [1.0, 0.7, 0.5]
    assert all(o.weight == 0 for o in plan.objectives[3:])
    assert "premier choix" in plan.objectives[0].reason.text.fr
    assert "your first choice" in plan.objectives[0].reason.text.en


def test_recruitment_plan_caps_self_centred_content() -> None:
    plan = build_plan(menuiserie(objectives=["recruitment"]))
    # The recruitment mix alone is 45 % about the company; the cap brings it to a third.
    assert math.isclose(plan.editorial.self_centred_share, SELF_CENTRED_CAP)


def test_cap_self_centred_keeps_proportions() -> None:
    from parvis.core.vocabulary import ContentCategory as C

    capped = cap_self_centred({C.COMPANY_NEWS: 0.6, C.OFFER: 0.2, C.EXPERTISE: 0.2}, 1 / 3)
    assert math.isclose(self_centred_share(capped), 1 / 3)
    assert math.isclose(capped[C.COMPANY_NEWS] / capped[C.OFFER], 3.0)
    assert math.isclose(capped[C.EXPERTISE], 2 / 3)
    only_self = cap_self_centred({C.COMPANY_NEWS: 1.0}, 1 / 3)
    assert math.isclose(only_self[C.EXPERTISE], 2 / 3)
    assert set(only_self) - {C.EXPERTISE} <= SELF_CENTRED_CATEGORIES
    with pytest.raises(ValueError):
        cap_self_centred({}, 1 / 3)


@pytest.mark.parametrize(
    ("overrides", "figure_id", "hours"),
    [
        ({"objectives": ["customer_relation"], "b2b_share": 90}, "sprout_expect_2016", 4.0),
        ({"objectives": ["prospecting"], "b2b_share": 10}, "sprout_expect_2016", 4.0),
        ({"objectives": ["prospecting"], "b2b_share": 90}, "hubspot_24h", 24.0),
    ],
)
def test_response_goal_is_sourced(
    overrides: dict[str, object], figure_id: str, hours: float
) -> None:
    plan = build_plan(menuiserie(**overrides))
    assert plan.editorial.response_time_goal_hours == hours
    assert plan.editorial.response_goal_reason.figures[0].id == figure_id


def test_budget_against_the_study_reference() -> None:
    profile = menuiserie(minutes_per_week=120)
    plan = build_plan(profile)
    budget = plan.budget
    assert budget.reference.id == "bpi_budget_ref"
    assert budget.hourly_cost_eur == DEFAULT_HOURLY_COST_EUR
    expected_hours = round(plan.time.total * 47 / 60)
    assert budget.hours_per_year == expected_hours
    assert budget.staff_cost_eur_per_year == expected_hours * DEFAULT_HOURLY_COST_EUR
    assert budget.gap_to_reference_eur == 10000 - budget.staff_cost_eur_per_year
    assert "10\u202f000\u00a0€ par an" in budget.statement.text.fr
    assert "promotion payante" in budget.statement.text.fr
    assert "€10,000 a year" in budget.statement.text.en


def test_hourly_cost_from_answers_then_from_settings() -> None:
    from_answers = build_plan(menuiserie(hourly_cost=50)).budget
    assert from_answers.hourly_cost_eur == 50
    from_settings = build_plan(menuiserie(hourly_cost=50), PlanSettings(hourly_cost_eur=80)).budget
    assert from_settings.hourly_cost_eur == 80
    assert from_settings.staff_cost_eur_per_year > from_answers.staff_cost_eur_per_year


def test_actions_follow_the_study_rule_order() -> None:
    plan = build_plan(
        menuiserie(
            objectives=[],
            b2b_share=80,
            reply_habit="never",
            networks=grid(facebook="weekly", x="dormant"),
        )
    )
    keys = [a.key for a in plan.actions]
    order = [
        "define_objectives", "editorial_line", "calendar", "linkedin_first", "close_dormant",
        "customer_care", "leader_presence", "training", "budget_gap", "measure",
    ]  # fmt: skip
    assert keys == [k for k in order if k in keys]
    assert {"define_objectives", "customer_care", "training", "budget_gap"} <= set(keys)


def test_mature_company_gets_few_actions() -> None:
    plan = build_plan(
        menuiserie(
            editorial_line=True,
            calendar=True,
            leader_active=True,
            trained=True,
            budget="10k_plus",
            measurement="business_kpis",
            reply_habit="always",
            response_delay="within_hour",
            networks=grid(facebook="weekly", instagram="weekly"),
        )  # fmt: skip
    )
    assert plan.actions == ()


def test_sector_is_carried_for_the_routine() -> None:
    assert build_plan(menuiserie()).sector is Sector.BUILDING_CRAFTS


def test_hand_built_profile_with_too_many_objectives_keeps_the_first_three() -> None:
    profile = dataclasses.replace(menuiserie(), objectives=tuple(Objective))
    plan = build_plan(profile)
    assert [o.objective for o in plan.active_objectives] == list(Objective)[:3]
