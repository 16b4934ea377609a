"""Disconnecting an account gives up Parvis' access at the network (X, against its fake): the
tokens are revoked there, then erased here; a network that fails does not stop it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.models import AuditEvent
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.peers.x_fake import Problem, XFake

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


def _connected(cast: Cast, fake: XFake) -> tuple[SocialAccount, dict[str, Any]]:
    issued = fake.issue_tokens()
    account = SocialAccount.objects.create(
        organisation=cast.org,
        kind="x",
        remote_id=fake.me,
        handle="parvis_test",
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        token_expires_at=timezone.now() + timedelta(seconds=issued["expires_in"]),
    )
    return account, issued


def _disconnect(client: Client, cast: Cast, account: SocialAccount) -> str:
    url = reverse("networks:disconnect", kwargs={"org": cast.org.slug, "account_id": account.pk})
    return client.post(url, follow=True).content.decode()


def test_disconnecting_revokes_the_tokens_at_the_network(
    cast: Cast, alice: Client, x_network: XFake
) -> None:
    account, issued = _connected(cast, x_network)
    assert "parvis_test is disconnected." in _disconnect(alice, cast, account)

    assert [path for _, path in x_network.requests] == ["/2/oauth2/revoke"] * 2
    assert issued["access_token"] not in x_network.access
    assert issued["refresh_token"] not in x_network.refresh
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.DISCONNECTED
    assert (account.access_token, account.refresh_token) == ("", "")
    event = AuditEvent.objects.get(action="social_account.disconnected")
    assert event.data["revoked_at_network"] is True


def test_a_network_that_fails_does_not_stop_the_disconnection(
    cast: Cast,
    alice: Client,
    x_network: XFake,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    account, issued = _connected(cast, x_network)

    def unavailable(headers: dict[str, str], raw: bytes) -> dict[str, Any]:
        raise Problem(503, "Service Unavailable", "Service Unavailable")

    monkeypatch.setattr(x_network, "_revoke", unavailable)
    with caplog.at_level(logging.WARNING, logger="parvis.networks.services"):
        assert "parvis_test is disconnected." in _disconnect(alice, cast, account)

    account.refresh_from_db()
    assert account.status == SocialAccount.Status.DISCONNECTED
    assert (account.access_token, account.refresh_token) == ("", "")
    assert AuditEvent.objects.get(action="social_account.disconnected").data == {
        "network": "x",
        "revoked_at_network": False,
    }
    assert "did not revoke its tokens (Transient)" in caplog.text
    assert issued["access_token"] not in caplog.text
    assert issued["refresh_token"] not in caplog.text
