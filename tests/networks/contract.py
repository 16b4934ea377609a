"""The contract every connector honours, run against its peer over real HTTP on 127.0.0.1.

A connector's test module subclasses :class:`ConnectorContract` and provides a ``harness``
fixture (a :class:`PeerHarness`): the peer runs behind a :class:`FaultProxy`, and the harness
builds connectors pointed at the proxy. Checks that a network cannot do are skipped by
construction (they read the connector's ``capabilities``), never marked ``skip``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest

from parvis.networks.base import Connector
from parvis.networks.contracts import Draft, InboundKind, MediaFile, TokenSet
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    NotFound,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.transport import HttpPolicy
from tests.peers.faultproxy import Fault, FaultProxy

# Timeouts short enough that the injected hangs (3 s) trip the client quickly, long enough that
# a busy 2-core machine answering a normal call late is not taken for a lost answer; no
# sleeping between retries.
TEST_POLICY = HttpPolicy(timeout=1.5, connect_timeout=1.5, retries=2, backoff_seconds=0.0)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


class PeerHarness(Protocol):
    network: str  # key for Fault.rate_limited
    proxy: FaultProxy
    account_id: str

    def connector(self, **overrides: Any) -> Connector:
        """A connector bound to the test account, through the proxy, with TEST_POLICY."""

    def published_texts(self) -> list[str]:
        """Texts of the account's posts as the peer stores them."""

    def post_exists(self, remote_id: str) -> bool: ...

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        """Someone else mentions the account (or replies to ``reply_to``); returns its id."""

    def expire_access_token(self) -> None:
        """Make the peer consider the current access token expired."""

    def post_path(self) -> str:
        """The path (substring) of the publish request, to aim faults at it."""


def unique_text(label: str) -> str:
    return f"Contrat {label} {datetime.now(UTC).timestamp():.6f} — l’atelier ouvre à 9 h"


def draft(text: str, **kwargs: Any) -> Draft:
    return Draft(text=text, idempotency_key=f"key-{text}", **kwargs)


