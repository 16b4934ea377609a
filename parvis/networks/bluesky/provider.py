"""Bluesky: a handle and an app password open a session on the account's server (its PDS);
the session's JWTs are renewed with the refresh JWT; read by polling."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import httpx
from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.guarded_http import guarded_client
from parvis.core.vocabulary import Network
from parvis.networks.bluesky import signin
from parvis.networks.bluesky.forms import DEFAULT_SERVER, ConnectForm
from parvis.networks.bluesky.limits import CAPABILITIES
from parvis.networks.provider import ConnectMethod, Provider, Session

if TYPE_CHECKING:
    from parvis.networks.models import SocialAccount


class BlueskyProvider(Provider):
    kind = Network.BLUESKY
    connector_path = "parvis.networks.bluesky.connector.BlueskyConnector"
    capabilities = CAPABILITIES
    connect_method = ConnectMethod.APP_PASSWORD
    default_server: ClassVar[str] = DEFAULT_SERVER
    interactions = frozenset(
        {"like_count", "repost_count", "reply_count", "quote_count", "bookmark_count"}
    )
    connect_form: ClassVar[type[forms.Form] | None] = ConnectForm
    connect_form_label = _("Connect a Bluesky account")
    not_a_server = _("This is not the address of a Bluesky server.")
    password_refused = _("Bluesky refused this handle and app password: check both and try again.")

    def open_session(
        self, http: httpx.Client, server: str, *, identifier: str, password: str
    ) -> Session:
        return signin.create_session(http, server, identifier=identifier, password=password)

    def renew_tokens(self, account: SocialAccount) -> None:
        """A new session from the refresh JWT, whose own end is kept for the « Comptes » page."""
        with guarded_client() as http:
            session = signin.refresh_session(http, account.api_base_url, account.refresh_token)
        account.store_tokens(session.tokens)
        account.refresh_expires_at = session.refresh_expires_at
        account.save(update_fields=["refresh_expires_at"])


PROVIDER = BlueskyProvider()
