"""Build a connector for a connected account: the bridge between the ORM and the pure connectors.

Also the few calls a connection needs before any connector exists (see the second half).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings

from parvis.core.fields import is_unreadable
from parvis.core.guarded_http import AddressRefused, check_url, is_guarded
from parvis.core.vocabulary import Network
from parvis.networks.bluesky.client import jwt_expiry
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, Transient
from parvis.networks.models import MastodonInstanceApp
from parvis.networks.oauth import OAuthConfig
from parvis.networks.registry import get_connector_class
from parvis.networks.transport import epoch_header, generic_error_reason, retry_after, send

if TYPE_CHECKING:
    from parvis.networks.base import Connector
    from parvis.networks.models import SocialAccount


# Instagram Login tokens have no refresh token: the token itself is traded for a new one
# (``ig_refresh_token``) while still valid. Facebook Page tokens have no end and are never due.
REFRESHED_WITHOUT_REFRESH_TOKEN = frozenset({Network.INSTAGRAM})


def app_credentials(kind: str) -> AppCredentials | None:
    conf = settings.NETWORKS[kind]
    if not conf["client_id"]:
        return None
    return AppCredentials(
        client_id=str(conf["client_id"]), client_secret=str(conf["client_secret"])
    )


def network_enabled(kind: str) -> bool:
    return bool(settings.NETWORKS[kind]["enabled"])


def build_connector(account: SocialAccount, **overrides: Any) -> Connector:
    """A connector bound to ``account``.

    The API address is the account's own (instance-based networks) or the configured override,
    else the network's. Rotated tokens are written to the database from the refresh callback,
    before the call that needed them goes on, so a crash never loses a single-use refresh token.

    An account whose server a person typed (Mastodon, Bluesky) is only ever called through a
    guarded client: an ``http`` override that is not one is dropped, and the connector builds
    its own (:func:`parvis.core.guarded_http.guarded_client`).
    """
    conf = settings.NETWORKS[account.kind]
    connector_class = get_connector_class(account.kind)
    options: dict[str, Any] = {
        "tokens": account.tokens(),
        "account_id": account.remote_id,
        "app": _account_app(account),
        "base_url": account.api_base_url or str(conf["api_url"]) or None,
        "token_url": str(conf["token_url"]) or None,
        "on_tokens_refreshed": account.store_tokens,
    }
    options.update(overrides)
    http = options.get("http")
    if account.api_base_url and http is not None and not is_guarded(http):
        del options["http"]
    return connector_class(**options)


def _account_app(account: SocialAccount) -> AppCredentials | None:
    """The app credentials that sign this account's calls. On Mastodon they are Parvis' own
    registration on the account's server (the newest, should the public address have changed):
    the token was issued to it, and only it may revoke the token."""
    if account.kind == Network.MASTODON and account.api_base_url:
        registered = (
            MastodonInstanceApp.objects.filter(base_url=account.api_base_url)
            .order_by("-created_at")
            .first()
        )
        if registered is None or is_unreadable(registered.client_secret):
            return None
        return AppCredentials(
            client_id=registered.client_id, client_secret=registered.client_secret
        )
    return app_credentials(_app_kind(account))


def _app_kind(account: SocialAccount) -> str:
    """Whose app signs the calls: an Instagram account reached through its Facebook Page
    (Facebook Login) holds a Page token, whose ``appsecret_proof`` needs the Facebook app's
    secret, not the Instagram Login app's."""
    config = account.config if isinstance(account.config, dict) else {}
    if account.kind == "instagram" and config.get("login") == "facebook":
        return "facebook"
    return account.kind


# --- calls made before a connector exists -------------------------------------------------------
# Connecting a Mastodon or Bluesky account starts with calls no connector instance can make yet
# (registering Parvis on a server, opening a session). They go through ``transport.send`` so
# every failure is a taxonomy error, like a connector's.


class _PlainDialect:
    """Error wording of the sign-in endpoints: the generic envelope, ``Retry-After`` or
    Bluesky's ``ratelimit-reset`` for 429, and token refusals that mean "reconnect"."""

    def __init__(self, network_name: str, *, refusal_means_reconnect: bool = False) -> None:
        self.network_name = network_name
        self.refusal_means_reconnect = refusal_means_reconnect

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return epoch_header(headers, "ratelimit-reset") or (
            retry_after(headers, now) if "retry-after" in headers else None
        )

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        code = payload.get("error") if isinstance(payload, dict) else None
        if self.refusal_means_reconnect and status in (400, 401) and code in _BLUESKY_DEAD_TOKEN:
            return AuthExpired(generic_error_reason(payload), network=self.network_name)
        return None


