"""The connector contract for LinkedIn pages, against the hand-written fake behind the fault proxy.

Differences from the shared checks, both LinkedIn's own behaviour: a 429 carries no reset header
(the daily quota resets at midnight UTC), and a publish answer has no body (201 + ``x-restli-id``),
so a "truncated" fault cannot lose it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import AppCredentials, TokenSet
from parvis.networks.errors import RateLimited
from parvis.networks.linkedin.connector import LinkedInConnector
from parvis.networks.text import LINKEDIN_RESERVED
from tests.networks.contract import TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.linkedin import ORG, ORG_ID, LinkedInFake, linkedin_fake

pytestmark = pytest.mark.peer
__all__ = ["linkedin_fake"]


def unescape(commentary: str) -> str:
    for char in LINKEDIN_RESERVED:
        commentary = commentary.replace("\\" + char, char)
    return commentary


class LinkedInHarness:
    network = "linkedin"

    def __init__(self, fake: LinkedInFake, proxy: FaultProxy) -> None:
        self.fake = fake
        self.proxy = proxy
        self.account_id = ORG_ID
        issued = fake.issue_tokens()
        self.tokens = TokenSet(
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            expires_at=datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
            scopes=tuple(issued["scope"].split(",")),
        )
        self.http = httpx.Client()

    def connector(self, **overrides: Any) -> LinkedInConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens,
            "account_id": self.account_id,
            "app": AppCredentials(LinkedInFake.client_id, LinkedInFake.client_secret),
            "http": self.http,
            "base_url": self.proxy.url,
            "policy": TEST_POLICY,
            "sleep": lambda seconds: None,
        }
        cls: type[LinkedInConnector] = overrides.pop("cls", LinkedInConnector)
        options.update(overrides)
        return cls(**options)

    def published_texts(self) -> list[str]:
        return [unescape(post.text) for post in self.fake.own_posts()]

    def post_exists(self, remote_id: str) -> bool:
        return remote_id in self.fake.posts or remote_id in self.fake.comments

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to:
            return self.fake.add_comment(reply_to, text)
        return self.fake.add_mention(f"@[Atelier Parvis]({ORG}) {text}")

    def expire_access_token(self) -> None:
        self.fake.expire_access_tokens()

    def post_path(self) -> str:
        return "/rest/posts"


@pytest.fixture
def harness(linkedin_fake: LinkedInFake, fault_proxy_factory: Any) -> Iterator[LinkedInHarness]:
    harness = LinkedInHarness(linkedin_fake, fault_proxy_factory(linkedin_fake.url))
    yield harness
    harness.http.close()


class TestLinkedInContract(ConnectorContract):
    def test_rate_limit_waits_until_the_networks_reset(self, harness: Any) -> None:
        now = datetime.now(UTC)
        harness.proxy.inject(Fault.rate_limited("linkedin", reset_in=600, now=now))
        with pytest.raises(RateLimited) as caught:
            harness.connector().account_info()
        # No header: "APPLICATION DAY limit" resets at the next midnight UTC.
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        assert caught.value.retry_at == midnight
        assert "DAY limit" in caught.value.detail

    def test_lost_answer_to_publish_is_reconciled_not_retried(  # type: ignore[override]
        self, harness: Any
    ) -> None:
        started = datetime.now(UTC) - timedelta(seconds=5)
        harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/rest/posts")
        text = unique_text("réconcilié") + " https://parvis.example/offre?utm=x"
        result = harness.connector().publish_and_confirm(draft(text), started_at=started)
        assert result.reconciled and harness.post_exists(result.remote_id)
        assert harness.published_texts().count(text) == 1
        posts = [s for s in harness.proxy.seen if s.method == "POST" and s.path == "/rest/posts"]
        assert len(posts) == 1

    def test_truncation_cannot_lose_a_header_only_publish_answer(self, harness: Any) -> None:
        harness.proxy.inject(Fault.truncated(), method="POST", path="/rest/posts")
        text = unique_text("en-tête")
        result = harness.connector().publish(draft(text))
        assert not result.reconciled and result.remote_id.startswith("urn:li:share:")
        assert harness.published_texts().count(text) == 1
