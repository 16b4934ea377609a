"""Bluesky by app password against a real PDS (@atproto/dev-env, PDS mode)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from parvis.networks.models import SocialAccount
from parvis.networks.token_refresh import account_refresh_due_tokens
from tests.conftest import Cast
from tests.peers.bluesky import BlueskyPeer

pytestmark = pytest.mark.django_db


def _post(client: Client, cast: Cast, **data: str) -> str:
    url = reverse("networks:connect_bluesky", kwargs={"org": cast.org.slug})
    response = client.post(url, data, follow=True)
    return response.content.decode()


def test_connect_with_an_app_password_keeps_the_session_not_the_password(
    cast: Cast, alice: Client, bluesky_pds: BlueskyPeer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = bluesky_pds.create_account("martin")
    page = _post(
        alice,
        cast,
        handle="@" + user.handle,
        app_password=user.app_password,
        server=bluesky_pds.pds_url,
    )

    account = SocialAccount.objects.get(organisation=cast.org, kind="bluesky")
    assert (account.remote_id, account.handle) == (user.did, user.handle)
    assert account.api_base_url == bluesky_pds.pds_url
    assert account.access_token.count(".") == 2 and account.refresh_token
    assert account.token_expires_at is not None and account.refresh_expires_at is not None
    assert f"{user.handle} is connected." in page
    assert 'data-state="connected"' in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM networks_socialaccount")
        row = " ".join(str(value) for value in cursor.fetchone())
    for secret in (user.app_password, account.access_token, account.refresh_token):
        assert secret not in row  # encrypted, and the password not kept at all
        assert secret not in page
        assert secret not in caplog.text

    # The session is renewed ahead of the access JWT's expiry, with the refresh JWT.
    report = account_refresh_due_tokens(now=account.token_expires_at - timedelta(minutes=5))
    assert (report.refreshed, report.failed) == (1, 0)
    fresh = SocialAccount.objects.get(pk=account.pk)
    # The refresh JWT rotates (a new jti); the access JWT is the same bytes when minted
    # within the same second, so only the refresh JWT tells that a refresh happened.
    assert fresh.refresh_token != account.refresh_token
    assert fresh.access_token.count(".") == 2
    assert fresh.status == SocialAccount.Status.CONNECTED


def test_a_wrong_app_password_is_a_clear_form_error(
    cast: Cast, alice: Client, bluesky_pds: BlueskyPeer
) -> None:
    user = bluesky_pds.create_account("wrong")
    page = _post(
        alice,
        cast,
        handle=user.handle,
        app_password="abcd-efgh-ijkl-mnop",
        server=bluesky_pds.pds_url,
    )
    assert "Bluesky refused this handle and app password" in page
    assert f'value="{user.handle}"' in page  # what was typed stays, except the password
    assert not SocialAccount.objects.exists()


def test_the_main_password_is_refused_before_any_call(
    cast: Cast, alice: Client, bluesky_pds: BlueskyPeer
) -> None:
    user = bluesky_pds.create_account("main")
    page = _post(
        alice, cast, handle=user.handle, app_password=user.password, server=bluesky_pds.pds_url
    )
    assert "This is not an app password." in page
    assert user.password not in page
    assert not SocialAccount.objects.exists()
