"""Business Login for Instagram after the redirect: code -> short-lived token (1 h) -> 60-day
token, refreshed afterwards by the connector (``ig_refresh_token``). social-apis.md §2.1.

With Facebook Login instead, use :func:`parvis.networks.facebook.login.pages_after_login`:
each Page lists its linked ``instagram_id``; store the Page token with
``api_base_url=https://graph.facebook.com/<version>``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import Transient
from parvis.networks.instagram import client as api
from parvis.networks.meta import graph
from parvis.networks.meta import login as meta_login
from parvis.networks.oauth import tokens_from_payload
from parvis.networks.transport import DEFAULT_POLICY, Clock, HttpPolicy, send, utc_now

SHORT_LIVED = timedelta(hours=1)
# ``grant_type=ig_exchange_token`` on graph.instagram.com: a 60-day token, refreshable while valid.
EXCHANGE = meta_login.Exchange(
    network="instagram",
    path=api.LONG_LIVED_PATH,
    grant_type="ig_exchange_token",
    token_parameter="access_token",  # noqa: S106 - a parameter name
    sends_client_id=False,
)


def exchange_code(
    http: httpx.Client,
    app: AppCredentials,
    *,
    code: str,
    redirect_uri: str,
    token_url: str = api.TOKEN_URL,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> tuple[str, TokenSet]:
    """The callback's ``code`` -> (Instagram user id, short-lived token)."""
    form = {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
        "code": code,
    }
    now = clock()
    dialect = graph.GraphDialect("instagram")
    body: Any = send(
        http, dialect, "POST", token_url, data=form, idempotent=False, policy=policy, clock=clock
    ).body
    # The answer is flat, or wrapped in "data": [...] in the newer Business Login pages.
    entries = body.get("data") if isinstance(body, dict) else None
    if isinstance(entries, list) and entries and isinstance(entries[0], dict):
        body = entries[0]
    user_id = body.get("user_id") if isinstance(body, dict) else None
    if not isinstance(user_id, str | int) or isinstance(user_id, bool):
        raise Transient("Instagram answered without a user_id", network="instagram")
    tokens = tokens_from_payload(body, now=now, previous=None)
    if tokens.expires_at is None:  # the answer has no expires_in: short-lived tokens last 1 h
        tokens = replace(tokens, expires_at=now + SHORT_LIVED)
    return str(user_id), tokens


def refresh(
    http: httpx.Client,
    tokens: TokenSet,
    *,
    url: str = api.INSTAGRAM_HOST + api.REFRESH_PATH,
    clock: Clock = utc_now,
    policy: HttpPolicy = DEFAULT_POLICY,
) -> TokenSet:
    """``grant_type=ig_refresh_token``: a new 60-day token from one at least 24 h old and not
    expired (an expired token is code 190: :class:`AuthExpired`, log in again)."""
    params = {"grant_type": "ig_refresh_token", "access_token": tokens.access_token}
    now = clock()
    dialect = graph.GraphDialect("instagram")
    body = send(http, dialect, "GET", url, params=params, policy=policy, clock=clock).body
    return tokens_from_payload(body, now=now, previous=tokens)
