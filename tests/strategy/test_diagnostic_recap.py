"""A diagnostic that is hard to get wrong: a recap on resume, nothing filled in for the user,
durations as people type them, comparisons with the closest population, cited."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from parvis.strategy.models import Diagnostic
from tests.conftest import Cast
from tests.strategy.conftest import make_plan

NB = "\u00a0"


def _url(cast: Cast, name: str = "strategy:diagnostic") -> str:
    return reverse(name, args=[cast.org.slug])


def _start(client: Client, cast: Cast) -> None:
    assert client.post(_url(cast, "strategy:diagnostic_start")).status_code == 302


def _means(**extra: str) -> dict[str, str]:
    return {"step": "means", "action": "next", "publishers": "leader", "trained": "no",
            "budget": "under_1k", **extra}  # fmt: skip


def test_a_duration_is_read_as_typed_and_shown_back(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    _start(client, cast)
    for typed, minutes in (("1 h 30", 90), ("3h", 180), ("90 min", 90), ("2", 120)):
        response = client.post(_url(cast), _means(minutes_per_week=typed))
        assert response.status_code == 302, typed
        assert Diagnostic.objects.get(organisation=cast.org).answers["minutes_per_week"] == minutes
    page = client.get(_url(cast) + "?step=means").content.decode()
    assert f'value="2{NB}h"' in page  # the last answer, written back as a duration


def test_a_duration_that_cannot_be_read_keeps_the_text_and_says_why(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    _start(client, cast)
    response = client.post(_url(cast), _means(minutes_per_week="trois heures"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="trois heures"' in page  # nothing typed is lost
    assert f"Indiquez une durée, par exemple «{NB}3{NB}h{NB}»" in page
    answers = Diagnostic.objects.get(organisation=cast.org).answers
    assert "minutes_per_week" not in answers and answers["budget"] == "under_1k"

    # A number alone is hours: 90 is more than a week allows, and the message says how to
    # write minutes.
    page = client.post(_url(cast), _means(minutes_per_week="90")).content.decode()
    assert 'value="90"' in page and f"«{NB}90{NB}min{NB}»" in page


def test_nothing_is_filled_in_that_the_user_did_not_answer(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    _start(client, cast)
    for step in ("company", "presence", "means", "objectives", "dialogue", "content"):
        page = client.get(_url(cast) + f"?step={step}").content.decode()
        assert " checked" not in page, step
        assert " selected" not in page, step
        values = re.findall(r'<input type="text"[^>]*value="([^"]*)"', page)
        assert all(v == "" for v in values), (step, values)


def test_resuming_shows_a_recap_of_the_answers_each_with_a_link_to_change_it(
    cast: Cast,
) -> None:
    client = cast.client_for(cast.alice)
    _start(client, cast)
    company = {"headcount": "0-9", "sector": "retail", "b2b_share": "5", "website": "none"}
    client.post(_url(cast), {"step": "company", "action": "next", **company})
    client.post(_url(cast), _means(minutes_per_week="3 h", action="later"))

    page = client.get(_url(cast))
    body = page.content.decode()
    assert page.templates[0].name == "strategy/diagnostic_recap.html"
    assert "Moins de 10 personnes" in body and "Commerce de détail" in body
    assert f"5{NB}%" in body and f"3{NB}h{NB}par semaine" in body
    assert body.count("Modifier") == 8  # four company answers, four means answers
    assert 'href="?step=means#q-minutes_per_week"' in body
    # The presence step was never opened: its questions are shown unanswered, not guessed.
    presence = body[body.index('id="recap-presence"') : body.index('id="recap-means"')]
    assert "Modifier" not in presence and "Pas encore de réponse" in presence
    assert 'href="?step=presence"' in body  # resume where it stopped


def test_a_very_small_company_is_compared_with_very_small_companies(cast: Cast) -> None:
    make_plan(cast, headcount="0-9", sector="retail")
    client = cast.client_for(cast.alice)
    response = client.get(_url(cast, "strategy:result"))
    first = response.context["comparisons"][0]
    assert first["figures"][0]["id"] == "fr_micro_sm_2022"
    body = response.content.decode()
    assert "microentreprises françaises (moins de 10 salariés) connectées à internet, 2022" in body
    # Every comparison shown names its population and year.
    for comparison in response.context["comparisons"]:
        for figure in comparison["figures"]:
            assert f", {figure['data_year']}" in body


def test_a_larger_company_keeps_the_study_population(cast: Cast) -> None:
    make_plan(cast, headcount="50-249")
    response = cast.client_for(cast.alice).get(_url(cast, "strategy:result"))
    ids = [c["figures"][0]["id"] for c in response.context["comparisons"]]
    assert not any(i.startswith("fr_micro") for i in ids)
    assert "PME et ETI françaises" in response.content.decode()
