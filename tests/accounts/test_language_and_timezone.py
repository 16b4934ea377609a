from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_french_by_default_even_for_an_english_browser() -> None:
    response = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response["Content-Language"] == "fr"
    assert "Mot de passe oublié" in response.content.decode()


def test_visitor_switches_to_english_with_a_cookie() -> None:
    client = Client()
    client.post(reverse("accounts:language_set"), {"language": "en", "next": "/accounts/login/"})
    assert "Forgot your password?" in client.get(reverse("accounts:login")).content.decode()


def test_language_is_remembered_per_user(cast: Cast) -> None:
    alice = cast.client_for(cast.alice)
    response = alice.post(
        reverse("accounts:language_set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"  # no open redirect
    cast.alice.refresh_from_db()
    assert cast.alice.language == "en"
    fresh = cast.client_for(cast.alice)  # another browser, no cookie
    page = fresh.get(reverse("web:dashboard", kwargs={"org": cast.org.slug})).content.decode()
    assert "Your team" in page
    bob_page = cast.client_for(cast.bob).get(
        reverse("web:dashboard", kwargs={"org": cast.org.slug})
    )
    assert "Votre équipe" in bob_page.content.decode()


def test_organisation_time_zone_and_french_formats(cast: Cast) -> None:
    moment = datetime(2026, 7, 14, 12, 30, tzinfo=UTC)
    with translation.override("fr"), timezone.override(cast.org.tzinfo):
        rendered = Template('{{ moment|date:"DATETIME_FORMAT" }} {{ amount }}').render(
            Context({"moment": moment, "amount": 12345.5})
        )
    assert rendered.startswith("14 juillet 2026 14:30")  # Europe/Paris is UTC+2 in July
    assert "12\xa0345,5" in rendered
