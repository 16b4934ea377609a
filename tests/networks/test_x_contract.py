"""The connector contract for X, against the spec-validating fake behind the fault proxy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired
from parvis.networks.x.connector import XConnector
from tests.networks.contract import TEST_POLICY, ConnectorContract
from tests.peers.faultproxy import FaultProxy
from tests.peers.x_fake import XFake

pytestmark = pytest.mark.peer


class SmallChunksXConnector(XConnector):
    media_chunk_bytes = 512 * 1024  # several chunks for a test-sized video


class XHarness:
    network = "x"

    def __init__(self, fake: XFake, proxy: FaultProxy) -> None:
        self.fake = fake
        self.proxy = proxy
        self.account_id = fake.me
        issued = fake.issue_tokens()
        self.tokens = TokenSet(
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            expires_at=datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
            scopes=tuple(issued["scope"].split()),
        )
        self.http = httpx.Client()

    def connector(self, **overrides: Any) -> XConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens,
            "account_id": self.account_id,
            "app": AppCredentials(XFake.client_id, XFake.client_secret),
            "http": self.http,
            "base_url": self.proxy.url,
            "policy": TEST_POLICY,
            "sleep": lambda seconds: None,
        }
        options.update(overrides)
        return SmallChunksXConnector(**options)

    def published_texts(self) -> list[str]:
        return [post.text for post in self.fake.own_posts()]

    def post_exists(self, remote_id: str) -> bool:
        return remote_id in self.fake.posts

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        return self.fake.add_mention("client_fidele", f"@parvis_test {text}", in_reply_to=reply_to)

    def expire_access_token(self) -> None:
        with self.fake.lock:
            for token in self.fake.access.values():
                token.expires_at = 0

    def post_path(self) -> str:
        return "/2/tweets"


class TestXContract(ConnectorContract):
    @pytest.fixture
    def harness(self, x_fake: XFake, fault_proxy_factory: Any) -> Iterator[XHarness]:
        harness = XHarness(x_fake, fault_proxy_factory(x_fake.url))
        yield harness
        harness.http.close()

    def test_revoked_tokens_can_no_longer_be_used(self, harness: XHarness) -> None:
        """An organisation's deletion (or a disconnection) revokes both tokens at X: a copy of
        them, a stolen backup say, neither calls the API nor buys new tokens."""
        harness.connector().revoke_tokens()
        revokes = [s.method for s in harness.proxy.seen if s.path == "/2/oauth2/revoke"]
        assert revokes == ["POST", "POST"]  # the refresh token, then the access token
        assert harness.tokens.access_token not in harness.fake.access
        assert harness.tokens.refresh_token not in harness.fake.refresh
        with pytest.raises(AuthExpired):
            harness.connector().account_info()  # 401, then the refresh is refused
