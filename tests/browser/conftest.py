"""Fixtures of the browser journeys: the peers they connect to (one per session)."""

from __future__ import annotations

from tests.peers.mastodon import mastodon_peer

__all__ = ["mastodon_peer"]
