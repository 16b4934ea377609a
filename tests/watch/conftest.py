from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.peers.feeds import FeedServer, feed_server


@pytest.fixture
def feeds(settings: Any) -> Iterator[FeedServer]:
    """The local feed server, reachable through the guarded client (127.0.0.1 only)."""
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    with feed_server() as server:
        yield server
