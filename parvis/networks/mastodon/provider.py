"""Mastodon: each account lives on its own server, where Parvis registers once (kept for every
organisation) before the person signs in; limits are the server's own; read by polling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.fields import is_unreadable
from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import AccountInfo, AppCredentials, TokenSet
from parvis.networks.mastodon import signin
from parvis.networks.mastodon.forms import ConnectForm
from parvis.networks.mastodon.limits import CAPABILITIES, mastodon_capabilities
from parvis.networks.models import MastodonInstanceApp, SocialAccount
from parvis.networks.oauth import OAuthConfig
from parvis.networks.provider import ConnectMethod, Provider


class MastodonProvider(Provider):
    kind = Network.MASTODON
    connector_path = "parvis.networks.mastodon.connector.MastodonConnector"
    capabilities = CAPABILITIES
    connect_method = ConnectMethod.INSTANCE
    interactions = frozenset({"replies_count", "reblogs_count", "favourites_count", "quotes_count"})
    connect_form: ClassVar[type[forms.Form] | None] = ConnectForm
    connect_form_label = _("Connect a Mastodon account")
    not_a_server = _("This is not the address of a Mastodon server.")

    def capabilities_for(self, config: Mapping[str, Any]) -> Capabilities:
        """The account's own server's limits when its ``GET /api/v2/instance`` document is
        stored in ``config["instance"]``, else a stock server's."""
        instance = config.get("instance")
        return mastodon_capabilities(instance) if isinstance(instance, dict) else CAPABILITIES

    def account_app(self, account: SocialAccount) -> AppCredentials | None:
        """Parvis' own registration on the account's server (the newest, should the public
        address have changed): the token was issued to it, and only it may revoke the token."""
        if not account.api_base_url:
            return self.app_credentials()
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

    def instance_oauth_config(self, server: str) -> OAuthConfig:
        return signin.oauth_config(server)

    def instance_register_app(
        self, http: httpx.Client, server: str, *, redirect_uri: str
    ) -> AppCredentials:
        return signin.register_app(http, server, redirect_uri=redirect_uri)

    def instance_account_info(
        self, http: httpx.Client, server: str, tokens: TokenSet
    ) -> AccountInfo:
        return signin.account_info(http, server, tokens)


PROVIDER = MastodonProvider()
