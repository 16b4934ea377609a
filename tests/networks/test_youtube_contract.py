"""The connector contract for YouTube, against the Data API fake behind the fault proxy.

YouTube publishes only videos: the shared checks publish text drafts, so the test connector
attaches a 300 KB clip to drafts that have no media (two chunks of 256 KiB). The checks that
cannot hold on YouTube are replaced by YouTube's behaviour: no mentions (comment threads with
``pageToken`` instead), no pictures, no duplicate refusal (an invalid description instead),
quota exhaustion as 403 ``quotaExceeded`` until midnight Pacific, and a lost answer is lost on
the *last chunk* of the upload, not on the session's POST (no video exists before the bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import (
    AppCredentials,
    Draft,
    InboundKind,
    MediaFile,
    PublishResult,
    TokenSet,
)
from parvis.networks.errors import AuthExpired, NotSupported, RateLimited, Rejected, Unconfirmed
from parvis.networks.youtube import client as api
from parvis.networks.youtube.connector import YouTubeConnector
from tests.networks.contract import PNG_BYTES, TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.youtube import YouTubeFake, youtube_fake

pytestmark = pytest.mark.peer
__all__ = ["youtube_fake"]

CLIP = bytes(range(256)) * 1200  # 300 KB


def clip(content: bytes = CLIP) -> MediaFile:
    return MediaFile("video/mp4", len(content), 1280, 720, duration=8.0, data=lambda: content)


class ClipYouTubeConnector(YouTubeConnector):
    chunk_bytes = api.UPLOAD_GRANULARITY  # several chunks for test-sized videos
    max_resumes = 2

    def publish(self, draft: Draft) -> PublishResult:
        if not draft.media:
            draft = replace(draft, media=(clip(),))
        return super().publish(draft)


class YouTubeHarness:
    network = "youtube"

    def __init__(self, fake: YouTubeFake, proxy: FaultProxy) -> None:
        self.fake = fake
        self.proxy = proxy
        fake.public_url = proxy.url  # upload session URIs point at the proxy too
        self.account_id = fake.channel_id
        issued = fake.issue_tokens()
        self.tokens = TokenSet(
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            expires_at=datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
            scopes=tuple(issued["scope"].split()),
        )
        self.http = httpx.Client()

    def connector(self, **overrides: Any) -> YouTubeConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens,
            "account_id": self.account_id,
            "app": AppCredentials(YouTubeFake.client_id, YouTubeFake.client_secret),
            "http": self.http,
            "base_url": self.proxy.url,
            "policy": TEST_POLICY,
            "sleep": lambda seconds: None,
        }
        options.update(overrides)
        return ClipYouTubeConnector(**options)

    def published_texts(self) -> list[str]:
        return [video["snippet"]["description"] for video in self.fake.videos.values()]

    def post_exists(self, remote_id: str) -> bool:
        return remote_id in self.fake.videos or remote_id in self.fake.comments

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to and reply_to in self.fake.comments:
            video_id = self.fake.comments[reply_to].video_id
            return self.fake.add_comment(video_id, text, parent=reply_to)
        video_id = reply_to or max(self.fake.videos.values(), key=lambda v: v["_published"])["id"]
        return self.fake.add_comment(video_id, text)

    def expire_access_token(self) -> None:
        self.fake.expire_access_tokens()

    def post_path(self) -> str:
        return api.UPLOAD


@pytest.fixture
def harness(youtube_fake: YouTubeFake, fault_proxy_factory: Any) -> Iterator[YouTubeHarness]:
    harness = YouTubeHarness(youtube_fake, fault_proxy_factory(youtube_fake.url))
    yield harness
    harness.http.close()


def pacific_midnight_after(moment: datetime) -> datetime:
    local = moment.astimezone(api.PACIFIC)
    next_day = (local + timedelta(days=1)).date()
    return datetime(next_day.year, next_day.month, next_day.day, tzinfo=api.PACIFIC)


class TestYouTubeContract(ConnectorContract):
    def test_rate_limit_waits_until_the_networks_reset(self, harness: Any) -> None:
        before = datetime.now(UTC)
        harness.proxy.inject(Fault.rate_limited("youtube"))
        with pytest.raises(RateLimited) as caught:
            harness.connector().account_info()
        assert caught.value.retry_at == pacific_midnight_after(before)
        assert caught.value.retry_at.astimezone(api.PACIFIC).hour == 0

    def test_publish_image_with_alt_text(self, harness: Any) -> None:
        image = MediaFile("image/png", len(PNG_BYTES), 800, 600, data=lambda: PNG_BYTES)
        post = draft(unique_text("image"), media=(image,))
        connector = harness.connector()
        assert "media_required" in {i.code for i in connector.validate(post)} or connector.validate(
            post
        )
        with pytest.raises(NotSupported):
            connector.publish(post)
        assert not harness.fake.sessions

    def test_validate_counts_the_network_way(self, harness: Any) -> None:
        connector = harness.connector()
        limit = connector.capabilities.text_limit
        assert connector.validate(draft("a" * limit, media=(clip(),), title="Titre")) == []
        issues = connector.validate(draft("a" * (limit + 3), media=(clip(),), title="Titre"))
        # 5,000 characters and 5,000 UTF-8 bytes: both limits speak
        assert [i.code for i in issues] == ["text_too_long", "text_too_many_bytes"]
        assert [i.code for i in connector.validate(draft("a"))] == [
            "title_missing",
            "media_required",
        ]

    def test_read_mentions_with_cursor(self, harness: Any) -> None:
        connector = harness.connector()
        with pytest.raises(NotSupported):
            connector.read_inbound(InboundKind.MENTION)
        video = connector.publish(draft(unique_text("fil")))
        seeded = {harness.add_inbound(f"Question {n}", reply_to=video.remote_id) for n in range(7)}
        first = connector.read_inbound(InboundKind.COMMENT, limit=5)
        assert len(first.items) == 5 and first.next_cursor
        second = connector.read_inbound(InboundKind.COMMENT, cursor=first.next_cursor, limit=5)
        ids = [item.remote_id for item in first.items + second.items]
        assert len(ids) == len(set(ids)) == 7 and set(ids) == seeded
        assert second.next_cursor is None
        assert all(item.author_id and item.created_at.tzinfo for item in first.items)

    def test_rejection_carries_the_networks_reason(self, harness: Any) -> None:
        with pytest.raises(Rejected) as caught:
            post = draft(unique_text("chevrons") + " <b>promo</b>", title="Promo")
            harness.connector().publish(post)
        assert caught.value.remote_code == "invalidDescription"
        assert caught.value.reason in caught.value.user_message

    def test_lost_answer_to_publish_is_reconciled_not_retried(  # type: ignore[override]
        self, harness: Any
    ) -> None:
        started = datetime.now(UTC) - timedelta(seconds=5)
        # Every PUT of the session loses its answer: the status queries too, so the outcome
        # of the last chunk stays unknown and the connector reconciles.
        harness.proxy.inject(Fault.hang_after_forward(3.0), method="PUT", times=None)
        text = unique_text("réconcilié")
        short = clip(CLIP[: api.UPLOAD_GRANULARITY])  # one chunk: the first PUT is the last
        result = harness.connector().publish_and_confirm(
            draft(text, media=(short,)), started_at=started
        )
        assert result.reconciled and harness.post_exists(result.remote_id)
        assert harness.published_texts().count(text) == 1
        posts = [s for s in harness.proxy.seen if s.method == "POST"]
        assert len(posts) == 1  # one upload session: never published twice


# --- looking an answer up ---------------------------------------------------------------------


def test_a_lost_answer_to_a_comment_is_found_not_sent_twice(harness: YouTubeHarness) -> None:
    connector = harness.connector()
    video = connector.publish(draft(unique_text("atelier"))).remote_id
    question = harness.add_inbound("Quel bois ?", reply_to=video)
    since = datetime.now(UTC) - timedelta(seconds=5)
    answer = "Du chêne de Bourgogne."
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    harness.add_inbound(answer, reply_to=question)  # a viewer's words are not our answer
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path=api.COMMENTS)
    with pytest.raises(Unconfirmed):
        connector.reply(parent_id=question, text=answer)
    found = connector.reconcile_reply(parent_id=question, text=answer, since=since)
    assert found is not None and found.reconciled
    assert harness.fake.comments[found.remote_id].parent == question
    assert f"lc={found.remote_id}" in found.url


def test_a_comment_on_a_video_is_looked_up_among_its_threads(harness: YouTubeHarness) -> None:
    connector = harness.connector()
    video = connector.publish(draft(unique_text("visite"))).remote_id
    since = datetime.now(UTC) - timedelta(seconds=5)
    words = "Merci d’avoir regardé !"
    assert connector.reconcile_reply(parent_id=video, text=words, since=since) is None
    sent = connector.reply(parent_id=video, text=words)
    found = connector.reconcile_reply(parent_id=video, text=words, since=since)
    assert found is not None and found.remote_id == sent.remote_id


def test_beyond_three_pages_of_replies_the_lookup_cannot_tell(harness: YouTubeHarness) -> None:
    connector = harness.connector()
    video = connector.publish(draft(unique_text("populaire"))).remote_id
    question = harness.add_inbound("Prix ?", reply_to=video)
    for n in range(301):
        harness.add_inbound(f"Moi aussi {n}", reply_to=question)
    since = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(NotSupported):
        connector.reconcile_reply(parent_id=question, text="Sur devis.", since=since)


def test_revoked_tokens_can_no_longer_be_used(harness: YouTubeHarness) -> None:
    """An organisation's deletion (or a disconnection) revokes the access token at Google, and
    its refresh token with it: a copy of them neither calls the API nor buys new tokens."""
    harness.connector().revoke_tokens()
    assert [s.path.split("?")[0] for s in harness.proxy.seen] == ["/revoke"]
    with pytest.raises(AuthExpired):
        harness.connector().account_info()  # 401 authError, then invalid_grant on refresh
