"""Connecting a Mastodon account: the calls made before any connector exists.

Every Mastodon server has the same endpoints under its own address. Parvis registers once per
server (``POST /api/v1/apps``), then runs OAuth there (PKCE S256 since Mastodon 4.3); the
tokens do not expire. The calls go through ``transport.send`` so every failure is a taxonomy
error, like a connector's.
"""

from __future__ import annotations

from typing import Any

import httpx

from parvis.networks import jsonread
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.errors import Transient
from parvis.networks.mastodon import client
from parvis.networks.oauth import OAuthConfig
from parvis.networks.transport import PlainDialect, send

SCOPES = ("read", "write")
DIALECT = PlainDialect("mastodon")


def _required(body: dict[str, Any], key: str) -> str:
    value = jsonread.text_or_number(body, key)
    if not value:
        raise Transient(f"answer without {key!r}", network="mastodon")
    return value


# https://docs.joinmastodon.org/methods/apps/#create
def register_app(
    http: httpx.Client, base_url: str, *, redirect_uri: str, website: str = ""
) -> AppCredentials:
    """Register Parvis on the server at ``base_url``; the answer is the app's credentials."""
    form = {"client_name": "Parvis", "redirect_uris": redirect_uri, "scopes": " ".join(SCOPES)}
    if website:
        form["website"] = website
    body = send(http, DIALECT, "POST", base_url + "/api/v1/apps", data=form).object()
    return AppCredentials(
        client_id=_required(body, "client_id"), client_secret=_required(body, "client_secret")
    )


def oauth_config(base_url: str) -> OAuthConfig:
    """https://docs.joinmastodon.org/methods/oauth/"""
    return OAuthConfig(
        authorize_url=base_url + "/oauth/authorize",
        token_url=base_url + "/oauth/token",
        scopes=SCOPES,
        client_auth="body",
    )


# https://docs.joinmastodon.org/methods/accounts/#verify_credentials
def account_info(http: httpx.Client, base_url: str, tokens: TokenSet) -> AccountInfo:
    body = send(
        http,
        DIALECT,
        "GET",
        base_url + client.VERIFY_CREDENTIALS,
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    ).object()
    username = _required(body, "username")
    return AccountInfo(
        remote_id=_required(body, "id"),
        handle=f"@{username}@{httpx.URL(base_url).host}",
        display_name=jsonread.text(body, "display_name"),
        url=jsonread.text(body, "url"),
        avatar_url=jsonread.text(body, "avatar"),
    )
