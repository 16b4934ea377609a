"""YouTube specifics: the resumable upload and its resumption, quota, scopes, comments, OAuth."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from parvis.networks import oauth
from parvis.networks.contracts import AppCredentials, InboundKind, TokenSet
from parvis.networks.errors import AuthExpired, RateLimited, Rejected, Transient
from parvis.networks.oauth import pkce_challenge
from parvis.networks.youtube import client as api
from parvis.networks.youtube.connector import YouTubeConnector
from tests.networks.contract import draft, unique_text
from tests.networks.test_youtube_contract import (
    CLIP,
    YouTubeHarness,
    clip,
    pacific_midnight_after,
)
from tests.peers.faultproxy import Fault
from tests.peers.youtube import YouTubeFake, youtube_fake

pytestmark = pytest.mark.peer
__all__ = ["youtube_fake"]

VIDEO = bytes(range(256)) * 4000  # 1,024,000 bytes: four chunks of 256 KiB


@pytest.fixture
def harness(youtube_fake: YouTubeFake, fault_proxy_factory: Any) -> Iterator[YouTubeHarness]:
    harness = YouTubeHarness(youtube_fake, fault_proxy_factory(youtube_fake.url))
    yield harness
    harness.http.close()


def ranges(fake: YouTubeFake) -> list[str]:
    return [h.get("content-range", "") for m, _, h in fake.requests if m == "PUT"]


def stored_bytes(fake: YouTubeFake, video_id: str) -> str:
    return str(fake.videos[video_id]["_bytes"])


def test_upload_sends_metadata_then_256k_chunks(harness: YouTubeHarness) -> None:
    text = unique_text("chunks") + " #menuiserie #bois"
    result = harness.connector().publish(draft(text, media=(clip(VIDEO),), title="Atelier"))
    video = harness.fake.videos[result.remote_id]
    assert video["snippet"]["title"] == "Atelier" and video["snippet"]["description"] == text
    assert video["snippet"]["tags"] == ["menuiserie", "bois"]
    assert video["status"]["privacyStatus"] == "public"
    assert stored_bytes(harness.fake, result.remote_id) == hashlib.sha256(VIDEO).hexdigest()
    total = len(VIDEO)
    assert ranges(harness.fake) == [
        f"bytes {start}-{min(start + 262144, total) - 1}/{total}"
        for start in range(0, total, 262144)
    ]
    start = next(h for m, p, h in harness.fake.requests if m == "POST" and p == api.UPLOAD)
    assert start["x-upload-content-length"] == str(total)
    assert start["x-upload-content-type"] == "video/mp4"


def test_interrupted_upload_resumes_from_the_offset_the_server_reports(
    harness: YouTubeHarness,
) -> None:
    harness.fake.interrupt_at = 700_000  # inside the third chunk: the server keeps 700,000 bytes
    result = harness.connector().publish(draft(unique_text("reprise"), media=(clip(VIDEO),)))
    total = len(VIDEO)
    sent = ranges(harness.fake)
    assert sent[:4] == [
        f"bytes 0-262143/{total}",
        f"bytes 262144-524287/{total}",
        f"bytes 524288-786431/{total}",  # answered 503 after 700,000 bytes were kept
        f"bytes */{total}",  # where are we? -> 308 Range: bytes=0-699999
    ]
    assert sent[4] == f"bytes 700000-962143/{total}"
    assert stored_bytes(harness.fake, result.remote_id) == hashlib.sha256(VIDEO).hexdigest()
    assert len(harness.fake.videos) == 1


def test_lost_answer_to_the_last_chunk_is_recovered_by_the_status_query(
    harness: YouTubeHarness,
) -> None:
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="PUT", times=1)
    result = harness.connector().publish(
        draft(unique_text("dernier"), media=(clip(CLIP[:200_000]),))
    )
    assert not result.reconciled and result.remote_id in harness.fake.videos
    assert ranges(harness.fake) == ["bytes 0-199999/200000", "bytes */200000"]
    assert len(harness.fake.videos) == 1


def test_the_daily_quota_waits_for_midnight_pacific(harness: YouTubeHarness) -> None:
    harness.fake.daily_units = 2
    connector = harness.connector()
    connector.account_info()
    connector.account_metrics()
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        connector.account_info()
    assert caught.value.retry_at == pacific_midnight_after(before)
    assert "quota" in caught.value.detail


def test_the_upload_bucket_is_separate(harness: YouTubeHarness) -> None:
    harness.fake.upload_quota = 0
    connector = harness.connector()
    with pytest.raises(RateLimited):
        connector.publish(draft(unique_text("quota")))
    assert connector.account_info().remote_id == harness.account_id  # reads still work


def test_missing_scope_is_rejected_with_googles_reason(harness: YouTubeHarness) -> None:
    issued = harness.fake.issue_tokens(("youtube.readonly",))
    video = harness.connector().publish(draft(unique_text("portée")))
    reader = harness.connector(tokens=TokenSet(access_token=issued["access_token"]))
    with pytest.raises(Rejected) as caught:
        reader.reply(parent_id=video.remote_id, text="Merci !")
    assert caught.value.status == 403 and caught.value.remote_code == "insufficientPermissions"


def test_reply_to_a_comment_and_read_the_thread(harness: YouTubeHarness) -> None:
    connector = harness.connector()
    video = connector.publish(draft(unique_text("discussion")))
    question = harness.fake.add_comment(video.remote_id, "Quel bois utilisez-vous ?")
    follow_up = harness.fake.add_comment(video.remote_id, "Et le prix ?", parent=question)
    answer = connector.reply(parent_id=question, text="Du chêne de Bourgogne.")
    assert harness.fake.comments[answer.remote_id].parent == question
    items = {item.remote_id: item for item in connector.read_inbound(InboundKind.COMMENT).items}
    assert set(items) == {question, follow_up}  # our own answer is not inbound
    assert items[question].parent_id == video.remote_id
    assert items[follow_up].parent_id == question and items[follow_up].thread_id == video.remote_id
    connector.delete(answer.remote_id)
    connector.delete(video.remote_id)
    connector.delete(video.remote_id)
    assert answer.remote_id not in harness.fake.comments and not harness.fake.videos


def test_metrics_read_googles_string_counters(harness: YouTubeHarness) -> None:
    connector = harness.connector()
    video = connector.publish(draft(unique_text("chiffres")))
    harness.fake.add_comment(video.remote_id, "Bravo")
    points = {p.name: p.value for p in connector.post_metrics([video.remote_id])}
    assert points["commentCount"] == 1 and isinstance(points["viewCount"], int)
    account = {p.name: p.value for p in connector.account_metrics()}
    assert account["subscriberCount"] == 1250 and "hiddenSubscriberCount" not in account


def test_google_oauth_offline_code_exchange_and_refresh(harness: YouTubeHarness) -> None:
    config = YouTubeConnector.oauth
    assert config is not None
    app = AppCredentials(YouTubeFake.client_id, YouTubeFake.client_secret)
    request = oauth.authorization_request(config, app, redirect_uri="https://parvis.test/cb")
    params = httpx.URL(request.url).params
    assert params["access_type"] == "offline" and params["prompt"] == "consent"
    assert request.code_verifier and params["code_challenge"] == pkce_challenge(
        request.code_verifier
    )
    code = harness.fake.new_code(
        "https://parvis.test/cb", params["code_challenge"], {api.SCOPES[0], api.SCOPES[1]}
    )
    token_url = harness.fake.url + api.TOKEN_PATH
    with httpx.Client() as http:
        tokens = oauth.exchange_code(
            http,
            config,
            app,
            code=code,
            token_url=token_url,
            redirect_uri="https://parvis.test/cb",
            code_verifier=request.code_verifier,
        )
        refreshed = oauth.refresh(http, config, app, tokens, token_url=token_url)
        revoked = TokenSet(access_token="x", refresh_token="1//revoked")
        with pytest.raises(AuthExpired) as caught:
            oauth.refresh(http, config, app, revoked, token_url=token_url)
    assert refreshed.refresh_token == tokens.refresh_token  # Google does not rotate it
    assert refreshed.access_token != tokens.access_token
    assert "expired or revoked" in caught.value.detail


def test_an_upload_that_makes_no_progress_stops(harness: YouTubeHarness) -> None:
    # A broken server answering "308, nothing kept" forever: give up instead of looping.
    harness.proxy.inject(
        Fault("respond", 308, (("Content-Length", "0"),)), method="PUT", times=None
    )
    with pytest.raises(Transient) as caught:
        harness.connector().publish(draft(unique_text("bloqué"), media=(clip(VIDEO),)))
    assert "no progress" in caught.value.detail
    assert len([s for s in harness.proxy.seen if s.method == "PUT"]) == 3  # max_resumes + 1
