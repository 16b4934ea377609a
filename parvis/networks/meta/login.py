"""Meta's long-lived tokens: one exchange for Facebook Login and Business Login for Instagram.

A short-lived token (hours) is traded once for a long-lived one (about 60 days). Both logins
do it with one GET; they differ only in host, path, grant type and parameter names.
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived ·
https://developers.facebook.com/documentation/instagram-platform/instagram-api-with-instagram-login/business-login
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.meta import graph
from parvis.networks.oauth import tokens_from_payload
from parvis.networks.transport import DEFAULT_POLICY, Clock, HttpPolicy, send, utc_now


@dataclass(frozen=True)
class Exchange:
    """How one login names the exchange."""

    network: str
    path: str  # on the login's host
    grant_type: str
    token_parameter: str  # where the short-lived token goes
    sends_client_id: bool


def long_lived_token(
    http: httpx.Client,
    app: AppCredentials,
    short_token: str,
    *,
    exchange: Exchange,
    base_url: str,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> TokenSet:
    """The long-lived token for ``short_token`` (a GET: the transport retries it only when the
    request never left)."""
    params = {
        "grant_type": exchange.grant_type,
        "client_secret": app.client_secret,
        exchange.token_parameter: short_token,
    }
    if exchange.sends_client_id:
        params["client_id"] = app.client_id
    now = clock()
    url = base_url.rstrip("/") + exchange.path
    dialect = graph.GraphDialect(exchange.network)
    body = send(http, dialect, "GET", url, params=params, policy=policy, clock=clock).body
    return tokens_from_payload(body, now=now, previous=None)
