from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

from parvis.strategy.engine.choices import SelfActivity, Tempo
from parvis.strategy.engine.figures import Statement, default_figures
from parvis.strategy.engine.placement import (
    QUADRANT_LABELS,
    Quadrant,
    place_company,
    quadrant_of,
)
from parvis.strategy.engine.profile import CompanyProfile
from tests.strategy.engine.factories import grid, menuiserie, profiles

# A number as each language writes it: "10 000" and "60,9" in French, "10,000" and "60.9" in
# English.
NUMBERS = {"fr": re.compile(r"\d(?:[\d\u202f,]*\d)?"), "en": re.compile(r"\d(?:[\d,.]*\d)?")}


@pytest.mark.parametrize(
    ("tempo", "activity", "quadrant"),
    [
        (Tempo.LATE, SelfActivity.INACTIVE, Quadrant.DORMANT),
        (Tempo.LATE, SelfActivity.LOW, Quadrant.DORMANT),
        (Tempo.LATE, SelfActivity.ACTIVE, Quadrant.CATCHING_UP),
        (Tempo.LATE, SelfActivity.VERY_ACTIVE, Quadrant.CATCHING_UP),
        (Tempo.ON_TIME, SelfActivity.INACTIVE, Quadrant.OVER_CONFIDENT),
        (Tempo.AHEAD, SelfActivity.LOW, Quadrant.OVER_CONFIDENT),
        (Tempo.ON_TIME, SelfActivity.ACTIVE, Quadrant.LEADING),
        (Tempo.AHEAD, SelfActivity.VERY_ACTIVE, Quadrant.LEADING),
    ],
)
def test_two_by_two(tempo: Tempo, activity: SelfActivity, quadrant: Quadrant) -> None:
    assert quadrant_of(tempo, activity) is quadrant


def test_labels_are_neutral_not_the_study_names() -> None:
    forbidden = ("masse", "silencieuse", "désinvolte", "combative", "pionni")
    for label in QUADRANT_LABELS.values():
        assert not any(word in label.fr.lower() for word in forbidden), label
    # Nor their English translations.
    forbidden_en = ("silent", "majority", "casual", "fighter", "pioneer")
    for label in QUADRANT_LABELS.values():
        assert not any(word in label.en.lower() for word in forbidden_en), label


def test_distribution_comes_from_figures_and_sums_to_100() -> None:
    placement = place_company(menuiserie())
    shares = [s.statement.figures[0].value for s in placement.distribution]
    assert shares == [44, 19, 9, 28]
    assert sum(shares) == 100
    assert placement.attribution.fr == "D’après Bpifrance Le Lab (2018)"


def _numbers_are_sourced(statement: Statement) -> bool:
    """In each language, every number in the text is a figure's value, a figure's year, or
    part of its wording."""
    for language, pattern in NUMBERS.items():
        allowed = " ".join(
            f"{f.sentence.get(language)} {f.formatted.get(language)} {f.data_year}"
            for f in statement.figures
        )
        if not all(n in allowed for n in pattern.findall(statement.text.get(language))):
            return False
    return True


@settings(max_examples=80, deadline=None)
@given(profiles)
def test_every_comparison_shows_a_source(profile: CompanyProfile) -> None:
    placement = place_company(profile)
    assert placement.comparisons
    for statement in placement.comparisons + (placement.share,):
        assert statement.figures, statement.text
        assert statement.sources
        assert _numbers_are_sourced(statement), statement.text
    for warning in placement.warnings:
        assert _numbers_are_sourced(warning), warning.text


def test_over_confident_gets_a_warning() -> None:
    placement = place_company(menuiserie(tempo="on_time", self_activity="low"))
    assert placement.quadrant is Quadrant.OVER_CONFIDENT
    assert any("Attention" in w.text.fr for w in placement.warnings)
    assert any("Watch out" in w.text.en for w in placement.warnings)
    assert placement.warnings[0].figures[0].id == "bpi_typ_overconfident"


def test_dormant_gets_a_warning() -> None:
    placement = place_company(menuiserie(tempo="late", self_activity="inactive"))
    assert placement.quadrant is Quadrant.DORMANT
    assert placement.warnings[0].figures[0].id == "bpi_typ_dormant"


def test_self_rating_contradicted_by_declared_cadence() -> None:
    placement = place_company(menuiserie(tempo="ahead", self_activity="very_active"))
    assert placement.quadrant is Quadrant.LEADING
    assert any("aucun compte ne publie chaque semaine" in w.text.fr for w in placement.warnings)
    assert not place_company(
        menuiserie(tempo="ahead", self_activity="very_active", networks=grid(facebook="weekly"))
    ).warnings


def test_comme_sentence_for_a_company_with_an_account() -> None:
    first = place_company(menuiserie()).comparisons[0]
    assert first.text.fr.startswith("Comme 70\u00a0% des PME-ETI interrogées")
    assert first.text.en.startswith("Like 70% of the SMEs and mid-caps surveyed")
    assert first.figures[0].id == "bpi_present_any"


def test_company_without_account_is_told_the_plan_starts_from_zero() -> None:
    first = place_company(menuiserie(networks=grid())).comparisons[0]
    assert first.text.fr.startswith("Contrairement à 70\u00a0%")
    assert "part de zéro" in first.text.fr
    assert "starts from zero" in first.text.en


def test_micro_hospitality_is_compared_with_its_own_sector() -> None:
    placement = place_company(menuiserie(headcount="0-9", sector="hospitality"))
    ids = {f.id for s in placement.comparisons for f in s.figures}
    assert "fr_micro_sm_hcr_2022" in ids
    assert "fr_sm_any_2023" not in ids


def test_obstacles_are_compared() -> None:
    placement = place_company(menuiserie(obstacles=["time", "skills", "not_priority"]))
    ids = {f.id for s in placement.comparisons for f in s.figures}
    assert {"bpi_obst_time", "bpi_obst_skills", "bpi_not_priority"} <= ids


def test_figures_shown_are_all_shippable() -> None:
    book = default_figures()
    placement = place_company(menuiserie(budget="zero", reply_habit="never"))
    for statement in placement.comparisons:
        for fig in statement.figures:
            assert book[fig.id] is fig
