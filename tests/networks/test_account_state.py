"""Bad answers from a network become a typed error, the account's state, and a clear message
on the page — never a crash. Real HTTP: mastodon-mock, and a stub server for broken answers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.models import AuditEvent
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, RateLimited, Transient
from parvis.networks.mastodon.signin import account_info as mastodon_account_info
from parvis.networks.models import SocialAccount
from parvis.networks.services import account_record_error, account_record_success
from tests.conftest import Cast
from tests.peers.mastodon import MastodonPeer

pytestmark = pytest.mark.django_db

ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/html/api/v1/accounts/verify_credentials": (
        502,
        {"Content-Type": "text/html"},
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    ),
    "/busy/api/v1/accounts/verify_credentials": (
        429,
        {"Retry-After": "3600", "Content-Type": "application/json"},
        b'{"error": "Too many requests"}',
    ),
    "/cut/api/v1/accounts/verify_credentials": (
        200,
        {"Content-Type": "application/json"},
        b'{"id": "1", "username": "trunc',
    ),
    "/huge/api/v1/accounts/verify_credentials": (
        200,
        {"Content-Type": "application/json"},
        b'{"id": "1", "note": "' + b"x" * (10 * 1024 * 1024) + b'"}',
    ),
    "/changed/api/v1/accounts/verify_credentials": (
        200,
        {"Content-Type": "application/json"},
        b'{"id": "1", "acct": "renamed"}',
    ),
}


class _Stub(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        status, headers, body = ANSWERS[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _account(cast: Cast, base_url: str, token: str = "tok") -> SocialAccount:  # noqa: S107
    return SocialAccount.objects.create(
        organisation=cast.org,
        kind="mastodon",
        remote_id="1",
        handle="@menuiserie@example.org",
        api_base_url=base_url,
        access_token=token,
    )


def _probe(account: SocialAccount) -> ConnectorError:
    with httpx.Client() as http, pytest.raises(ConnectorError) as caught:
        mastodon_account_info(http, account.api_base_url, TokenSet(account.access_token))
    return caught.value


def _page(client: Client, cast: Cast) -> str:
    return client.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()


def test_a_revoked_token_asks_for_reconnection(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer
) -> None:
    account = _account(cast, mastodon_peer.base_url, token="revoked-token-value")
    error = _probe(account)
    assert isinstance(error, AuthExpired)
    message = account_record_error(account=account, error=error)
    assert "reconnect" in message.lower()

    account.refresh_from_db()
    assert account.status == SocialAccount.Status.RECONNECT and account.last_error == message
    assert AuditEvent.objects.filter(action="social_account.must_reconnect").count() == 1
    page = _page(alice, cast)
    assert 'data-state="reconnect"' in page and "Must be reconnected" in page
    assert ">Reconnect<" in page
    assert "revoked-token-value" not in page


def test_a_429_shows_rate_limited_until_in_the_organisation_time_zone(
    cast: Cast, alice: Client, stub: str
) -> None:
    cast.org.timezone = "Pacific/Auckland"
    cast.org.save(update_fields=["timezone"])
    account = _account(cast, stub + "/busy")
    error = _probe(account)
    assert isinstance(error, RateLimited)
    account_record_error(account=account, error=error)

    account.refresh_from_db()
    assert account.rate_limited_until == error.retry_at
    assert account.status == SocialAccount.Status.CONNECTED and not account.last_error
    local = error.retry_at.astimezone(ZoneInfo("Pacific/Auckland")).strftime("%H:%M")
    assert local != error.retry_at.strftime("%H:%M")
    page = _page(alice, cast)
    assert 'data-state="rate_limited"' in page
    assert f"Rate-limited until {local}" in page


@pytest.mark.parametrize("path", ["/html", "/cut", "/huge", "/changed"])
def test_garbage_answers_become_a_french_last_error(
    cast: Cast, alice: Client, stub: str, path: str
) -> None:
    account = _account(cast, stub + path)
    error = _probe(account)
    assert isinstance(error, Transient)
    account_record_error(account=account, error=error)

    account.refresh_from_db()
    assert account.status == SocialAccount.Status.CONNECTED
    assert account.last_error == error.user_message and "momentanément" in account.last_error
    page = _page(alice, cast)
    assert 'data-state="error"' in page and "Last call failed" in page

    account_record_success(account=account)
    account.refresh_from_db()
    assert not account.last_error and 'data-state="connected"' in _page(alice, cast)


def test_expiry_forecast_for_tokens_that_cannot_be_refreshed(cast: Cast, alice: Client) -> None:
    # LinkedIn: 60-day access token, no refresh. Meta: a long-lived token, likewise.
    account = _account(cast, "https://example.org")
    account.kind, account.remote_id = "linkedin", "urn:li:person:1"
    account.token_expires_at = timezone.now() + timedelta(days=59, hours=1)
    account.save()
    assert "connection valid for 59 more days" in _page(alice, cast)
    account.token_expires_at = timezone.now() + timedelta(days=3, hours=1)
    account.save()
    page = _page(alice, cast)
    assert 'data-state="expiring"' in page and "Expires in 3 days" in page
    account.token_expires_at = timezone.now() - timedelta(minutes=1)
    account.save()
    assert 'data-state="reconnect"' in _page(alice, cast)
