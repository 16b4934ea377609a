"""The provider: what Parvis knows about one network, with no account (Sentry's provider /
installation split).

A :class:`Provider` describes a network: its label, its limits, how an account is connected
(OAuth with Parvis' app, OAuth through the person's own server, an app password), the accounts
one sign-in gives, how long before their end tokens are renewed, its webhook endpoint and how its
deliveries read, the metric names that count as engagement. A :class:`~parvis.networks.base.
Connector` instance stays what it was: bound to *one* account and its tokens.

Each ``parvis/networks/<net>/provider.py`` defines one subclass and one instance, ``PROVIDER``;
:mod:`parvis.networks.registry` lists them. Code outside the network packages asks the registry
for a kind's provider instead of comparing kinds.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.utils.functional import Promise

from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks import app_settings, oauth
from parvis.networks.app_check import AppCheck, Outcome, probe_token_endpoint
from parvis.networks.base import Connector
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import AccountInfo, AppCredentials, InboundItem, TokenSet
from parvis.networks.errors import NotSupported, Transient
from parvis.networks.signin import Candidate

if TYPE_CHECKING:
    from django import forms

    from parvis.networks.models import SocialAccount

# The periodic refresh renews tokens expiring within this window; it runs every few minutes.
REFRESH_AHEAD = timedelta(minutes=30)


class ConnectorUnavailable(LookupError):
    """The kind is unknown, or its package is not written or not importable yet."""


class ConnectMethod(StrEnum):
    """How a person connects an account of the network."""

    OAUTH = "oauth"  # sign in on the network, which sends them back to Parvis' own app
    INSTANCE = "instance"  # name their server; Parvis registers there once, then OAuth
    # A handle and an app password open a session (the password is never stored).
    APP_PASSWORD = "app_password"  # noqa: S105 - a method's name, not a password


@dataclass(frozen=True)
class Session:
    """What an app-password sign-in or a session renewal gives: the account and its tokens."""

    info: AccountInfo
    tokens: TokenSet
    refresh_expires_at: datetime | None


@dataclass(frozen=True)
class SignIn:
    """The end of one OAuth sign-in, ready to be traded for the accounts it gives."""

    http: httpx.Client
    config: oauth.OAuthConfig
    app: AppCredentials
    code: str
    redirect_uri: str
    code_verifier: str | None


ParsedEvent = tuple[str, InboundItem]
"""One item a webhook delivery brings, with the remote id of the account it concerns."""


@dataclass(frozen=True)
class WebhookEvents:
    """What one delivery says: ``items`` to ingest, and ``read_again`` the remote ids of
    accounts whose feeds must be read through the connector now, because the delivery said that
    something happened without carrying it."""

    items: tuple[ParsedEvent, ...] = ()
    read_again: frozenset[str] = frozenset()


class MalformedDelivery(ValueError):
    """A delivery does not have the shape the network documents."""


ChallengeAnswer = str | dict[str, str]
"""The answer to a subscription check: plain text, or a JSON object."""


class WebhookEndpoint:
    """One URL a network posts its events to (``/webhooks/<slug>/``): the subscription check
    (GET) and the signature over the raw body (POST). Facebook and Instagram share Meta's."""

    slug: ClassVar[str]
    kind: ClassVar[Network]  # whose settings hold the secrets; deliveries are filed under it
    signature_header: ClassVar[str]

    def setting(self, key: str) -> str:
        return app_settings.value(self.kind.value, key)

    def signing_secret(self) -> str:
        """The secret deliveries are signed with; "" when webhooks are not configured."""
        return self.setting("client_secret")

    def signature_valid(self, secret: str, body: bytes, header: str | None) -> bool:
        raise NotImplementedError

    def challenge(self, params: Mapping[str, str]) -> ChallengeAnswer | None:
        """The answer to the network's subscription check, or None to refuse it (403)."""
        raise NotImplementedError

    def network_of(self, payload: Any) -> Network:
        """Under which network a verified delivery is filed."""
        return self.kind


