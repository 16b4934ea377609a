"""The connector contract for Mastodon, against mastodon-mock (a real HTTP server, its own
process) behind the fault proxy; then what is Mastodon's own: Idempotency-Key, instance limits,
asynchronous media, direct messages, threads, the mock's real 401/422/429."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import AppCredentials, InboundKind, MediaFile, TokenSet
from parvis.networks.errors import AuthExpired, RateLimited, Rejected, Unconfirmed
from parvis.networks.mastodon.connector import MastodonConnector
from tests.networks.contract import PNG_BYTES, TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.mastodon import MastodonAccount, MastodonPeer, mastodon_peer, start_mastodon_mock

pytestmark = pytest.mark.peer
__all__ = ["mastodon_peer"]  # the session fixture, imported for pytest


class MastodonHarness:
    """A fresh owner account (and a fan who writes to it) per test: no state leaks."""

    network = "mastodon"

    def __init__(self, peer: MastodonPeer, proxy: FaultProxy) -> None:
        self.peer = peer
        self.proxy = proxy
        self.owner = peer.create_account(f"owner_{secrets.token_hex(4)}")
        self.fan = peer.create_account(f"fan_{secrets.token_hex(4)}")
        self.http = httpx.Client()
        self.account_id = str(self._get(self.owner, "/api/v1/accounts/verify_credentials")["id"])

    def connector(self, **overrides: Any) -> MastodonConnector:
        options: dict[str, Any] = {
            "tokens": TokenSet(access_token=self.owner.access_token),
            "account_id": self.account_id,
            "http": self.http,
            "base_url": self.proxy.url,
            "policy": TEST_POLICY,
            "sleep": lambda seconds: None,
        }
        options.update(overrides)
        return MastodonConnector(**options)

    def _get(self, account: MastodonAccount, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {account.access_token}"}
        answer = self.http.get(self.peer.base_url + path, headers=headers, params=params)
        answer.raise_for_status()
        return answer.json()

    def post_as(self, account: MastodonAccount, **payload: Any) -> str:
        headers = {"Authorization": f"Bearer {account.access_token}"}
        answer = self.http.post(
            self.peer.base_url + "/api/v1/statuses", json=payload, headers=headers
        )
        answer.raise_for_status()
        return str(answer.json()["id"])

    def published_texts(self) -> list[str]:
        statuses = self._get(self.owner, f"/api/v1/accounts/{self.account_id}/statuses", limit=40)
        return [
            self._get(self.owner, f"/api/v1/statuses/{status['id']}/source")["text"]
            for status in statuses
        ]

    def post_exists(self, remote_id: str) -> bool:
        headers = {"Authorization": f"Bearer {self.owner.access_token}"}
        answer = self.http.get(f"{self.peer.base_url}/api/v1/statuses/{remote_id}", headers=headers)
        return answer.status_code == 200

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        # Mastodon notifies the accounts a status mentions: replies start with the @acct.
        payload: dict[str, Any] = {"status": f"@{self.owner.username} {text}"}
        if reply_to:
            payload["in_reply_to_id"] = reply_to
        return self.post_as(self.fan, **payload)

    def expire_access_token(self) -> None:
        """Never called: Mastodon tokens do not expire (``oauth`` is None, the contract's
        refresh checks return early)."""

    def post_path(self) -> str:
        return "/api/v1/statuses"


@pytest.fixture
def harness(mastodon_peer: MastodonPeer, fault_proxy_factory: Any) -> Iterator[MastodonHarness]:
    harness = MastodonHarness(mastodon_peer, fault_proxy_factory(mastodon_peer.base_url))
    yield harness
    harness.http.close()


class TestMastodonContract(ConnectorContract):
    def test_rejection_carries_the_networks_reason(self, harness: Any) -> None:
        """Replaces the contract's "same draft twice is refused": on Mastodon the same draft
        twice is the *same* status (Idempotency-Key, tested below). A 422 carries the reason."""
        with pytest.raises(Rejected) as caught:
            harness.connector().publish(draft("a" * 501))
        assert caught.value.status == 422 and "too long" in caught.value.reason
        assert caught.value.reason in caught.value.user_message


def test_the_same_draft_twice_is_one_status(harness: MastodonHarness) -> None:
    connector = harness.connector()
    post = draft(unique_text("idempotent"))
    first, second = connector.publish(post), connector.publish(post)
    assert first.remote_id == second.remote_id
    assert harness.published_texts().count(post.text) == 1


def test_a_retry_after_a_lost_answer_does_not_double_post(harness: MastodonHarness) -> None:
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/api/v1/statuses")
    connector = harness.connector()
    post = draft(unique_text("rejoué"))
    with pytest.raises(Unconfirmed):
        connector.publish(post)
    again = connector.publish(post)  # the same Idempotency-Key: the server returns the status
    assert harness.published_texts().count(post.text) == 1
    assert harness.post_exists(again.remote_id)


def test_first_comment_is_a_reply_below_the_post(harness: MastodonHarness) -> None:
    result = harness.connector().publish(draft(unique_text("premier"), first_comment="Le lien"))
    assert result.first_comment_id
    context = harness._get(harness.owner, f"/api/v1/statuses/{result.remote_id}/context")
    assert [s["id"] for s in context["descendants"]] == [result.first_comment_id]


def test_instance_limits_come_from_the_server(harness: MastodonHarness) -> None:
    connector = harness.connector()
    limits = connector.fetch_instance()
    # mastodon-mock announces 10 MB pictures where stock Mastodon says 16 MB.
    assert limits.text_limit == 500 and limits.images is not None
    assert limits.images.max_bytes == 10 * 1024 * 1024
    big = MediaFile("image/png", 11 * 1024 * 1024, 800, 600, data=lambda: PNG_BYTES)
    assert [i.code for i in connector.validate(draft("Photo", media=(big,)))] == ["image_too_heavy"]
    connector.use_instance({"configuration": {"statuses": {"max_characters": 1000}}})
    assert connector.validate(draft("a" * 900)) == []


def test_media_still_processing_is_awaited(harness: MastodonHarness) -> None:
    """mastodon-mock answers every upload with 200 at once; the 202/206 path of real servers
    is produced here by the proxy around a real upload (the only way to exercise it)."""
    headers = {"Authorization": f"Bearer {harness.owner.access_token}"}
    uploaded = harness.http.post(
        harness.peer.base_url + "/api/v2/media",
        headers=headers,
        files={"file": ("clip.mp4", b"\x00" * 4096, "video/mp4")},
    ).json()
    pending = {**uploaded, "url": None}
    harness.proxy.inject(Fault.json(202, pending), method="POST", path="/api/v2/media")
    harness.proxy.inject(Fault.json(206, pending), method="GET", path="/api/v1/media/", times=2)
    connector = harness.connector()
    video = MediaFile("video/mp4", 4096, 640, 360, duration=3.0, data=lambda: b"\x00" * 4096)
    result = connector.publish(draft(unique_text("traitement"), media=(video,)))
    polls = [s for s in harness.proxy.seen if s.method == "GET" and "/api/v1/media/" in s.path]
    assert [s.fault for s in polls] == ["respond", "respond", None]
    status = harness._get(harness.owner, f"/api/v1/statuses/{result.remote_id}")
    assert [m["id"] for m in status["media_attachments"]] == [uploaded["id"]]


def test_alt_text_travels_as_description(harness: MastodonHarness) -> None:
    image = MediaFile(
        "image/png", len(PNG_BYTES), 8, 8, alt_text="Un schéma", data=lambda: PNG_BYTES
    )
    result = harness.connector().publish(draft(unique_text("alt"), media=(image,)))
    status = harness._get(harness.owner, f"/api/v1/statuses/{result.remote_id}")
    assert [m["description"] for m in status["media_attachments"]] == ["Un schéma"]


def test_direct_messages_with_cursor(harness: MastodonHarness) -> None:
    others = [harness.peer.create_account(f"client_{secrets.token_hex(4)}") for _ in range(3)]
    sent = {
        harness.post_as(
            other, status=f"@{harness.owner.username} Bonjour, un devis ?", visibility="direct"
        )
        for other in others
    }
    connector = harness.connector()
    first = connector.read_inbound(InboundKind.DM, limit=2)
    assert len(first.items) == 2 and first.next_cursor
    second = connector.read_inbound(InboundKind.DM, cursor=first.next_cursor, limit=2)
    items = first.items + second.items
    assert {i.remote_id for i in items} == sent and {i.kind for i in items} == {InboundKind.DM}
    assert second.next_cursor is None
    assert all(i.text.endswith("Bonjour, un devis ?") for i in items)


def test_thread_comments_from_the_status_context(harness: MastodonHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("fil")))
    first = harness.add_inbound("Bravo", reply_to=post.remote_id)
    nested = harness.add_inbound("Et la suite ?", reply_to=first)
    comments = connector.post_comments(post.remote_id)
    assert [c.remote_id for c in comments] == [first, nested]
    assert comments[1].parent_id == first and comments[0].author_handle == harness.fan.username


def test_real_401_is_auth_expired(harness: MastodonHarness) -> None:
    with pytest.raises(AuthExpired):
        harness.connector(tokens=TokenSet(access_token="revoked")).account_info()


def test_the_servers_own_rate_limit_headers() -> None:
    """mastodon-mock's own limiter (real 429 and X-RateLimit-Reset, which the mock writes in
    epoch seconds where Mastodon writes ISO 8601; both are read)."""
    with start_mastodon_mock(rate_limit=2, window_seconds=120) as peer:
        before = datetime.now(UTC).replace(microsecond=0)
        connector = MastodonConnector(
            tokens=TokenSet(access_token=peer.accounts["alice"].access_token),
            base_url=peer.base_url,
            policy=TEST_POLICY,
        )
        connector.account_info()
        connector.account_info()
        with pytest.raises(RateLimited) as caught:
            connector.account_info()
        connector.close()
    assert before < caught.value.retry_at <= before + timedelta(seconds=121)


def test_revoked_token_can_no_longer_be_used(harness: MastodonHarness) -> None:
    """With Parvis' app on the server, the access token is revoked: a copy of it gets the
    server's 401. mastodon-mock does not check whose app asks (Mastodon answers 403 to another
    app); build_connector gives the connector Parvis' registration on the account's server."""
    registered = harness.http.post(
        harness.peer.base_url + "/api/v1/apps",
        data={"client_name": "Parvis", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    ).json()
    app = AppCredentials(registered["client_id"], registered["client_secret"])
    harness.connector(app=app).revoke_tokens()
    assert [(s.method, s.path) for s in harness.proxy.seen] == [("POST", "/oauth/revoke")]
    with pytest.raises(AuthExpired):
        harness.connector().account_info()
