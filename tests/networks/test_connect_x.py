"""X through OAuth 2 with PKCE against the X fake (which checks the verifier), then the
periodic refresh ahead of expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.public_url import public_url
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.tasks import refresh_due_tokens_task
from parvis.networks.token_refresh import account_refresh_due_tokens, oauth_states_purge
from tests.conftest import Cast
from tests.networks.helpers import continue_url, follow_callback
from tests.peers.x_fake import XFake

pytestmark = pytest.mark.django_db


@pytest.fixture
def x_network(networks: dict[str, dict[str, Any]], x_fake: XFake) -> XFake:
    networks["x"].update(
        enabled=True,
        client_id=x_fake.client_id,
        client_secret=x_fake.client_secret,
        api_url=x_fake.url,
        auth_url=x_fake.url + "/i/oauth2/authorize",
        token_url=x_fake.url + "/2/oauth2/token",
    )
    return x_fake


def _authorize(client: Client, cast: Cast) -> str:
    url = reverse("networks:connect_oauth", kwargs={"org": cast.org.slug})
    page = client.post(url, {"network": "x"})
    assert page.status_code == 200
    answer = httpx.get(continue_url(page.content.decode()), timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def test_connect_x_then_refresh_ahead_of_expiry(
    cast: Cast, alice: Client, x_network: XFake
) -> None:
    follow_callback(alice, _authorize(alice, cast))

    account = SocialAccount.objects.get(organisation=cast.org, kind="x")
    assert account.handle == "parvis_test" and account.remote_id == x_network.me
    assert account.refresh_token and account.token_expires_at is not None
    left = account.token_expires_at - timezone.now()
    assert timedelta(hours=1, minutes=50) < left <= timedelta(hours=2)
    page = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()
    assert 'data-state="connected"' in page
    assert account.access_token not in page and account.refresh_token not in page

    # Not due yet: nothing happens. Within 30 minutes of expiry: refreshed (and rotated).
    assert account_refresh_due_tokens().refreshed == 0
    later = account.token_expires_at - timedelta(minutes=20)
    x_network.advance((later - timezone.now()).total_seconds())
    report = account_refresh_due_tokens(now=later)
    assert (report.refreshed, report.failed) == (1, 0)
    fresh = SocialAccount.objects.get(pk=account.pk)
    assert fresh.access_token != account.access_token
    assert fresh.refresh_token != account.refresh_token
    assert fresh.token_expires_at > account.token_expires_at

    # A second run (or a concurrent one that lost the race) finds nothing due any more.
    assert account_refresh_due_tokens().refreshed == 0


def test_a_refused_refresh_flags_the_account_for_reconnection(
    cast: Cast, alice: Client, x_network: XFake
) -> None:
    follow_callback(alice, _authorize(alice, cast))
    account = SocialAccount.objects.get(kind="x")
    x_network.refresh.clear()  # the user revoked Parvis on x.com
    report = account_refresh_due_tokens(now=account.token_expires_at)
    assert (report.refreshed, report.failed) == (0, 1)
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.RECONNECT
    page = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()
    assert 'data-state="reconnect"' in page and "Must be reconnected" in page
    assert ">Reconnect<" in page


def test_a_wrong_pkce_verifier_is_refused_by_the_network(
    cast: Cast, alice: Client, x_network: XFake
) -> None:
    location = _authorize(alice, cast)
    OAuthState.objects.update(code_verifier="not-the-verifier-that-made-the-challenge" * 2)
    back = follow_callback(alice, location)
    assert back.path == reverse("networks:accounts", kwargs={"org": cast.org.slug})
    assert not SocialAccount.objects.exists()


def test_a_network_without_app_credentials_explains_how_to_enable_it(
    cast: Cast, alice: Client, networks: dict[str, dict[str, Any]]
) -> None:
    networks["x"].update(enabled=False, client_id="", client_secret="")
    page = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()
    assert "PARVIS_X_ENABLED=1" in page and "docs/connectors.md" in page
    assert public_url("/networks/oauth/x/callback/") in page
    url = reverse("networks:connect_oauth", kwargs={"org": cast.org.slug})
    response = alice.post(url, {"network": "x"}, follow=True)
    assert "X is not enabled on this Parvis." in response.content.decode()
    assert not OAuthState.objects.exists()


def test_a_refusal_on_the_network_connects_nothing_and_old_attempts_are_purged(
    cast: Cast, alice: Client, x_network: XFake
) -> None:
    location = httpx.URL(_authorize(alice, cast))
    state = location.params["state"]
    denied = f"{location.path}?state={state}&error=access_denied"
    response = alice.get(denied, follow=True)
    assert "X did not give access (access_denied)" in response.content.decode()
    assert not SocialAccount.objects.exists()

    assert oauth_states_purge() == 0  # too recent
    assert oauth_states_purge(now=timezone.now() + timedelta(days=2)) == 1
    refresh_due_tokens_task()  # the periodic job runs with nothing to do
    assert not OAuthState.objects.exists()
