"""X: OAuth 2.0 with PKCE, one account per sign-in, Account Activity webhooks."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import Network
from parvis.networks.provider import Provider, WebhookEndpoint, WebhookEvents
from parvis.networks.x import webhooks
from parvis.networks.x.limits import CAPABILITIES


class XProvider(Provider):
    kind = Network.X
    connector_path = "parvis.networks.x.connector.XConnector"
    capabilities = CAPABILITIES
    interactions = frozenset(
        {"like_count", "reply_count", "retweet_count", "quote_count", "bookmark_count"}
    )
    webhook_endpoint: ClassVar[WebhookEndpoint | None] = webhooks.XEndpoint()
    # Since 2026-02-23 (social-apis.md §4.1): only a post that mentions or quotes us.
    public_reply_note = _("X accepts the answer only if this post mentions or quotes your account.")

    def parse_webhook(self, payload: Any) -> WebhookEvents:
        return webhooks.parse(payload)


PROVIDER = XProvider()
