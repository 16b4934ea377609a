"""LinkedIn company pages: one sign-in gives every page the member administers; Organization
Social Action Notifications bring comments and mentions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import Network
from parvis.networks.linkedin import signin, webhooks
from parvis.networks.linkedin.limits import CAPABILITIES
from parvis.networks.provider import Provider, SignIn, WebhookEndpoint, WebhookEvents
from parvis.networks.signin import Candidate


class LinkedInProvider(Provider):
    kind = Network.LINKEDIN
    connector_path = "parvis.networks.linkedin.connector.LinkedInConnector"
    capabilities = CAPABILITIES
    interactions = frozenset({"likeCount", "commentCount", "shareCount", "clickCount"})
    connect_hint = _(
        "Sign in as an administrator of your company page; you choose the page if you "
        "administer several."
    )
    nothing_to_connect = _(
        "This LinkedIn member administers no company page: nothing was connected."
    )
    webhook_endpoint: ClassVar[WebhookEndpoint | None] = webhooks.LinkedInEndpoint()

    def sign_in_candidates(self, sign_in: SignIn) -> list[Candidate]:
        return signin.candidates(
            sign_in, connector_class=self.connector_class(), api_url=self.setting("api_url")
        )

    def parse_webhook(self, payload: Any) -> WebhookEvents:
        return webhooks.parse(payload)


PROVIDER = LinkedInProvider()