_BLUESKY_DEAD_TOKEN = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})

MASTODON_SCOPES = ("read", "write")


def _text(body: dict[str, Any], key: str, network: str) -> str:
    value = body.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
        raise Transient(f"answer without {key!r}", network=network)
    return str(value)


def normalise_server_url(value: str) -> str:
    """``mastodon.social``, ``https://mastodon.social/about`` → ``https://mastodon.social``.

    The one check of :func:`parvis.core.guarded_http.check_url`: HTTPS, and a host whose every
    address is public, unless the operator allowed its range (``PARVIS_HTTP_ALLOW_PRIVATE``,
    where plain http is accepted too). Raises ValueError with a neutral message otherwise.
    """
    value = value.strip()
    if "://" not in value:
        value = "https://" + value
    try:
        url = check_url(value, require_https=True)
    except AddressRefused as exc:
        raise ValueError(str(exc)) from None
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


# https://docs.joinmastodon.org/methods/apps/#create
def mastodon_register_app(
    http: httpx.Client, base_url: str, *, redirect_uri: str, website: str = ""
) -> AppCredentials:
    """Register Parvis on the server at ``base_url``; the answer is the app's credentials."""
    form = {
        "client_name": "Parvis",
        "redirect_uris": redirect_uri,
        "scopes": " ".join(MASTODON_SCOPES),
    }
    if website:
        form["website"] = website
    body = send(
        http, _PlainDialect("mastodon"), "POST", base_url + "/api/v1/apps", data=form
    ).object()
    return AppCredentials(
        client_id=_text(body, "client_id", "mastodon"),
        client_secret=_text(body, "client_secret", "mastodon"),
    )


def mastodon_oauth_config(base_url: str) -> OAuthConfig:
    """Every Mastodon server has the same endpoints under its own address.
    https://docs.joinmastodon.org/methods/oauth/ — PKCE S256 since Mastodon 4.3."""
    return OAuthConfig(
        authorize_url=base_url + "/oauth/authorize",
        token_url=base_url + "/oauth/token",
        scopes=MASTODON_SCOPES,
        client_auth="body",
    )


# https://docs.joinmastodon.org/methods/accounts/#verify_credentials
def mastodon_account_info(http: httpx.Client, base_url: str, tokens: TokenSet) -> AccountInfo:
    body = send(
        http,
        _PlainDialect("mastodon"),
        "GET",
        base_url + "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    ).object()
    username = _text(body, "username", "mastodon")
    host = httpx.URL(base_url).host
    return AccountInfo(
        remote_id=_text(body, "id", "mastodon"),
        handle=f"@{username}@{host}",
        display_name=str(body.get("display_name") or ""),
        url=str(body.get("url") or ""),
        avatar_url=str(body.get("avatar") or ""),
    )


@dataclass(frozen=True)
class BlueskySession:
    """What ``createSession``/``refreshSession`` give: the account and its two JWTs."""

    info: AccountInfo
    tokens: TokenSet
    refresh_expires_at: datetime | None


def _bluesky_session(body: dict[str, Any], base_url: str) -> BlueskySession:
    access, refresh = _text(body, "accessJwt", "bluesky"), _text(body, "refreshJwt", "bluesky")
    handle = _text(body, "handle", "bluesky")
    info = AccountInfo(
        remote_id=_text(body, "did", "bluesky"),
        handle=handle,
        url=f"https://bsky.app/profile/{handle}",
    )
    tokens = TokenSet(access_token=access, refresh_token=refresh, expires_at=jwt_expiry(access))
    return BlueskySession(info=info, tokens=tokens, refresh_expires_at=jwt_expiry(refresh))


# https://docs.bsky.app/docs/api/com-atproto-server-create-session
def bluesky_create_session(
    http: httpx.Client, base_url: str, *, identifier: str, password: str
) -> BlueskySession:
    """Open a session with an app password. The password is sent once and never kept."""
    body = send(
        http,
        _PlainDialect("bluesky"),
        "POST",
        base_url + "/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
    ).object()
    return _bluesky_session(body, base_url)


# https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
def bluesky_refresh_session(http: httpx.Client, base_url: str, refresh_jwt: str) -> BlueskySession:
    """New JWTs from the refresh JWT (which rotates: store the answer at once)."""
    body = send(
        http,
        _PlainDialect("bluesky", refusal_means_reconnect=True),
        "POST",
        base_url + "/xrpc/com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {refresh_jwt}"},
        idempotent=False,
    ).object()
    return _bluesky_session(body, base_url)
