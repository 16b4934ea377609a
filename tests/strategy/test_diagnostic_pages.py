"""The diagnostic as a new user meets it: steps, autosave, resume, errors, result, plan."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from parvis.strategy.models import Diagnostic, Plan
from tests.conftest import Cast
from tests.strategy.conftest import menuiserie_answers

COMPANY = {
    "headcount": "10-19",
    "sector": "building_crafts",
    "b2b_share": "30",
    "website": "showcase",
}


def _url(cast: Cast, name: str = "strategy:diagnostic") -> str:
    return reverse(name, args=[cast.org.slug])


def _start(client: Client, cast: Cast) -> None:
    response = client.post(_url(cast, "strategy:diagnostic_start"))
    assert response.status_code == 302
    assert response["Location"].endswith("?step=company")


def _post_step(client: Client, cast: Cast, step: str, data: dict[str, object], **extra: str):  # type: ignore[no-untyped-def]
    return client.post(_url(cast), {"step": step, "action": "next", **data, **extra})


def _form_data(answers: dict[str, object]) -> dict[str, object]:
    """What the browser sends for complete answers."""
    data: dict[str, object] = {}
    for key, value in answers.items():
        if key == "networks":
            data.update({f"networks__{n}": level for n, level in value.items()})  # type: ignore[attr-defined]
        elif key == "objectives":
            data.update({f"objectives_{i}": v for i, v in enumerate(value, start=1)})  # type: ignore[arg-type]
        elif isinstance(value, bool):
            data[key] = "yes" if value else "no"
        elif key == "minutes_per_week":
            data[key] = f"{value} min"  # a number alone would count in hours
        else:
            data[key] = value
    return data


def test_a_half_done_diagnostic_is_kept_and_resumes_where_it_stopped(english: Cast) -> None:
    client = english.client_for(english.alice)
    _start(client, english)
    response = _post_step(client, english, "company", COMPANY)
    assert response.status_code == 302 and response["Location"].endswith("?step=presence")

    # Pause in the middle of the second step: what was answered stays.
    response = client.post(
        _url(english),
        {"step": "presence", "action": "later", "self_activity": "low", "tempo": "late"},
    )
    assert response.status_code == 302
    diagnostic = Diagnostic.objects.get(organisation=english.org)
    assert diagnostic.answers["b2b_share"] == 30
    assert diagnostic.answers["tempo"] == "late"
    assert diagnostic.completed_at is None

    # Coming back the next day: first the answers given, then on to where it stopped.
    page = client.get(_url(english))
    assert page.status_code == 200
    assert page.context["resume_step"] == "presence"
    assert page.context["progress"].answered == 6
    assert 'href="?step=presence"' in page.content.decode()
    page = client.get(_url(english) + "?step=presence")
    assert page.context["section"].id == "presence"
    assert "progress 6/" in page.content.decode()


def test_invalid_answers_show_the_engines_message_and_valid_ones_are_kept(english: Cast) -> None:
    client = english.client_for(english.alice)
    _start(client, english)
    response = _post_step(client, english, "company", {**COMPANY, "b2b_share": "150"})
    assert response.status_code == 200 and response.context["errors"]
    body = response.content.decode()
    assert "Enter a number between 0 and 100." in body  # the engine's message, in English
    assert "Some answers need your attention" in body
    answers = Diagnostic.objects.get(organisation=english.org).answers
    assert answers["sector"] == "building_crafts"
    assert "b2b_share" not in answers

    # A required question left blank keeps the user on the step.
    response = _post_step(client, english, "company", {"headcount": "10-19"})
    assert response.status_code == 200 and response.context["errors"]
    assert "This question needs an answer." in response.content.decode()


def test_a_new_user_completes_the_diagnostic_and_gets_result_and_plan(english: Cast) -> None:
    client = english.client_for(english.alice)
    _start(client, english)
    data = _form_data(menuiserie_answers())
    for step in ("company", "presence", "means", "objectives", "dialogue"):
        response = _post_step(client, english, step, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    response = _post_step(client, english, "content", data)
    assert response["Location"] == reverse("strategy:result", args=[english.org.slug])

    diagnostic = Diagnostic.objects.get(organisation=english.org)
    assert diagnostic.completed_at is not None
    assert diagnostic.answers == menuiserie_answers()
    plan = Plan.objects.get(organisation=english.org, is_current=True)
    assert plan.minutes_per_week == 120

    result = client.get(reverse("strategy:result", args=[english.org.slug]))
    body = result.content.decode()
    assert "Your diagnostic result" in body
    # Comparison sentences carry their source, linked.
    comparisons = result.context["comparisons"]
    assert 1 <= len(comparisons) <= 5
    assert all(c["figures"] for c in comparisons)
    assert comparisons[0]["figures"][0]["url"] in body

    page = client.get(reverse("strategy:plan", args=[english.org.slug]))
    assert page.status_code == 200
    assert "Networks to leave for now" in page.content.decode()  # the sleeping LinkedIn


def test_a_contributor_cannot_take_the_diagnostic(cast: Cast) -> None:
    client = cast.client_for(cast.bob)
    assert client.get(_url(cast)).status_code == 403
    assert client.post(_url(cast, "strategy:diagnostic_start")).status_code == 403
    assert not Diagnostic.objects.filter(organisation=cast.org).exists()


def test_retaking_the_diagnostic_starts_from_the_previous_answers(english: Cast) -> None:
    from tests.strategy.conftest import make_plan

    first = make_plan(english)
    client = english.client_for(english.alice)
    _start(client, english)
    retake = Diagnostic.objects.filter(organisation=english.org, completed_at__isnull=True).get()
    assert retake.answers == first.diagnostic.answers
    data = _form_data({**menuiserie_answers(), "trained": True, "calendar": True})
    for step in ("company", "presence", "means", "objectives", "dialogue", "content"):
        assert _post_step(client, english, step, data).status_code == 302
    plans = Plan.objects.filter(organisation=english.org)
    assert plans.count() == 2 and plans.filter(is_current=True).get().diagnostic == retake
    review = client.get(reverse("strategy:review", args=[english.org.slug]))
    body = review.content.decode()
    assert "Since the previous diagnostic" in body
    assert "<polyline" in body
    changes = {c["label"]: c["delta"] for c in review.context["changes"]}
    assert changes["Means"] == 20 and changes["Regularity"] == 40


def test_the_diagnostic_speaks_each_members_language(english: Cast) -> None:
    """Alice reads English, Bob (a manager too) French: the same questions, each in theirs."""
    english.bob_membership.role = "manager"
    english.bob_membership.save()
    english.bob.language = "fr"
    english.bob.save(update_fields=["language"])
    alice, bob = english.client_for(english.alice), english.client_for(english.bob)
    _start(alice, english)
    english_page = alice.get(_url(english)).content.decode()
    french_page = bob.get(_url(english)).content.decode()
    assert "How many people work in the company?" in english_page
    assert "10 to 19 people" in english_page
    assert "Combien de personnes travaillent dans l’entreprise\u00a0?" in french_page
    assert "De 10 à 19 personnes" in french_page
    assert "How many people" not in french_page

    # The engine's errors too.
    response = _post_step(bob, english, "company", {**COMPANY, "b2b_share": "150"})
    assert "Indiquez un nombre entre 0 et 100." in response.content.decode()
