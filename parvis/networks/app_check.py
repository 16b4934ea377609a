"""« Vérifier »: asking a network whether the developer app an administrator typed is valid,
before it is saved. Pure connector layer (no Django): the web layer passes the HTTP client.

Each provider says how (:meth:`Provider.check_app`). Meta gives an app access token for the id
and secret, then the app's name (``parvis.networks.meta.app_check``). The other OAuth networks
offer no call that an id and a secret alone may make, so by default the token endpoint is asked
to trade a code that cannot exist: RFC 6749 §5.2 has the server authenticate the client
*before* looking at the grant, so ``invalid_client`` / ``unauthorized_client`` (or a 401) means
the id or the secret is wrong, and any other refusal of the code means both were accepted.
Nothing is created on the network either way.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx

from parvis.networks.contracts import AppCredentials
from parvis.networks.errors import ConnectorError, RateLimited, Rejected
from parvis.networks.oauth import OAuthConfig
from parvis.networks.transport import generic_error_reason, send

# A code no network ever issued: the probe must never succeed in trading it.
IMPOSSIBLE_CODE = "parvis-credentials-check"
CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


class Outcome(StrEnum):
    VERIFIED = "verified"  # the network recognised the id and the secret
    REFUSED = "refused"  # the network said the id or the secret is wrong
    UNREACHABLE = "unreachable"  # no usable answer: nothing can be concluded
    UNCHECKED = "unchecked"  # no call can check without someone signing in


@dataclass(frozen=True)
class AppCheck:
    """What « Vérifier » learnt. ``reason`` is the network's own words (not translated);
    ``app_name`` the name the network gives the app, when it says it."""

    outcome: Outcome
    reason: str = ""
    app_name: str = ""

    @property
    def verified(self) -> bool:
        return self.outcome is Outcome.VERIFIED


def from_error(exc: ConnectorError) -> AppCheck:
    """A refusal in 4xx (but a rate limit) is the network's verdict on the credentials; a
    timeout, a 5xx or an address refused by the guard says nothing about them."""
    status = exc.status or 0
    # Meta words its throttling as a 400 with a code: a rate limit is never a verdict.
    if 400 <= status < 500 and status != 429 and not isinstance(exc, RateLimited):
        return AppCheck(Outcome.REFUSED, reason=exc.detail)
    return AppCheck(Outcome.UNREACHABLE, reason=exc.detail)


class _ProbeDialect:
    """Keeps the RFC 6749 ``error`` code of a refusal in ``remote_code``."""

    def __init__(self, network: str) -> None:
        self.network_name = network

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return None

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        if status == 429 or status >= 500:
            return None
        code = payload.get("error") if isinstance(payload, dict) else None
        reason = generic_error_reason(payload) or f"HTTP {status}"
        return Rejected(
            reason, network=self.network_name, status=status, remote_code=str(code or "")
        )


def probe_token_endpoint(
    http: httpx.Client,
    config: OAuthConfig,
    app: AppCredentials,
    *,
    redirect_uri: str,
    network: str,
    token_url: str | None = None,
) -> AppCheck:
    """Authenticate as ``app`` at the token endpoint with :data:`IMPOSSIBLE_CODE` (client
    authentication as :func:`parvis.networks.oauth.exchange_code` does it)."""
    form = {
        "grant_type": "authorization_code",
        "code": IMPOSSIBLE_CODE,
        "redirect_uri": redirect_uri,
        "client_id": app.client_id,
    }
    headers = {"Accept": "application/json"}
    if config.pkce:
        form["code_verifier"] = "parvis-credentials-check-verifier-" + "0" * 20
    if config.client_auth == "basic":
        pair = f"{app.client_id}:{app.client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    else:
        form["client_secret"] = app.client_secret
    try:
        send(
            http,
            _ProbeDialect(network),
            "POST",
            token_url or config.token_url,
            idempotent=True,  # an impossible code changes nothing on the network
            data=form,
            headers=headers,
        )
    except Rejected as exc:
        if exc.status == 401 or exc.remote_code in CLIENT_ERRORS:
            return AppCheck(Outcome.REFUSED, reason=exc.detail)
        return AppCheck(Outcome.VERIFIED)
    except ConnectorError as exc:
        return from_error(exc)
    # Tokens for a code nobody issued: this endpoint does not behave as documented.
    return AppCheck(Outcome.UNREACHABLE, reason="the token endpoint accepted an impossible code")