class Provider:
    """One network, described. Subclasses set the class attributes and override the few
    methods their network does differently; instances hold no state."""

    kind: ClassVar[Network]
    connector_path: ClassVar[str]  # "parvis.networks.x.connector.XConnector", imported lazily
    capabilities: ClassVar[Capabilities]
    connect_method: ClassVar[ConnectMethod] = ConnectMethod.OAUTH
    # Interaction counters under the network's metric names: what « best time » learns from.
    interactions: ClassVar[frozenset[str]] = frozenset()
    # The same counters on other accounts' public posts (the watch's ``PublicPost.counters``),
    # where the network names them differently; ``None``: the names above.
    public_interactions: ClassVar[frozenset[str] | None] = None
    # Tokens renewed without a refresh token (Instagram Login trades the token itself).
    renews_without_refresh_token: ClassVar[bool] = False
    # The person always picks the accounts a sign-in gives, even one (Facebook: each Page's
    # Instagram account is a choice).
    always_choose: ClassVar[bool] = False
    # Said under the « Connect » button; and when a sign-in gives no account.
    connect_hint: ClassVar[str | Promise] = ""
    nothing_to_connect: ClassVar[str | Promise | None] = None
    # Said beside « Answer » on a post the watch found, when the network adds a condition.
    public_reply_note: ClassVar[str | Promise] = ""
    # Where the network posts its events, if Parvis listens to it (None: polling only).
    webhook_endpoint: ClassVar[WebhookEndpoint | None] = None
    # INSTANCE and APP_PASSWORD networks: the form that asks for the server or the password.
    connect_form: ClassVar[type[forms.Form] | None] = None
    # INSTANCE and APP_PASSWORD networks: what to say about a bad server address, and (app
    # password) when the network refuses the handle and password.
    connect_form_label: ClassVar[str | Promise] = ""  # the form's accessible name
    not_a_server: ClassVar[str | Promise] = ""
    password_refused: ClassVar[str | Promise] = ""

    # --- description --------------------------------------------------------------------------

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self.kind]

    @property
    def env_prefix(self) -> str:
        """``PARVIS_X_`` for X: ``ENABLED``, ``CLIENT_ID``, ``CLIENT_SECRET`` follow."""
        return f"PARVIS_{self.kind.value.upper()}_"

    def connector_class(self) -> type[Connector]:
        """The connector class, imported on first use; :class:`ConnectorUnavailable` when its
        package is not written or not importable."""
        module_name, _, class_name = self.connector_path.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise  # a real missing dependency inside the connector: do not hide it
            raise ConnectorUnavailable(f"{self.connector_path} is not available") from exc
        cls = getattr(module, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            raise ConnectorUnavailable(f"{self.connector_path} is not a Connector subclass")
        return cls

    def is_available(self) -> bool:
        try:
            self.connector_class()
        except ConnectorUnavailable:
            return False
        return True

    @property
    def revokes_tokens(self) -> bool:
        """Whether disconnecting asks the network to end the account's access."""
        try:
            return self.connector_class().revokes_tokens
        except ConnectorUnavailable:
            return False

    def capabilities_for(self, config: Mapping[str, Any]) -> Capabilities:
        """The limits of one account, from its stored ``config`` (Mastodon: its server's)."""
        return self.capabilities

    # --- operator's configuration -------------------------------------------------------------

    def setting(self, key: str) -> str:
        """The operator's setting ``key``: environment first, then the app an administrator
        saved in the interface (:mod:`parvis.networks.app_settings`)."""
        return app_settings.value(self.kind.value, key)

    def enabled(self) -> bool:
        return app_settings.enabled(self.kind.value)

    def app_credentials(self) -> AppCredentials | None:
        """Parvis' own app at the network (``PARVIS_<NET>_CLIENT_ID`` / ``CLIENT_SECRET``, or
        the app saved in the interface)."""
        if not self.setting("client_id"):
            return None
        return AppCredentials(
            client_id=self.setting("client_id"), client_secret=self.setting("client_secret")
        )

    def oauth_config(self) -> oauth.OAuthConfig | None:
        """The connector's OAuth endpoints with the operator's overrides (test peers, proxies);
        None for a network not connected through a sign-in page of its own."""
        config = self.connector_class().oauth
        if config is None:
            return None
        return oauth.OAuthConfig(
            authorize_url=self.setting("auth_url") or config.authorize_url,
            token_url=self.setting("token_url") or config.token_url,
            scopes=config.scopes,
            pkce=config.pkce,
            client_auth=config.client_auth,
            scope_separator=config.scope_separator,
            refresh_margin=config.refresh_margin,
            extra_authorize_params=config.extra_authorize_params,
        )

    def check_app(self, http: httpx.Client, app: AppCredentials, *, redirect_uri: str) -> AppCheck:
        """« Vérifier »: ask the network whether ``app`` is valid, before it is saved. By default
        the token endpoint authenticates the app on a code that cannot exist
        (:func:`parvis.networks.app_check.probe_token_endpoint`)."""
        config = self.oauth_config()
        if config is None:
            return AppCheck(Outcome.UNCHECKED)
        return probe_token_endpoint(
            http, config, app, redirect_uri=redirect_uri, network=self.kind.value
        )

    # --- one connected account ----------------------------------------------------------------

    def account_app(self, account: SocialAccount) -> AppCredentials | None:
        """The app credentials that sign ``account``'s calls (and may renew its tokens)."""
        return self.app_credentials()

    def reconnect_kind(self, account: SocialAccount) -> Network:
        """Through which network's sign-in the account is connected again."""
        return self.kind

    def refresh_ahead(self) -> timedelta:
        """How long before its end an access token is renewed: the connector's margin
        (Instagram and LinkedIn: 7 days of their 60), never less than one period of the job."""
        try:
            config = self.connector_class().oauth
        except ConnectorUnavailable:
            return REFRESH_AHEAD
        return max(REFRESH_AHEAD, config.refresh_margin) if config is not None else REFRESH_AHEAD

    def renew_tokens(self, account: SocialAccount) -> None:
        """Renew the account's tokens now; the connector stores the rotated ones through its
        callback before returning. Raises the connectors' errors."""
        connector = account.connector()
        try:
            connector.refresh_tokens()
        finally:
            connector.close()

    # --- connecting: OAUTH --------------------------------------------------------------------

    def sign_in_candidates(self, sign_in: SignIn) -> list[Candidate]:
        """The accounts one sign-in gives. By default the one account the tokens belong to:
        code -> tokens -> the connector's ``account_info``."""
        tokens = oauth.exchange_code(
            sign_in.http,
            sign_in.config,
            sign_in.app,
            code=sign_in.code,
            redirect_uri=sign_in.redirect_uri,
            code_verifier=sign_in.code_verifier,
        )
        api_url = self.setting("api_url")
        connector = self.connector_class()(
            tokens=tokens,
            app=sign_in.app,
            http=sign_in.http,
            base_url=api_url or None,
            token_url=sign_in.config.token_url,
        )
        info = connector.account_info()
        if not info.remote_id:
            raise Transient(
                "the network did not say which account signed in", network=self.kind.value
            )
        return [
            Candidate(
                key=f"{self.kind.value}:{info.remote_id}",
                kind=self.kind,
                info=info,
                tokens=connector.tokens,
                api_base_url=api_url,
            )
        ]

    # --- connecting: INSTANCE (the person's own server) ---------------------------------------

    def instance_oauth_config(self, server: str) -> oauth.OAuthConfig:
        raise NotSupported("connexion par serveur", network=self.kind.value)

    def instance_register_app(
        self, http: httpx.Client, server: str, *, redirect_uri: str
    ) -> AppCredentials:
        """Register Parvis on ``server``; Parvis keeps the answer for every organisation."""
        raise NotSupported("connexion par serveur", network=self.kind.value)

    def instance_account_info(
        self, http: httpx.Client, server: str, tokens: TokenSet
    ) -> AccountInfo:
        raise NotSupported("connexion par serveur", network=self.kind.value)

    # --- connecting: APP_PASSWORD -------------------------------------------------------------

    default_server: ClassVar[str] = ""

    def open_session(
        self, http: httpx.Client, server: str, *, identifier: str, password: str
    ) -> Session:
        """Sign in with an app password, sent once and never kept."""
        raise NotSupported("connexion par mot de passe d’application", network=self.kind.value)

    # --- webhooks -----------------------------------------------------------------------------

    def parse_webhook(self, payload: Any) -> WebhookEvents:
        """The items a verified delivery brings (pure: no database, no network). Raises
        :class:`MalformedDelivery` (or a ``ValueError``...) for a payload it cannot read."""
        raise NotSupported("lecture des webhooks", network=self.kind.value)
