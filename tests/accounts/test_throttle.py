"""Log-in and password-reset throttling, tried as an attacker would (issue #11, item 2).

Addresses come from the documentation ranges: the attacker is 203.0.113.66, Alice's office is
198.51.100.10, the reverse proxy is 10.0.0.1.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"
PROXY = "10.0.0.1"
LOGIN = "/accounts/login/"


def _log_in(client: Client, password: str, email: str = "alice@example.org", **extra: str) -> int:
    response = client.post(LOGIN, {"username": email, "password": password}, **extra)  # type: ignore[arg-type]
    return response.status_code


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_strangers_50_failures_from_another_address_do_not_stop_alice(cast: Cast) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(50):
        _log_in(attacker, "guess")
    assert _log_in(attacker, "password") == 429  # the attacker's address is paused...
    assert not _logged_in(attacker)
    alice = Client(REMOTE_ADDR=OFFICE)
    assert _log_in(alice, "password") == 302  # ...Alice, elsewhere, is not
    assert _logged_in(alice)


def test_past_the_limit_the_address_is_refused_even_with_the_right_password(
    cast: Cast, settings: object
) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR=ATTACKER)
    assert [_log_in(client, "guess") for _ in range(3)] == [200, 200, 429]
    response = client.post(LOGIN, {"username": "alice@example.org", "password": "password"})
    assert response.status_code == 429
    assert "Trop de tentatives échouées. Réessayez dans 15 minutes" in response.content.decode()
    assert not _logged_in(client)


def test_one_address_trying_many_accounts_is_paused_for_all_of_them(
    cast: Cast, settings: object
) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 6  # type: ignore[attr-defined]
    sprayer = Client(REMOTE_ADDR=ATTACKER)
    for email in ("alice@example.org", "charlie@example.org"):
        assert [_log_in(sprayer, "guess", email) for _ in range(2)] == [200, 200]
    # The sixth failure, never a third for one account, pauses the address as a whole.
    assert [_log_in(sprayer, "guess", "nobody@example.org") for _ in range(2)] == [200, 429]
    assert _log_in(sprayer, "password", "bob@example.org") == 429
    assert _log_in(Client(REMOTE_ADDR=OFFICE), "password", "bob@example.org") == 302


def test_forwarded_for_from_an_untrusted_peer_is_ignored(cast: Cast, settings: object) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    settings.TRUSTED_PROXIES = []  # type: ignore[attr-defined]
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(3):
        # A new made-up address each time: it must not buy new attempts.
        _log_in(attacker, "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _log_in(attacker, "password", HTTP_X_FORWARDED_FOR="192.0.2.99") == 429


def test_forwarded_for_from_a_trusted_proxy_is_honoured(cast: Cast, settings: object) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]  # type: ignore[attr-defined]
    # Everyone arrives through the proxy: only the header tells the attacker from Alice.
    attacker = Client(REMOTE_ADDR=PROXY)
    for _ in range(3):
        _log_in(attacker, "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")
    assert _log_in(attacker, "password", HTTP_X_FORWARDED_FOR=ATTACKER) == 429
    alice = Client(REMOTE_ADDR=PROXY)
    assert _log_in(alice, "password", HTTP_X_FORWARDED_FOR=OFFICE) == 302


def test_logging_in_to_ones_own_account_does_not_wipe_the_address_count(
    cast: Cast, settings: object
) -> None:
    """An attacker with an account of their own (Bob's) logs in between guesses."""
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 4  # type: ignore[attr-defined]
    for email in ("alice@example.org", "charlie@example.org"):
        assert _log_in(Client(REMOTE_ADDR=ATTACKER), "guess", email) == 200
    assert _log_in(Client(REMOTE_ADDR=ATTACKER), "guess", "alice@example.org") == 200
    assert _log_in(Client(REMOTE_ADDR=ATTACKER), "password", "bob@example.org") == 302
    # Alice's pair count (2) and the address count (3) survived Bob's success.
    assert _log_in(Client(REMOTE_ADDR=ATTACKER), "guess", "charlie@example.org") == 429
    assert _log_in(Client(REMOTE_ADDR=ATTACKER), "password", "bob@example.org") == 429


def test_a_success_forgets_that_accounts_failures_from_that_address(
    cast: Cast, settings: object
) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    alice = Client(REMOTE_ADDR=OFFICE)
    assert [_log_in(alice, "typo") for _ in range(2)] == [200, 200]
    assert _log_in(alice, "password") == 302
    alice = Client(REMOTE_ADDR=OFFICE)
    assert [_log_in(alice, "typo") for _ in range(2)] == [200, 200]
    assert _log_in(alice, "password") == 302


def _reset_password(client: Client, new_password: str) -> None:
    mail.outbox.clear()
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302


def test_a_completed_password_reset_lifts_the_pause(cast: Cast, settings: object) -> None:
    settings.LOGIN_RATE_LIMIT = 3  # type: ignore[attr-defined]
    shared = Client(REMOTE_ADDR=ATTACKER)  # e.g. a café's address Alice shares with a stranger
    for _ in range(3):
        _log_in(shared, "guess")
    assert _log_in(shared, "password") == 429
    _reset_password(Client(REMOTE_ADDR=OFFICE), "sciure-et-rabot-77")
    assert _log_in(Client(REMOTE_ADDR=ATTACKER), "sciure-et-rabot-77") == 302


def test_the_sixth_reset_request_from_one_address_sends_no_mail(cast: Cast) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    url = reverse("accounts:password_reset")
    done = reverse("accounts:password_reset_done")
    for _ in range(5):
        assert client.post(url, {"email": "alice@example.org"})["Location"] == done
    assert len(mail.outbox) == 5
    # The same neutral answer, and nothing leaves, whatever the spelling of the address.
    assert client.post(url, {"email": "Alice@example.org"})["Location"] == done
    assert len(mail.outbox) == 5
    # The count is per (e-mail, address): the same address may still ask for another e-mail.
    assert client.post(url, {"email": "bob@example.org"})["Location"] == done
    assert len(mail.outbox) == 6


def test_a_strangers_reset_requests_do_not_stop_alices_own(cast: Cast) -> None:
    """Reset is the way out of a log-in pause: a stranger must not be able to close it."""
    url = reverse("accounts:password_reset")
    stranger = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(50):
        stranger.post(url, {"email": "alice@example.org"})
    mail.outbox.clear()
    response = Client(REMOTE_ADDR=OFFICE).post(url, {"email": "alice@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_high_per_email_cap_stops_mail_bombing_from_many_addresses(
    cast: Cast, settings: object
) -> None:
    # The default is high enough that one stranger's address cannot reach it alone.
    assert settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL >= 20  # type: ignore[attr-defined]
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 8  # type: ignore[attr-defined]
    url = reverse("accounts:password_reset")
    for n in range(4):  # four addresses, each past its own pair limit of 5
        for _ in range(7):
            Client(REMOTE_ADDR=f"203.0.113.{n}").post(url, {"email": "alice@example.org"})
    # Only requests within their pair limit counted against the e-mail, up to its cap.
    assert len(mail.outbox) == 8
    Client(REMOTE_ADDR=OFFICE).post(url, {"email": "alice@example.org"})
    assert len(mail.outbox) == 8


def test_reset_requests_are_limited_per_address_too(cast: Cast, settings: object) -> None:
    settings.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = 3  # type: ignore[attr-defined]
    url = reverse("accounts:password_reset")
    done = reverse("accounts:password_reset_done")
    client = Client(REMOTE_ADDR=ATTACKER)
    for n in range(3):
        # Unknown addresses count too, and get the same answer as known ones.
        assert client.post(url, {"email": f"nobody{n}@example.org"})["Location"] == done
    assert client.post(url, {"email": "alice@example.org"})["Location"] == done
    assert len(mail.outbox) == 0
    Client(REMOTE_ADDR=OFFICE).post(url, {"email": "alice@example.org"})
    assert len(mail.outbox) == 1


def test_odd_log_in_input_is_refused_cleanly(cast: Cast, settings: object) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1"]  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR=PROXY, HTTP_USER_AGENT="x" * 5000)
    for username in ("alice\x00@example.org", "a" * 300 + "@example.org", "", " "):
        response = client.post(LOGIN, {"username": username, "password": "guess\x00"})
        assert response.status_code == 200
    forwarded = ", ".join(["not-an-ip"] * 500 + ["198.51.100.10"])
    assert _log_in(client, "guess", HTTP_X_FORWARDED_FOR=forwarded) == 200
    assert _log_in(client, "password", HTTP_X_FORWARDED_FOR=forwarded) == 302
