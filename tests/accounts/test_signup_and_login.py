from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import Organisation, User
from parvis.core.models import AuditEvent
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_sign_up_creates_account_and_leads_to_organisation_creation() -> None:
    client = Client()
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Jeanne Martin",
            "email": "Jeanne@Example.org",
            "password": "copeaux-de-chene-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_create")
    user = User.objects.get(email="jeanne@example.org")
    assert user.language == "fr"
    response = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Menuiserie Martin", "timezone": "Europe/Paris"},
    )
    organisation = Organisation.objects.get(name="Menuiserie Martin")
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": organisation.slug})
    assert client.get(response["Location"]).status_code == 200
    assert AuditEvent.objects.filter(
        action="organisation.created", organisation=organisation
    ).exists()


def test_invalid_sign_up_shows_french_errors_and_keeps_what_was_typed() -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {"full_name": "Jeanne Martin", "email": "pas-une-adresse", "password": "123"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in page
    assert 'value="Jeanne Martin"' in page
    assert 'value="pas-une-adresse"' in page
    assert "Ce mot de passe est trop court" in page
    assert not User.objects.exists()


def test_duplicate_email_is_refused(cast: Cast) -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {"email": "ALICE@example.org", "password": "copeaux-de-chene-42"},
    )
    assert "Un compte utilise déjà cette adresse" in response.content.decode()


def test_passwords_are_hashed_with_argon2(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # type: ignore[attr-defined]
    user = User.objects.create_user("argon@example.org", "copeaux-de-chene-42")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_log_in_and_out(cast: Cast) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.org", "password": "password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home"))["Location"] == reverse(
        "web:dashboard", kwargs={"org": cast.org.slug}
    )
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("web:dashboard", kwargs={"org": cast.org.slug})).status_code == 302


def test_repeated_failed_log_ins_are_paused(cast: Cast, settings: object) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    client = Client()
    for _ in range(2):
        response = client.post(
            reverse("accounts:login"), {"username": "alice@example.org", "password": "wrong"}
        )
        assert response.status_code == 200
        assert "Trop de tentatives" not in response.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.org", "password": "wrong"}
    )
    assert response.status_code == 429
    assert "Trop de tentatives échouées. Réessayez dans 15 minutes" in response.content.decode()
    # Even the right password is refused during the pause, with the same clear message.
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.org", "password": "password"}
    )
    assert response.status_code == 429
    assert "Trop de tentatives échouées. Réessayez dans 15 minutes" in response.content.decode()
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:login")


def test_password_reset_sends_a_working_link(cast: Cast) -> None:
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "sciure-et-rabot-77", "new_password2": "sciure-et-rabot-77"}
    )
    assert response.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.check_password("sciure-et-rabot-77")


def test_home_sends_first_visitor_to_sign_up() -> None:
    assert Client().get("/")["Location"] == reverse("accounts:signup")


def test_user_without_organisation_sees_the_empty_home_with_the_demo_button() -> None:
    user = User.objects.create_user("solo@example.org", "password")
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Découvrir la démo" in page
    assert "Créer mon organisation" in page
