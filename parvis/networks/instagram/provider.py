"""Instagram professional accounts: Business Login for Instagram (60-day tokens renewed by
trading the token itself), or through the Facebook Page they are linked to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import Network
from parvis.networks import registry
from parvis.networks.app_check import AppCheck, Outcome
from parvis.networks.contracts import AppCredentials
from parvis.networks.instagram import signin
from parvis.networks.instagram.limits import CAPABILITIES
from parvis.networks.meta import webhooks
from parvis.networks.provider import Provider, SignIn, WebhookEndpoint, WebhookEvents
from parvis.networks.signin import Candidate

if TYPE_CHECKING:
    from parvis.networks.models import SocialAccount


class InstagramProvider(Provider):
    kind = Network.INSTAGRAM
    connector_path = "parvis.networks.instagram.connector.InstagramConnector"
    capabilities = CAPABILITIES
    # ``total_interactions`` already sums likes, comments, shares and saves.
    interactions = frozenset({"total_interactions"})
    # Other accounts' posts (Business Discovery, for the watch) give these two only.
    public_interactions = frozenset({"like_count", "comments_count"})
    # Instagram Login tokens have no refresh token: the token itself is traded for a new one
    # (``ig_refresh_token``) while still valid.
    renews_without_refresh_token = True
    connect_hint = _(
        "An Instagram account linked to a Facebook Page can also be connected through Facebook."
    )
    # Deliveries come through Meta's endpoint, filed as Instagram by their "object".
    webhook_endpoint: ClassVar[WebhookEndpoint | None] = webhooks.ENDPOINT

    def account_app(self, account: SocialAccount) -> AppCredentials | None:
        """An account reached through its Facebook Page (Facebook Login) holds a Page token,
        whose ``appsecret_proof`` needs the Facebook app's secret, not the Instagram Login
        app's."""
        config = account.config if isinstance(account.config, dict) else {}
        if config.get("login") == "facebook":
            return registry.provider(Network.FACEBOOK).app_credentials()
        return self.app_credentials()

    def reconnect_kind(self, account: SocialAccount) -> Network:
        """An account reached through its Facebook Page comes back through Facebook Login."""
        config = account.config if isinstance(account.config, dict) else {}
        return Network.FACEBOOK if config.get("login") == "facebook" else self.kind

    def sign_in_candidates(self, sign_in: SignIn) -> list[Candidate]:
        return signin.candidates(
            sign_in,
            connector_class=self.connector_class(),
            api_url=self.setting("api_url"),
            token_url=self.setting("token_url"),
        )

    def check_app(self, http: httpx.Client, app: AppCredentials, *, redirect_uri: str) -> AppCheck:
        """Instagram Login documents no call an app may make alone, and its token endpoint
        answers a wrong secret and an unknown code alike (400): the first connection checks."""
        return AppCheck(Outcome.UNCHECKED)

    def parse_webhook(self, payload: Any) -> WebhookEvents:
        return webhooks.parse(payload)


PROVIDER = InstagramProvider()
