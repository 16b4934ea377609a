"""Fixtures for the peer tests: one Bluesky network and one mastodon-mock per session."""

from __future__ import annotations

from tests.peers.bluesky import bluesky_peer
from tests.peers.mastodon import mastodon_peer

__all__ = ["bluesky_peer", "mastodon_peer"]
