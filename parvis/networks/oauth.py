"""OAuth 2.0 authorization code flow with PKCE (RFC 7636), shared by every connector.

The web layer calls :func:`authorization_request` (keeps ``state`` and ``code_verifier`` in
the session), then :func:`exchange_code` on the callback. Background jobs use
:func:`needs_refresh` / :func:`refresh_due_at` to refresh *ahead* of expiry (X tokens live
2 hours), so a scheduled post never meets an expired token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, Rejected, Transient
from parvis.networks.transport import (
    DEFAULT_POLICY,
    Clock,
    HttpPolicy,
    generic_error_reason,
    send,
    utc_now,
)

# Errors of RFC 6749 §5.2 that mean "the user must authorise again".
REAUTHORISE_ERRORS = frozenset({"invalid_grant", "invalid_token", "unauthorized_client"})


@dataclass(frozen=True)
class OAuthConfig:
    """One network's OAuth endpoints and habits (declared by its connector class)."""

    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    pkce: bool = True
    client_auth: Literal["basic", "body"] = "basic"
    scope_separator: str = " "
    refresh_margin: timedelta = timedelta(minutes=10)
    extra_authorize_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the user, and what to keep in the session for the callback."""

    url: str
    state: str
    code_verifier: str | None


def pkce_challenge(verifier: str) -> str:
    """S256 challenge: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_code_verifier() -> str:
    """43-128 characters from the unreserved set; 64 random bytes give 86."""
    return secrets.token_urlsafe(64)


def authorization_request(
    config: OAuthConfig,
    app: AppCredentials,
    *,
    redirect_uri: str,
    state: str | None = None,
    code_verifier: str | None = None,
) -> AuthorizationRequest:
    """Build the authorisation URL with a fresh ``state`` and, when supported, PKCE S256."""
    state = state or secrets.token_urlsafe(32)
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scope_separator.join(config.scopes),
        "state": state,
    }
    verifier = None
    if config.pkce:
        verifier = code_verifier or new_code_verifier()
        params["code_challenge"] = pkce_challenge(verifier)
        params["code_challenge_method"] = "S256"
    params.update(dict(config.extra_authorize_params))
    separator = "&" if "?" in config.authorize_url else "?"
    return AuthorizationRequest(
        config.authorize_url + separator + urlencode(params), state, verifier
    )


class _TokenEndpointDialect:
    """Token endpoint errors. A refused *refresh* always means "reconnect": networks word it
    differently (RFC 6749 ``invalid_grant``; X answers ``invalid_request``)."""

    network_name = "oauth"

    def __init__(self, grant_type: str) -> None:
        self.grant_type = grant_type

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return None

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        code = payload.get("error") if isinstance(payload, dict) else None
        if code == "invalid_client":  # our app's credentials: an operator problem
            return Rejected(f"identifiants de l’application refusés ({code})", status=status)
        refused_refresh = self.grant_type == "refresh_token" and status in (400, 401)
        if code in REAUTHORISE_ERRORS or refused_refresh:
            return AuthExpired(self.error_reason(payload), status=status)
        return None


def exchange_code(
    client: httpx.Client,
    config: OAuthConfig,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
    token_url: str | None = None,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> TokenSet:
    """Trade the callback's ``code`` for tokens."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if code_verifier:
        form["code_verifier"] = code_verifier
    return _token_call(client, config, app, form, token_url, None, clock, policy)


def refresh(
    client: httpx.Client,
    config: OAuthConfig,
    app: AppCredentials,
    tokens: TokenSet,
    *,
    token_url: str | None = None,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> TokenSet:
    """New tokens from the refresh token. Networks rotate refresh tokens: store the result
    at once. Raises :class:`AuthExpired` when there is no refresh token or it was refused."""
    if not tokens.refresh_token:
        raise AuthExpired("no refresh token")
    form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
    return _token_call(client, config, app, form, token_url, tokens, clock, policy)


def _token_call(
    client: httpx.Client,
    config: OAuthConfig,
    app: AppCredentials,
    form: dict[str, str],
    token_url: str | None,
    previous: TokenSet | None,
    clock: Clock,
    policy: HttpPolicy,
) -> TokenSet:
    headers = {"Accept": "application/json"}
    form = {**form, "client_id": app.client_id}
    if config.client_auth == "basic":
        pair = f"{app.client_id}:{app.client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    else:
        form["client_secret"] = app.client_secret
    now = clock()
    # Token calls are not idempotent (codes are single-use, refresh tokens rotate).
    response = send(
        client,
        _TokenEndpointDialect(form["grant_type"]),
        "POST",
        token_url or config.token_url,
        idempotent=False,
        policy=policy,
        clock=clock,
        data=form,
        headers=headers,
    )
    return tokens_from_payload(response.body, now=now, previous=previous)


def tokens_from_payload(payload: Any, *, now: datetime, previous: TokenSet | None) -> TokenSet:
    """A :class:`TokenSet` from a token endpoint's JSON; a malformed answer is Transient."""
    if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
        raise Transient("token endpoint answered without an access_token")
    expires_in = payload.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
        expires_at = now + timedelta(seconds=float(expires_in))
    refresh_token = payload.get("refresh_token")
    if not isinstance(refresh_token, str):
        refresh_token = previous.refresh_token if previous else None
    scope = payload.get("scope")
    scopes = tuple(scope.replace(",", " ").split()) if isinstance(scope, str) else ()
    return TokenSet(
        access_token=payload["access_token"],
        refresh_token=refresh_token,
        expires_at=expires_at,
        scopes=scopes or (previous.scopes if previous else ()),
        token_type=str(payload.get("token_type") or "bearer").lower(),
    )


def needs_refresh(tokens: TokenSet, *, now: datetime, margin: timedelta) -> bool:
    """True when the access token expires within ``margin`` and a refresh token exists."""
    return tokens.refresh_token is not None and tokens.expires_within(margin, now)


def refresh_due_at(tokens: TokenSet, *, margin: timedelta) -> datetime | None:
    """When a background job should refresh (expiry minus margin); None if it never expires
    or cannot be refreshed (then the UI warns before ``expires_at`` instead)."""
    if tokens.expires_at is None or tokens.refresh_token is None:
        return None
    return tokens.expires_at - margin
