"""Facebook Pages: Facebook Login gives every Page the user manages (and each Page's Instagram
account); Meta's webhooks bring comments and Messenger messages."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import Network
from parvis.networks.app_check import AppCheck
from parvis.networks.contracts import AppCredentials
from parvis.networks.facebook import client, signin
from parvis.networks.facebook.limits import CAPABILITIES
from parvis.networks.meta import webhooks
from parvis.networks.meta.app_check import check_meta_app
from parvis.networks.provider import Provider, SignIn, WebhookEndpoint, WebhookEvents
from parvis.networks.signin import Candidate


class FacebookProvider(Provider):
    kind = Network.FACEBOOK
    connector_path = "parvis.networks.facebook.connector.FacebookConnector"
    capabilities = CAPABILITIES
    interactions = frozenset({"post_clicks"})
    always_choose = True
    connect_hint = _(
        "You then choose which Pages to connect, and for each Page its linked Instagram account."
    )
    nothing_to_connect = _(
        "This Facebook profile manages no Page, or did not let Parvis see them: nothing "
        "was connected."
    )
    webhook_endpoint: ClassVar[WebhookEndpoint | None] = webhooks.ENDPOINT

    def sign_in_candidates(self, sign_in: SignIn) -> list[Candidate]:
        return signin.candidates(sign_in, api_url=self.setting("api_url"))

    def check_app(self, http: httpx.Client, app: AppCredentials, *, redirect_uri: str) -> AppCheck:
        """The app access token, then the app's name (Graph answers for an id and secret)."""
        return check_meta_app(http, app, base_url=self.setting("api_url") or client.API_BASE_URL)

    def parse_webhook(self, payload: Any) -> WebhookEvents:
        return webhooks.parse(payload)


PROVIDER = FacebookProvider()
