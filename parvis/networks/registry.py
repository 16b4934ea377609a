"""Which class implements which network: an explicit dict, imported lazily.

No discovery by file name or import side effects (django-allauth's maintainers regret theirs):
adding a network means adding one line here. Importing this module imports no connector, so
settings, models and the admin can list kinds without loading seven HTTP stacks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from parvis.core.vocabulary import Network

if TYPE_CHECKING:
    from parvis.networks.base import Connector

CONNECTORS: dict[Network, str] = {
    Network.X: "parvis.networks.x.connector.XConnector",
    Network.BLUESKY: "parvis.networks.bluesky.connector.BlueskyConnector",
    Network.MASTODON: "parvis.networks.mastodon.connector.MastodonConnector",
    Network.FACEBOOK: "parvis.networks.facebook.connector.FacebookConnector",
    Network.INSTAGRAM: "parvis.networks.instagram.connector.InstagramConnector",
    Network.LINKEDIN: "parvis.networks.linkedin.connector.LinkedInConnector",
    Network.YOUTUBE: "parvis.networks.youtube.connector.YouTubeConnector",
}


class ConnectorUnavailable(LookupError):
    """The kind is unknown, or its package is not written or not importable yet."""


def get_connector_class(kind: Network | str) -> type[Connector]:
    """The connector class for ``kind`` ("x", Network.X...), imported on first use."""
    from parvis.networks.base import Connector

    try:
        dotted = CONNECTORS[Network(kind)]
    except ValueError as exc:
        raise ConnectorUnavailable(f"unknown network kind {kind!r}") from exc
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise  # a real missing dependency inside the connector: do not hide it
        raise ConnectorUnavailable(f"{dotted} is not available") from exc
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise ConnectorUnavailable(f"{dotted} is not a Connector subclass")
    return cls
