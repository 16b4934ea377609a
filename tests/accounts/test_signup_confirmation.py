"""« domains » sign-up proves the address with an e-mailed, signed, expiring link (issue #11, 4).

Typing jeanne@menuiserie-martin.fr must not be enough to become her: the account exists only
once someone who reads that mailbox opens the link and chooses the password.
"""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from parvis.accounts import services
from parvis.accounts.models import User
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
DOMAIN = "menuiserie-martin.fr"
JEANNE = f"jeanne@{DOMAIN}"
PASSWORD = "copeaux-42-chene"


@pytest.fixture(autouse=True)
def _domains_mode(settings: object) -> None:
    settings.SIGNUP_MODE = "domains"  # type: ignore[attr-defined]
    settings.SIGNUP_DOMAINS = [DOMAIN]  # type: ignore[attr-defined]


def _ask(client: Client, email: str = JEANNE) -> str:
    """Post the sign-up form; return the page's card (the rest carries a per-client token)."""
    response = client.post(SIGNUP, {"email": email})
    assert response.status_code == 200
    return response.content.decode().split('<div class="card narrow">', 1)[1]


def _link_path() -> str:
    """The path (with its token) of the confirmation link in the last e-mail."""
    url = next(line for line in mail.outbox[-1].body.splitlines() if "token=" in line)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _confirm(client: Client, path: str, full_name: str = "Jeanne") -> int:
    response = client.post(path, {"full_name": full_name, "password": PASSWORD})
    return response.status_code


def test_no_account_exists_before_the_link_is_opened(cast: Cast) -> None:
    page = _ask(Client())
    assert "Vérifiez votre boîte mail" in page
    assert not User.objects.filter(email=JEANNE).exists()
    assert [message.to for message in mail.outbox] == [[JEANNE]]
    assert "?token=" in mail.outbox[0].body
    assert "Le lien fonctionne 2 jours." in mail.outbox[0].body


def test_the_link_creates_the_account_and_logs_in(cast: Cast) -> None:
    _ask(Client())
    path = _link_path()
    reader = Client()
    form = reader.get(path)
    assert form.status_code == 200
    assert JEANNE in form.content.decode()  # the proven address, not editable
    # The e-mail field of the form is ignored: the account gets the address the link proves.
    response = reader.post(
        path, {"full_name": "Jeanne", "password": PASSWORD, "email": "mallory@evil.example"}
    )
    assert response["Location"] == reverse("accounts:organisation_create")
    jeanne = User.objects.get(email=JEANNE)
    assert jeanne.check_password(PASSWORD)
    assert reader.session["_auth_user_id"] == str(jeanne.pk)
    assert not User.objects.filter(email="mallory@evil.example").exists()


def test_opening_the_link_alone_creates_nothing(cast: Cast) -> None:
    """Mail scanners fetch links: only the form posted from the link creates the account."""
    _ask(Client())
    assert Client().get(_link_path()).status_code == 200
    assert not User.objects.filter(email=JEANNE).exists()


def test_a_second_click_creates_no_second_account(cast: Cast) -> None:
    _ask(Client())
    path = _link_path()
    assert _confirm(Client(), path) == 302
    for attempt in (Client().get(path), Client().post(path, {"password": "autre-mot-9-pin"})):
        assert attempt.status_code == 409
        assert "Cette adresse a déjà un compte" in attempt.content.decode()
    assert User.objects.filter(email=JEANNE).count() == 1
    assert User.objects.get(email=JEANNE).check_password(PASSWORD)


def test_two_clicks_at_once_create_one_account(cast: Cast) -> None:
    """Both pass the page's check; the unique address decides, the second gets None."""
    first = services.user_sign_up_confirmed(email=JEANNE, password=PASSWORD)
    second = services.user_sign_up_confirmed(email=JEANNE, password="autre-mot-9-pin")
    assert first is not None and second is None
    assert User.objects.filter(email=JEANNE).count() == 1


def test_a_tampered_link_is_refused_with_a_clear_message(cast: Cast) -> None:
    _ask(Client())
    path = _link_path()
    forged_token = signing.dumps({"email": "mallory@" + DOMAIN}, salt="another-salt")
    for bad in (
        path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"),
        f"{SIGNUP}?token={forged_token}",
        f"{SIGNUP}?token=",
        f"{SIGNUP}?token=%00",
    ):
        response = Client().post(bad, {"full_name": "M", "password": PASSWORD})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Ce lien de confirmation n’est pas valide" in page
        assert "Inscrivez-vous à nouveau pour recevoir un nouveau lien." in page
    assert User.objects.count() == 3  # the cast only


def test_an_expired_link_is_refused_with_a_clear_message(cast: Cast) -> None:
    age = (services.SIGNUP_LINK_MAX_AGE + timedelta(minutes=1)).total_seconds()
    signed_long_ago = signing.b62_encode(int(time.time() - age))
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=signed_long_ago):
        url = services.signup_link_url(email=JEANNE)
    path = url.split("127.0.0.1:8000", 1)[1]
    response = Client().post(path, {"full_name": "Jeanne", "password": PASSWORD})
    assert response.status_code == 400
    assert "Ce lien de confirmation a expiré" in response.content.decode()
    assert not User.objects.filter(email=JEANNE).exists()
    # The same link a minute younger than the limit still works.
    with mock.patch.object(
        signing.TimestampSigner,
        "timestamp",
        return_value=signing.b62_encode(int(time.time() - age + 120)),
    ):
        url = services.signup_link_url(email=JEANNE)
    assert _confirm(Client(), url.split("127.0.0.1:8000", 1)[1]) == 302


def test_an_address_already_registered_gets_the_same_answer(cast: Cast) -> None:
    """No account enumeration: the page is the same; the mailbox owner is told to log in."""
    User.objects.create_user(f"paul@{DOMAIN}", "password")
    new_page = _ask(Client(), JEANNE)
    known_page = _ask(Client(), f"paul@{DOMAIN}")
    assert known_page.replace("paul", "jeanne") == new_page
    reminder = mail.outbox[-1]
    assert reminder.to == [f"paul@{DOMAIN}"]
    assert "token=" not in reminder.body
    assert reverse("accounts:password_reset") in reminder.body


def test_other_domains_are_still_refused_before_any_mail(cast: Cast) -> None:
    page = _ask(Client(), "jeanne@evil.example")
    assert "réservée aux adresses de menuiserie-martin.fr" in page
    assert mail.outbox == []


def test_a_link_stops_working_when_sign_up_is_closed_meanwhile(
    cast: Cast, settings: object
) -> None:
    _ask(Client())
    path = _link_path()
    settings.SIGNUP_MODE = "invitation"  # type: ignore[attr-defined]
    assert _confirm(Client(), path) == 403
    assert not User.objects.filter(email=JEANNE).exists()


def test_confirmation_mails_are_throttled_like_password_resets(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="203.0.113.66")
    pages = {_ask(client) for _ in range(8)}
    assert len(pages) == 1  # the same answer throughout
    assert len(mail.outbox) == 5  # PASSWORD_RESET_RATE_LIMIT per (address, e-mail)
    _ask(Client(REMOTE_ADDR="198.51.100.10"))
    assert len(mail.outbox) == 6


def test_open_sign_up_stays_immediate(cast: Cast, settings: object) -> None:
    settings.SIGNUP_MODE = "open"  # type: ignore[attr-defined]
    response = Client().post(SIGNUP, {"full_name": "J", "email": JEANNE, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:organisation_create")
    assert User.objects.filter(email=JEANNE).exists()
    assert mail.outbox == []
