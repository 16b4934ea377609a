"""Mastodon and Bluesky servers are addresses people type: connecting, then every call made to
that server (polling, publishing, refresh) goes through the guarded client of
parvis/core/guarded_http.py."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core import guarded_http
from parvis.core.guarded_http import is_guarded
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import Rejected
from parvis.networks.mastodon.signin import account_info as mastodon_account_info
from parvis.networks.models import MastodonInstanceApp, SocialAccount
from parvis.networks.token_refresh import account_refresh_due_tokens
from parvis.networks.transport import ADDRESS_REFUSED_REASON
from tests.conftest import Cast
from tests.peers.mastodon import MastodonPeer

pytestmark = pytest.mark.django_db


def _mastodon_account(cast: Cast, base_url: str, token: str = "made-up") -> SocialAccount:  # noqa: S107
    account = SocialAccount.objects.create(
        organisation=cast.org,
        kind="mastodon",
        handle="@guarded@server",
        remote_id="1",
        api_base_url=base_url,
    )
    account.store_tokens(TokenSet(access_token=token))
    return account


def test_connecting_to_a_loopback_server_is_refused_before_any_call(
    cast: Cast, alice: Client, mastodon_peer: MastodonPeer, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    url = reverse("networks:connect_mastodon", kwargs={"org": cast.org.slug})
    page = alice.post(url, {"instance_url": mastodon_peer.base_url})
    assert page.status_code == 400  # the form again, with its error
    assert "This is not the address of a Mastodon server." in page.content.decode()
    assert not MastodonInstanceApp.objects.exists()  # Parvis never registered itself there


def test_with_the_range_allowed_the_peer_is_reachable(
    cast: Cast, mastodon_peer: MastodonPeer, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    member = mastodon_peer.create_account("guarded")
    account = _mastodon_account(cast, mastodon_peer.base_url, member.access_token)
    with httpx.Client() as plain, account.connector(http=plain) as connector:
        assert is_guarded(connector.http)
        assert connector.account_info().handle.startswith("@guarded@")


def test_an_account_whose_server_now_resolves_inward_is_refused_at_each_call(
    cast: Cast, mastodon_peer: MastodonPeer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected while public; its name now points at this machine (DNS rebinding)."""
    settings.HTTP_ALLOW_PRIVATE = []
    port = httpx.URL(mastodon_peer.base_url).port
    account = _mastodon_account(cast, f"http://mastodon.example:{port}")
    asked: list[str] = []

    def rebound(host: str, port: int) -> list[Any]:
        asked.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(guarded_http, "resolve", rebound)
    # The dispatcher hands every connector its own kept, plain client: for a typed server
    # it is replaced by a guarded one.
    with httpx.Client() as plain, account.connector(http=plain) as connector:
        assert connector.http is not plain and is_guarded(connector.http)
        with pytest.raises(Rejected) as refused:
            connector.account_info()
    assert refused.value.reason == ADDRESS_REFUSED_REASON
    assert "127.0.0.1" not in refused.value.user_message
    assert asked == ["mastodon.example"]  # refused at once, never retried


def test_the_calls_made_before_a_connector_exists_are_guarded_too(
    mastodon_peer: MastodonPeer, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    with guarded_http.guarded_client() as http, pytest.raises(Rejected):
        mastodon_account_info(http, mastodon_peer.base_url, TokenSet(access_token="t"))


def test_a_bluesky_refresh_towards_a_private_server_is_refused(cast: Cast, settings: Any) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    account = SocialAccount.objects.create(
        organisation=cast.org,
        kind="bluesky",
        handle="alice.test",
        remote_id="did:plc:alice",
        api_base_url="http://10.20.30.40:2583",
    )
    account.store_tokens(
        TokenSet(
            access_token="access",
            refresh_token="refresh",
            expires_at=timezone.now() + timedelta(minutes=1),
        )
    )
    report = account_refresh_due_tokens()
    assert report.failed == 1
    account.refresh_from_db()
    assert ADDRESS_REFUSED_REASON in account.last_error and "10.20" not in account.last_error
