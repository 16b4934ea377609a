"""Fixtures of the network tests: the peers (local stand-ins of the networks, a real Bluesky
PDS, mastodon-mock), the fault proxy, English-speaking cast clients and network settings."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.conftest import Cast, english_client
from tests.peers.bluesky import bluesky_peer
from tests.peers.faultproxy import fault_proxy_factory
from tests.peers.mastodon import mastodon_peer
from tests.peers.x_fake import x_fake

# Fixtures of the peers, for every test of this folder.
__all__ = ["bluesky_peer", "fault_proxy_factory", "mastodon_peer", "x_fake"]


@pytest.fixture
def alice(cast: Cast) -> Client:
    return english_client(cast.alice)


@pytest.fixture
def networks(settings: Any) -> Iterator[dict[str, dict[str, object]]]:
    """A private copy of ``settings.NETWORKS`` that a test may change."""
    settings.NETWORKS = copy.deepcopy(settings.NETWORKS)
    yield settings.NETWORKS
