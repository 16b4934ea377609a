"""The accounts page for everyone, disconnection for managers, and the REST endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.core.models import AuditEvent
from parvis.networks.models import SocialAccount
from tests.conftest import Cast, english_client

pytestmark = pytest.mark.django_db

TOKEN = "secret-access-token-0123456789"


def _account(cast: Cast, org: object = None) -> SocialAccount:
    return SocialAccount.objects.create(
        organisation=org or cast.org,
        kind="mastodon",
        remote_id="7",
        handle="@menuiserie@example.org",
        api_base_url="https://example.org",
        access_token=TOKEN,
        refresh_token=TOKEN + "-refresh",
    )


def test_empty_state_teaches_and_the_menu_has_accounts(cast: Cast, alice: Client) -> None:
    page = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()
    assert "No account connected yet" in page and "LinkedIn for customers" in page
    assert f'href="{reverse("networks:accounts", kwargs={"org": cast.org.slug})}"' in page
    assert 'aria-label="Connect a Bluesky account"' in page
    assert 'aria-label="Connect a Mastodon account"' in page


def test_disconnect_forgets_the_tokens(cast: Cast, alice: Client) -> None:
    account = _account(cast)
    bob = english_client(cast.bob)
    url = reverse("networks:disconnect", kwargs={"org": cast.org.slug, "account_id": account.pk})
    assert bob.post(url).status_code == 403
    response = alice.post(url, follow=True)
    assert "@menuiserie@example.org is disconnected." in response.content.decode()
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.DISCONNECTED
    assert (account.access_token, account.refresh_token) == ("", "")
    assert AuditEvent.objects.filter(action="social_account.disconnected").exists()
    assert 'id="account-' not in response.content.decode()


def test_a_foreign_account_cannot_be_disconnected(cast: Cast, alice: Client) -> None:
    foreign = _account(cast, cast.other_org)
    url = reverse("networks:disconnect", kwargs={"org": cast.org.slug, "account_id": foreign.pk})
    assert alice.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == SocialAccount.Status.CONNECTED and foreign.access_token == TOKEN


def test_api_lists_states_never_tokens(cast: Cast) -> None:
    account = _account(cast)
    _account(cast, cast.other_org)
    key = api_key_create(membership=cast.alice_membership, name="r", role=Role.VIEWER).secret
    url = f"/api/v1/o/{cast.org.slug}/accounts/"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": account.pk,
            "network": "mastodon",
            "handle": "@menuiserie@example.org",
            "display_name": "",
            "url": "",
            "state": "connected",
            "status": "connected",
            "expires_in_days": None,
            "forecast": "renewed",
            "rate_limited_until": None,
            "last_error": "",
            "last_error_at": None,
            "connected_at": response.json()[0]["connected_at"],
        }
    ]
    assert TOKEN not in response.content.decode()
