"""The connector contract for Facebook Pages, against the fake Graph API behind the fault proxy.

Token checks differ from OAuth 2 networks: a Page token does not expire and nothing can refresh
it (the user logs in again), so the three refresh checks are replaced by Meta's behaviour.
Meta's throttling gives a duration, not an instant: the reset check allows for the call's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import AuthExpired, RateLimited
from parvis.networks.facebook.connector import FacebookConnector
from tests.networks.contract import TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.meta_fake import MetaFake, meta_fake

pytestmark = pytest.mark.peer
__all__ = ["meta_fake"]


class SmallChunksFacebookConnector(FacebookConnector):
    video_chunk_bytes = 512 * 1024  # several upload requests for a test-sized video


class FacebookHarness:
    network = "facebook"

    def __init__(self, fake: MetaFake, proxy: FaultProxy) -> None:
        self.fake = fake
        self.proxy = proxy
        self.account_id = fake.page_id
        self.tokens = TokenSet(access_token=fake.page_token())
        self.http = httpx.Client()

    def connector(self, **overrides: Any) -> FacebookConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens,
            "account_id": self.account_id,
            "app": AppCredentials(MetaFake.app_id, MetaFake.app_secret),
            "http": self.http,
            "base_url": self.proxy.url + "/v25.0",
            "policy": TEST_POLICY,
            "sleep": lambda seconds: None,
        }
        options.update(overrides)
        return SmallChunksFacebookConnector(**options)

    def published_texts(self) -> list[str]:
        return [str(post.data.get("message", "")) for post in self.fake.page_posts()]

    def post_exists(self, remote_id: str) -> bool:
        return self.fake.node(remote_id) is not None

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to:
            return self.fake.add_comment(reply_to, text)
        return self.fake.add_tagged_post(f"@Atelier Parvis {text}")

    def expire_access_token(self) -> None:
        self.fake.expire_tokens()

    def post_path(self) -> str:
        return "/feed"


@pytest.fixture
def harness(meta_fake: MetaFake, fault_proxy_factory: Any) -> Iterator[FacebookHarness]:
    harness = FacebookHarness(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


class TestFacebookContract(ConnectorContract):
    def test_rate_limit_waits_until_the_networks_reset(self, harness: Any) -> None:
        before = datetime.now(UTC)
        harness.proxy.inject(Fault.rate_limited("facebook", reset_in=600, now=before))
        with pytest.raises(RateLimited) as caught:
            harness.connector().account_info()
        after = datetime.now(UTC)
        wait = timedelta(minutes=10)  # estimated_time_to_regain_access, in minutes
        assert before + wait <= caught.value.retry_at <= after + wait

    def test_refreshes_ahead_of_expiry(self, harness: Any) -> None:
        stored: list[TokenSet] = []
        connector = harness.connector(on_tokens_refreshed=stored.append)
        assert connector.tokens.expires_at is None  # Page tokens do not expire
        assert connector.account_info().remote_id == harness.account_id
        assert stored == []
        with pytest.raises(AuthExpired):
            connector.refresh_tokens()

    def test_refreshes_once_after_401(self, harness: Any) -> None:
        harness.fake.expire_tokens()
        with pytest.raises(AuthExpired) as caught:
            harness.connector().account_info()
        assert "Session has expired" in caught.value.detail
        assert [s for s in harness.proxy.seen if s.method == "GET"] == harness.proxy.seen[:1]

    def test_revoked_page_token_is_auth_expired(self, harness: Any) -> None:
        harness.fake.revoke_tokens()
        with pytest.raises(AuthExpired) as caught:
            harness.connector().publish(draft(unique_text("révoqué")))
        assert "reconnectez" in caught.value.user_message
