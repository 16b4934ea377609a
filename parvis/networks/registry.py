"""Which provider describes which network: one explicit dict, imported lazily.

No discovery by file name or import side effects (django-allauth's maintainers regret theirs):
adding a network means writing its package and adding one line here. Importing this module
imports no network package; a provider module imports its connector (the HTTP stack) only when
asked for it. The order of the dict is the order of the « Comptes » page: the open networks
first (nothing to configure), then the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from parvis.core.vocabulary import Network
from parvis.networks.provider import ConnectorUnavailable, Provider, WebhookEndpoint

if TYPE_CHECKING:
    from parvis.networks.base import Connector

PROVIDERS: dict[Network, str] = {
    Network.BLUESKY: "parvis.networks.bluesky.provider",
    Network.MASTODON: "parvis.networks.mastodon.provider",
    Network.LINKEDIN: "parvis.networks.linkedin.provider",
    Network.FACEBOOK: "parvis.networks.facebook.provider",
    Network.INSTAGRAM: "parvis.networks.instagram.provider",
    Network.X: "parvis.networks.x.provider",
    Network.YOUTUBE: "parvis.networks.youtube.provider",
}

__all__ = ["PROVIDERS", "ConnectorUnavailable", "get_connector_class", "provider", "providers"]


def provider(kind: Network | str) -> Provider:
    """The provider of ``kind`` ("x", Network.X...); :class:`ConnectorUnavailable` for a kind
    Parvis does not know."""
    try:
        module_name = PROVIDERS[Network(kind)]
    except ValueError as exc:
        raise ConnectorUnavailable(f"unknown network kind {kind!r}") from exc
    found = getattr(importlib.import_module(module_name), "PROVIDER", None)
    if not isinstance(found, Provider):
        raise ConnectorUnavailable(f"{module_name}.PROVIDER is not a Provider")
    return found


def providers() -> Iterator[Provider]:
    """Every network's provider, in the order of the « Comptes » page."""
    for kind in PROVIDERS:
        yield provider(kind)


def webhook_endpoints() -> list[WebhookEndpoint]:
    """The webhook endpoints Parvis listens on, each once (Facebook and Instagram share one)."""
    found: dict[str, WebhookEndpoint] = {}
    for each in providers():
        if each.webhook_endpoint is not None:
            found.setdefault(each.webhook_endpoint.slug, each.webhook_endpoint)
    return list(found.values())


def get_connector_class(kind: Network | str) -> type[Connector]:
    """The connector class for ``kind``, imported on first use."""
    return provider(kind).connector_class()
