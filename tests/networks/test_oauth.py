"""OAuth2 + PKCE helpers, and the whole connect flow against the X fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from parvis.networks import oauth
from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, Rejected, Transient
from parvis.networks.x.connector import XConnector
from tests.peers.x_fake import XFake

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
APP = AppCredentials("client-id", "client-secret")


def test_pkce_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert oauth.pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_authorization_request_carries_state_scopes_and_challenge() -> None:
    config = XConnector.oauth
    assert config is not None
    request = oauth.authorization_request(config, APP, redirect_uri="https://parvis.test/cb")
    query = parse_qs(urlsplit(request.url).query)
    assert query["state"] == [request.state] and len(request.state) >= 32
    assert query["code_challenge_method"] == ["S256"]
    assert request.code_verifier is not None
    assert query["code_challenge"] == [oauth.pkce_challenge(request.code_verifier)]
    assert "offline.access" in query["scope"][0].split(" ")
    again = oauth.authorization_request(config, APP, redirect_uri="https://parvis.test/cb")
    assert again.state != request.state and again.code_verifier != request.code_verifier


def test_refresh_ahead_of_expiry_decision() -> None:
    margin = timedelta(minutes=15)
    tokens = TokenSet("a", "r", expires_at=NOW + timedelta(minutes=20))
    assert not oauth.needs_refresh(tokens, now=NOW, margin=margin)
    assert oauth.needs_refresh(tokens, now=NOW + timedelta(minutes=6), margin=margin)
    assert oauth.refresh_due_at(tokens, margin=margin) == NOW + timedelta(minutes=5)
    no_refresh = TokenSet("a", None, expires_at=NOW)
    assert not oauth.needs_refresh(no_refresh, now=NOW, margin=margin)
    assert oauth.refresh_due_at(no_refresh, margin=margin) is None
    assert oauth.refresh_due_at(TokenSet("a", "r"), margin=margin) is None


def test_token_payload_parsing_keeps_previous_refresh_token() -> None:
    previous = TokenSet("old", "refresh-1", scopes=("tweet.read",))
    tokens = oauth.tokens_from_payload(
        {"access_token": "new", "expires_in": 7200, "token_type": "Bearer"},
        now=NOW,
        previous=previous,
    )
    assert tokens.refresh_token == "refresh-1" and tokens.scopes == ("tweet.read",)
    assert tokens.expires_at == NOW + timedelta(hours=2) and tokens.token_type == "bearer"


@pytest.mark.parametrize("payload", [None, [], {"token": "x"}, {"access_token": 12}])
def test_malformed_token_payload_is_transient(payload: object) -> None:
    with pytest.raises(Transient):
        oauth.tokens_from_payload(payload, now=NOW, previous=None)


def test_refresh_without_refresh_token_is_auth_expired() -> None:
    config = XConnector.oauth
    assert config is not None
    with httpx.Client() as client, pytest.raises(AuthExpired):
        oauth.refresh(client, config, APP, TokenSet("a"), token_url="http://127.0.0.1:9/")


def test_connect_flow_against_the_fake(x_fake: XFake) -> None:
    config = XConnector.oauth
    assert config is not None
    app = AppCredentials(XFake.client_id, XFake.client_secret)
    fake_config = oauth.OAuthConfig(
        authorize_url=f"{x_fake.url}/i/oauth2/authorize",
        token_url=f"{x_fake.url}/2/oauth2/token",
        scopes=config.scopes,
    )
    redirect = "https://parvis.test/networks/x/callback"
    request = oauth.authorization_request(fake_config, app, redirect_uri=redirect)
    with httpx.Client() as client:
        consent = client.get(request.url)
        assert consent.status_code == 302
        callback = parse_qs(urlsplit(consent.headers["location"]).query)
        assert callback["state"] == [request.state]
        tokens = oauth.exchange_code(
            client,
            fake_config,
            app,
            code=callback["code"][0],
            redirect_uri=redirect,
            code_verifier=request.code_verifier,
        )
        assert tokens.refresh_token and tokens.expires_at is not None
        connector = XConnector(tokens=tokens, app=app, http=client, base_url=x_fake.url)
        assert connector.account_info().handle == "parvis_test"


def test_wrong_verifier_is_refused(x_fake: XFake) -> None:
    app = AppCredentials(XFake.client_id, XFake.client_secret)
    fake_config = oauth.OAuthConfig(
        authorize_url=f"{x_fake.url}/i/oauth2/authorize",
        token_url=f"{x_fake.url}/2/oauth2/token",
        scopes=("tweet.read",),
    )
    request = oauth.authorization_request(fake_config, app, redirect_uri="https://p.test/cb")
    with httpx.Client() as client:
        location = client.get(request.url).headers["location"]
        code = parse_qs(urlsplit(location).query)["code"][0]
        with pytest.raises(Rejected) as caught:
            oauth.exchange_code(
                client,
                fake_config,
                app,
                code=code,
                redirect_uri="https://p.test/cb",
                code_verifier="not-the-verifier-" + "x" * 30,
            )
    assert "authorization code was invalid" in caught.value.reason
