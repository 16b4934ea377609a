"""YouTube: Google OAuth, the channel of the Google account; read by polling (YouTube has no
comment webhooks)."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.provider import Provider
from parvis.networks.youtube.limits import CAPABILITIES


class YouTubeProvider(Provider):
    kind = Network.YOUTUBE
    connector_path = "parvis.networks.youtube.connector.YouTubeConnector"
    capabilities = CAPABILITIES
    interactions = frozenset({"likeCount", "commentCount"})


PROVIDER = YouTubeProvider()
