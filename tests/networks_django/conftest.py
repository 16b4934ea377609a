"""Fixtures of the accounts-page tests: English-speaking cast clients, network settings."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from parvis.accounts.models import User
from tests.conftest import Cast
from tests.peers.bluesky import BlueskyPeer, start_bluesky_network
from tests.peers.mastodon import mastodon_peer  # noqa: F401 - session fixture
from tests.peers.x_fake import x_fake  # noqa: F401 - fixture


def english_client(user: User) -> Client:
    """Tests read English wording: the user's language decides the page's."""
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(cast: Cast) -> Client:
    return english_client(cast.alice)


@pytest.fixture
def networks(settings: Any) -> Iterator[dict[str, dict[str, object]]]:
    """A private copy of ``settings.NETWORKS`` that a test may change."""
    settings.NETWORKS = copy.deepcopy(settings.NETWORKS)
    yield settings.NETWORKS


@pytest.fixture(scope="session")
def bluesky_pds() -> Iterator[BlueskyPeer]:
    """A real PDS (PLC + PDS only: connecting needs no AppView, and no database server)."""
    with start_bluesky_network(mode="pds") as peer:
        yield peer
