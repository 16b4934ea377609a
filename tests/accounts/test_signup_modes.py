"""Who may create an account: open, by invitation, or for some e-mail domains (issue #11, 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts import services
from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from tests.conftest import Cast

SIGNUP = "/accounts/signup/"
NEW_PERSON = {"full_name": "Jeanne", "email": "jeanne@example.org", "password": "copeaux-42-chene"}


def _settings_value(tmp_path: Path, name: str, **env: str) -> str:
    """Import the settings in a fresh interpreter with ``env`` and print one value."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARVIS_")}
    clean.update({"PARVIS_VAR_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import parvis.settings as s; print(s.{name})"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return (result.stdout + result.stderr).strip()


def test_sign_up_is_by_invitation_by_default_in_production(tmp_path: Path) -> None:
    production = {"PARVIS_PRODUCTION": "1", "PARVIS_SECRET_KEY": "s" * 50}
    production["PARVIS_ENCRYPTION_KEYS"] = "k" * 44
    assert _settings_value(tmp_path, "SIGNUP_MODE", **production) == "invitation"
    assert _settings_value(tmp_path, "SIGNUP_MODE") == "open"
    # The older setting keeps working.
    assert _settings_value(tmp_path, "SIGNUP_MODE", PARVIS_SIGNUP_OPEN="0") == "invitation"
    assert _settings_value(tmp_path, "SIGNUP_MODE", PARVIS_SIGNUP_OPEN="1", **production) == "open"


def test_bad_sign_up_settings_are_named(tmp_path: Path) -> None:
    assert "PARVIS_SIGNUP='everyone' is not valid" in _settings_value(
        tmp_path, "SIGNUP_MODE", PARVIS_SIGNUP="everyone"
    )
    assert "needs PARVIS_SIGNUP_DOMAINS" in _settings_value(
        tmp_path, "SIGNUP_MODE", PARVIS_SIGNUP="domains"
    )
    assert _settings_value(
        tmp_path,
        "SIGNUP_DOMAINS",
        PARVIS_SIGNUP="domains",
        PARVIS_SIGNUP_DOMAINS="@Martin.fr, a.fr",
    ) == str(["martin.fr", "a.fr"])


@pytest.mark.django_db
def test_closed_sign_up_says_how_to_get_in(cast: Cast, settings: object) -> None:
    settings.SIGNUP_MODE = "invitation"  # type: ignore[attr-defined]
    response = Client().get(SIGNUP)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Inscription sur invitation" in page
    assert "demandez à un propriétaire ou à un responsable de votre organisation" in page
    assert Client().post(SIGNUP, NEW_PERSON).status_code == 403
    assert not User.objects.filter(email="jeanne@example.org").exists()
    # The log-in page offers no dead-end link.
    login = Client().get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:signup") not in login
    assert "Demandez à un membre de votre organisation de vous inviter" in login


@pytest.mark.django_db
def test_the_first_account_of_a_fresh_embedded_install_may_always_be_created(
    settings: object,
) -> None:
    settings.PRODUCTION = False  # type: ignore[attr-defined]
    settings.SIGNUP_MODE = "invitation"  # type: ignore[attr-defined]
    assert Client().get("/")["Location"] == reverse("accounts:signup")
    assert Client().get(SIGNUP).status_code == 200
    response = Client().post(SIGNUP, NEW_PERSON)
    assert response["Location"] == reverse("accounts:organisation_create")
    # From then on, the setting applies.
    other = dict(NEW_PERSON, email="second@example.org")
    assert Client().post(SIGNUP, other).status_code == 403
    assert not User.objects.filter(email="second@example.org").exists()


@pytest.mark.django_db
def test_a_fresh_production_install_is_not_open_to_whoever_comes_first(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    settings.SIGNUP_MODE = "invitation"  # type: ignore[attr-defined]
    response = Client().get(SIGNUP)
    assert response.status_code == 403
    page = response.content.decode()
    # The operator is told how to create the first account.
    assert "<code>parvis createsuperuser</code>" in page
    assert "ce serveur n’a encore aucun compte" in page
    assert Client().post(SIGNUP, NEW_PERSON).status_code == 403
    assert not User.objects.exists()
    # Once someone exists, the closed page no longer speaks to the operator.
    User.objects.create_superuser("admin@example.org", "password")
    assert "createsuperuser" not in Client().get(SIGNUP).content.decode()


@pytest.mark.django_db
def test_the_production_first_user_rule_keeps_a_configured_open_sign_up(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    settings.SIGNUP_MODE = "open"  # type: ignore[attr-defined]
    response = Client().post(SIGNUP, NEW_PERSON)
    assert response["Location"] == reverse("accounts:organisation_create")


@pytest.mark.django_db
def test_domain_sign_up_accepts_only_the_listed_domains(cast: Cast, settings: object) -> None:
    settings.SIGNUP_MODE = "domains"  # type: ignore[attr-defined]
    settings.SIGNUP_DOMAINS = ["menuiserie-martin.fr"]  # type: ignore[attr-defined]
    page = Client().get(SIGNUP).content.decode()
    assert "réservée aux adresses de menuiserie-martin.fr" in page
    response = Client().post(SIGNUP, NEW_PERSON)
    assert response.status_code == 200
    assert "Sur ce serveur, l’inscription est réservée aux adresses de" in response.content.decode()
    assert not User.objects.filter(email="jeanne@example.org").exists()
    # A look-alike domain is not the domain.
    fake = dict(NEW_PERSON, email="jeanne@evil-menuiserie-martin.fr")
    assert Client().post(SIGNUP, fake).status_code == 200
    # A listed domain gets the confirmation e-mail, not yet an account
    # (tests/accounts/test_signup_confirmation.py follows the link).
    good = dict(NEW_PERSON, email="Jeanne@Menuiserie-Martin.fr")
    response = Client().post(SIGNUP, good)
    assert response.status_code == 200
    assert "Vérifiez votre boîte mail" in response.content.decode()
    assert not User.objects.filter(email="jeanne@menuiserie-martin.fr").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["invitation", "domains"])
def test_an_invitation_lets_a_new_person_in_whatever_the_mode(
    cast: Cast, settings: object, mode: str
) -> None:
    settings.SIGNUP_MODE = mode  # type: ignore[attr-defined]
    settings.SIGNUP_DOMAINS = ["menuiserie-martin.fr"]  # type: ignore[attr-defined]
    issued = services.invitation_create(
        membership=cast.alice_membership, email="dave@gmail.example", role=Role.VIEWER
    )
    path = issued.url.split("127.0.0.1:8000", 1)[1]
    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"full_name": "Dave", "password": "copeaux-42-chene"})
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": cast.org.slug})
    dave = User.objects.get(email="dave@gmail.example")
    assert Membership.objects.get(user=dave, organisation=cast.org).role == Role.VIEWER


def test_a_bad_trusted_proxy_is_named(tmp_path: Path) -> None:
    output = _settings_value(tmp_path, "TRUSTED_PROXIES", PARVIS_TRUSTED_PROXIES="proxy.local")
    assert "PARVIS_TRUSTED_PROXIES: 'proxy.local' is not an IP address or a CIDR range." in output
    good = _settings_value(tmp_path, "TRUSTED_PROXIES", PARVIS_TRUSTED_PROXIES="10.0.0.1, fd00::/8")
    assert good == str(["10.0.0.1", "fd00::/8"])