class ConnectorContract:
    """Shared checks. Subclasses define the ``harness`` fixture."""

    # --- happy paths ----------------------------------------------------------------------

    def test_account_info(self, harness: PeerHarness) -> None:
        info = harness.connector().account_info()
        assert info.remote_id == harness.account_id
        assert info.handle

    def test_publish_text(self, harness: PeerHarness) -> None:
        text = unique_text("texte")
        result = harness.connector().publish(draft(text))
        assert result.remote_id and result.url
        assert harness.post_exists(result.remote_id)
        assert harness.published_texts().count(text) == 1

    def test_publish_image_with_alt_text(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        image = MediaFile(
            "image/png", len(PNG_BYTES), 800, 600, alt_text="Un schéma", data=lambda: PNG_BYTES
        )
        post = draft(unique_text("image"), media=(image,))
        assert connector.validate(post) == []
        result = connector.publish(post)
        assert harness.post_exists(result.remote_id)

    def test_publish_video_in_chunks(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        if connector.capabilities.max_videos == 0:
            return
        content = bytes(range(256)) * 9000  # 2.3 MB: several chunks
        video = MediaFile("video/mp4", len(content), 1280, 720, duration=12.0, data=lambda: content)
        result = connector.publish(draft(unique_text("vidéo"), media=(video,)))
        assert harness.post_exists(result.remote_id)

    def test_first_comment(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        if not connector.capabilities.first_comment:
            return
        result = connector.publish(draft(unique_text("commentaire"), first_comment="Le lien : ici"))
        assert result.first_comment_id and harness.post_exists(result.first_comment_id)

    def test_validate_counts_the_network_way(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        limit = connector.capabilities.text_limit
        assert connector.validate(draft("a" * limit)) == []
        issues = connector.validate(draft("a" * (limit + 3)))
        assert [i.code for i in issues] == ["text_too_long"]
        # Where a character may count more than one (X, Mastodon, LinkedIn), « l’équivalent ».
        message = issues[0].message
        assert any(f"retirez {what}3 caractères" in message for what in ("", "l’équivalent de "))

    def test_reply_and_delete(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        parent = connector.publish(draft(unique_text("parent")))
        answer = connector.reply(parent_id=parent.remote_id, text=unique_text("réponse"))
        assert harness.post_exists(answer.remote_id)
        connector.delete(answer.remote_id)
        assert not harness.post_exists(answer.remote_id)
        connector.delete(answer.remote_id)  # deleting twice is not an error

    def test_read_mentions_with_cursor(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        seeded = {harness.add_inbound(f"Question {n} pour vous") for n in range(7)}
        first = connector.read_inbound(InboundKind.MENTION, limit=5)
        assert len(first.items) == 5 and first.next_cursor
        second = connector.read_inbound(InboundKind.MENTION, cursor=first.next_cursor, limit=5)
        ids = [item.remote_id for item in first.items + second.items]
        assert len(ids) == len(set(ids)) and seeded <= set(ids)
        assert all(item.author_id and item.created_at.tzinfo for item in first.items)

    def test_replies_to_our_posts_come_back_as_comments(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        if not connector.capabilities.can_read_comments:
            return
        post = connector.publish(draft(unique_text("fil")))
        reply_id = harness.add_inbound("Super nouvelle !", reply_to=post.remote_id)
        items = connector.read_inbound(InboundKind.COMMENT, limit=100).items
        found = next(item for item in items if item.remote_id == reply_id)
        assert found.kind is InboundKind.COMMENT and found.parent_id == post.remote_id

    def test_metrics_use_current_names(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        post = connector.publish(draft(unique_text("stats")))
        names = {p.name for p in connector.post_metrics([post.remote_id])}
        assert set(connector.capabilities.post_metrics) <= names
        account = {p.name for p in connector.account_metrics()}
        assert set(connector.capabilities.account_metrics) <= account

    # --- the watch (« Veille »): refusals that must cost no call ---------------------------

    def test_watch_search_refuses_a_huge_query_before_any_call(self, harness: PeerHarness) -> None:
        """A 10,000-character query is refused with a reason (or the network has no search:
        NotSupported, a Rejected too) and never reaches the network, nor its quota."""
        with pytest.raises(Rejected) as caught:
            harness.connector().search_posts("x" * 10_000)
        assert caught.value.reason and harness.proxy.seen == []

    def test_watch_refuses_what_is_no_account_before_any_call(self, harness: PeerHarness) -> None:
        with pytest.raises(Rejected) as caught:  # NotFound, or NotSupported where nothing is read
            harness.connector().public_profile("pas un compte !")
        assert isinstance(caught.value, NotFound | NotSupported) and harness.proxy.seen == []

    # --- tokens ----------------------------------------------------------------------------

    def test_refreshes_ahead_of_expiry(self, harness: PeerHarness) -> None:
        stored: list[TokenSet] = []
        connector = harness.connector(on_tokens_refreshed=stored.append)
        if connector.oauth is None:
            return
        soon = datetime.now(UTC) + timedelta(minutes=1)
        connector._tokens = replace(connector.tokens, expires_at=soon)
        connector.account_info()
        assert len(stored) == 1 and stored[0].access_token != ""
        assert stored[0].expires_at is not None and stored[0].expires_at > soon

    def test_refreshes_once_after_401(self, harness: PeerHarness) -> None:
        stored: list[TokenSet] = []
        connector = harness.connector(on_tokens_refreshed=stored.append)
        if connector.oauth is None:
            return
        harness.expire_access_token()
        assert connector.account_info().remote_id == harness.account_id
        assert len(stored) == 1

    def test_refused_refresh_is_auth_expired(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        if connector.oauth is None:
            return
        connector._tokens = replace(connector.tokens, refresh_token="revoked")
        harness.expire_access_token()
        with pytest.raises(AuthExpired) as caught:
            connector.account_info()
        assert caught.value.permanent and "reconnectez" in caught.value.user_message

    # --- the error taxonomy through the fault proxy ----------------------------------------

    def test_rate_limit_waits_until_the_networks_reset(self, harness: PeerHarness) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        harness.proxy.inject(Fault.rate_limited(harness.network, reset_in=600, now=now))
        with pytest.raises(RateLimited) as caught:
            harness.connector().account_info()
        assert caught.value.retry_at == now + timedelta(seconds=600)

    def test_server_error_on_a_read_is_retried(self, harness: PeerHarness) -> None:
        harness.proxy.inject(Fault.server_error(503), times=2)
        assert harness.connector().account_info().remote_id == harness.account_id

    def test_persistent_server_error_is_transient(self, harness: PeerHarness) -> None:
        harness.proxy.inject(Fault.server_error(503), times=None)
        self._expect(harness, lambda c: c.account_info(), Transient)

    def test_server_error_on_publish_is_not_retried(self, harness: PeerHarness) -> None:
        harness.proxy.inject(Fault.server_error(500), method="POST", path=harness.post_path())
        text = unique_text("500")
        with pytest.raises(Transient):
            harness.connector().publish(draft(text))
        posts = [
            s for s in harness.proxy.seen if s.method == "POST" and harness.post_path() in s.path
        ]
        assert len(posts) == 1 and text not in harness.published_texts()

    @pytest.mark.parametrize(
        "fault",
        [
            Fault.html(502),
            Fault.html(200),
            Fault.truncated(),
            Fault.huge(),
            Fault.hang(3.0),
            Fault.json(200, {"unexpected": {"shape": True}}),
        ],
        ids=["html-502", "html-200", "truncated", "huge", "timeout", "changed-shape"],
    )
    def test_bad_answers_to_reads_are_transient(self, harness: PeerHarness, fault: Fault) -> None:
        harness.proxy.inject(fault, times=None)
        self._expect(harness, lambda c: c.account_info(), Transient)

    def test_rejection_carries_the_networks_reason(self, harness: PeerHarness) -> None:
        connector = harness.connector()
        text = unique_text("doublon")
        connector.publish(draft(text))
        with pytest.raises(Rejected) as caught:
            connector.publish(draft(text))
        assert caught.value.permanent and caught.value.reason
        assert caught.value.reason in caught.value.user_message

    def test_timeout_before_the_peer_is_unconfirmed_and_not_found(
        self, harness: PeerHarness
    ) -> None:
        started = datetime.now(UTC) - timedelta(seconds=5)
        harness.proxy.inject(Fault.hang(3.0), method="POST", path=harness.post_path())
        connector = harness.connector()
        post = draft(unique_text("perdu"))
        with pytest.raises(Unconfirmed):
            connector.publish(post)
        assert connector.reconcile(post, since=started) is None  # safe to publish again now

    @pytest.mark.parametrize(
        "fault", [Fault.hang_after_forward(3.0), Fault.truncated()], ids=["timeout", "truncated"]
    )
    def test_lost_answer_to_publish_is_reconciled_not_retried(
        self, harness: PeerHarness, fault: Fault
    ) -> None:
        started = datetime.now(UTC) - timedelta(seconds=5)
        harness.proxy.inject(fault, method="POST", path=harness.post_path())
        text = unique_text("réconcilié") + " https://parvis.example/offre?utm=x"
        result = harness.connector().publish_and_confirm(draft(text), started_at=started)
        assert result.reconciled and harness.post_exists(result.remote_id)
        stored = [t for t in harness.published_texts() if t.startswith(text.split(" https")[0])]
        assert len(stored) == 1  # published exactly once

    def _expect(
        self,
        harness: PeerHarness,
        call: Callable[[Connector], object],
        error: type[ConnectorError],
    ) -> None:
        with pytest.raises(error) as caught:
            call(harness.connector())
        assert caught.value.user_message
