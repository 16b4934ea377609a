"""Connecting a Mastodon account against the real mastodon-mock: app registration on the
server, the OAuth redirect through its consent page, the token exchange, and the page."""

from __future__ import annotations

import logging

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from parvis.core.models import AuditEvent
from parvis.core.public_url import public_url
from parvis.networks.models import MastodonInstanceApp, OAuthState, SocialAccount
from tests.conftest import Cast
from tests.networks.helpers import continue_url, follow_callback, mastodon_authorize
from tests.peers.mastodon import MastodonPeer

pytestmark = pytest.mark.django_db


def _connect(client: Client, cast: Cast, peer: MastodonPeer, username: str = "alice") -> str:
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    page = client.post(url, {"instance_url": peer.base_url})
    assert page.status_code == 200
    location = mastodon_authorize(continue_url(page.content.decode()), username)
    assert location.startswith(public_url("/networks/oauth/mastodon/callback/?"))
    back = follow_callback(client, location)
    assert back.path == reverse("networks:accounts", kwargs={"org": cast.org.slug})
    return location


def test_connect_registers_once_then_shows_the_account_connected(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _connect(alice, cast, mastodon_peer)

    account = SocialAccount.objects.get(organisation=cast.org, kind="mastodon")
    assert account.handle == "@alice@127.0.0.1"
    assert account.api_base_url == mastodon_peer.base_url
    assert account.status == SocialAccount.Status.CONNECTED
    assert account.access_token and account.token_expires_at is None  # Mastodon tokens last
    assert account.connected_by == cast.alice
    assert AuditEvent.objects.filter(action="social_account.connected", organisation=cast.org)

    page = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug}))
    text = page.content.decode()
    assert "@alice@127.0.0.1" in text and 'data-state="connected"' in text
    assert ">Connected<" in text
    # The token is encrypted at rest, never shown, never logged.
    app = MastodonInstanceApp.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM networks_socialaccount WHERE id = %s", [account.pk]
        )
        assert cursor.fetchone()[0] != account.access_token
        cursor.execute("SELECT client_secret FROM networks_mastodoninstanceapp")
        assert cursor.fetchone()[0] != app.client_secret
    for secret in (account.access_token, app.client_secret):
        assert secret not in text
        assert secret not in caplog.text

    # A second connection through the same server reuses the registered app.
    _connect(alice, cast, mastodon_peer, username="bob")
    assert MastodonInstanceApp.objects.count() == 1
    handles = set(
        SocialAccount.objects.filter(organisation=cast.org).values_list("handle", flat=True)
    )
    assert handles == {"@alice@127.0.0.1", "@bob@127.0.0.1"}


def test_the_htmx_form_gets_a_plain_navigation_to_the_server(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer
) -> None:
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    response = alice.post(url, {"instance_url": mastodon_peer.base_url}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(mastodon_peer.base_url + "/oauth/authorize?")
    assert "code_challenge_method=S256" in response["HX-Redirect"]


def test_a_replayed_or_foreign_callback_connects_nothing(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer
) -> None:
    location = _connect(alice, cast, mastodon_peer)
    assert SocialAccount.objects.count() == 1
    SocialAccount.objects.all().delete()

    again = follow_callback(alice, location)  # the state was used up
    assert again.path == reverse("networks:accounts", kwargs={"org": cast.org.slug})
    assert not SocialAccount.objects.exists()

    # Charlie cannot finish Alice's pending authorisation, even with its state and code.
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    page = alice.post(url, {"instance_url": mastodon_peer.base_url})
    location = mastodon_authorize(continue_url(page.content.decode()), "alice")
    follow_callback(cast.client_for(cast.charlie), location)
    assert not SocialAccount.objects.exists()
    assert OAuthState.objects.filter(used_at=None).count() == 1


def test_an_unreachable_server_is_a_form_error(cast: Cast, alice: Client) -> None:
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    response = alice.post(url, {"instance_url": "http://127.0.0.1:9"})
    assert response.status_code == 400
    assert "did not accept Parvis" in response.content.decode()
    assert not MastodonInstanceApp.objects.exists()


def test_contributors_and_viewers_cannot_connect(cast: Cast, mastodon_peer: MastodonPeer) -> None:
    from tests.conftest import english_client

    bob = english_client(cast.bob)
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    assert bob.post(url, {"instance_url": mastodon_peer.base_url}).status_code == 403
    page = bob.get(reverse("networks:accounts", kwargs={"org": cast.org.slug}))
    assert page.status_code == 200
    assert "Managers and owners connect and disconnect accounts." in page.content.decode()
    assert not MastodonInstanceApp.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:3000",
        "https://localhost",
        "https://10.0.0.5",
        "http://example.org",
        "https://[::1]",
        "https://[::ffff:127.0.0.1]",
        "https://169.254.169.254",
        "https://100.64.0.1",
    ],
)
def test_by_default_a_typed_server_address_must_be_public_https(
    settings: object, address: str
) -> None:
    from parvis.networks.connecting import normalise_server_url

    # The product's default, in every mode.
    settings.HTTP_ALLOW_PRIVATE = []  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="^address refused or unreachable$"):
        normalise_server_url(address)


def test_disconnecting_revokes_the_token_with_parvis_app_on_that_server(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer
) -> None:
    """The token was issued to Parvis' registration on the account's server: the connector is
    given that app, so disconnecting (or deleting the organisation) revokes it there."""
    _connect(alice, cast, mastodon_peer)
    account = SocialAccount.objects.get(organisation=cast.org, kind="mastodon")
    token = account.access_token
    assert account.connector().app is not None  # before: the empty PARVIS_MASTODON_* pair

    url = reverse("networks:disconnect", kwargs={"org": cast.org.slug, "account_id": account.pk})
    alice.post(url)

    event = AuditEvent.objects.get(action="social_account.disconnected")
    assert event.data["revoked_at_network"] is True
    answer = httpx.get(
        f"{mastodon_peer.base_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 401
