"""The connector contract for Instagram (Instagram Login tokens), against the fake Graph API
behind the fault proxy.

Instagram has no text-only posts and takes media only by public URL: the test connector
attaches a square JPEG to drafts that have none and resolves media to HTTPS URLs the fake
records, so the shared checks exercise everything else. Publishing polls real containers
(the fake processes videos for 0.3 s).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import (
    AppCredentials,
    Draft,
    MediaFile,
    PublishResult,
    TokenSet,
    ValidationIssue,
)
from parvis.networks.errors import AuthExpired, RateLimited, Rejected
from parvis.networks.instagram.connector import InstagramConnector
from tests.networks.contract import TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.meta_fake import MetaFake, meta_fake

pytestmark = pytest.mark.peer
__all__ = ["meta_fake"]

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 4096
SQUARE = MediaFile("image/jpeg", len(JPEG), 1080, 1080, data=lambda: JPEG)


def public_url(media: MediaFile) -> str:
    """What the publishing app does: a signed URL on Parvis' public media host."""
    digest = hashlib.sha256(media.read_bytes()).hexdigest()[:16]
    extension = "mp4" if media.is_video else "jpg"
    return f"https://media.parvis.example/signed/{digest}.{extension}?sig=abc"


class PictureByDefaultConnector(InstagramConnector):
    """Fast polling for tests; a picture for the shared text-only drafts."""

    container_poll_seconds = 0.05
    container_max_polls = 40

    def validate(self, draft: Draft) -> list[ValidationIssue]:
        return super().validate(draft if draft.media else replace(draft, media=(SQUARE,)))

    def publish(self, draft: Draft) -> PublishResult:
        return super().publish(draft if draft.media else replace(draft, media=(SQUARE,)))


class InstagramHarness:
    network = "instagram"

    def __init__(self, fake: MetaFake, proxy: FaultProxy) -> None:
        self.fake = fake
        self.proxy = proxy
        self.account_id = fake.ig_user_id
        token, expires_in = fake.instagram_token()
        self.tokens = TokenSet(
            access_token=token, expires_at=datetime.now(UTC) + timedelta(seconds=expires_in)
        )
        self.http = httpx.Client()

    def connector(self, **overrides: Any) -> InstagramConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens,
            "account_id": self.account_id,
            "app": AppCredentials(MetaFake.app_id, MetaFake.app_secret),
            "http": self.http,
            "base_url": self.proxy.url + "/v25.0",
            "policy": TEST_POLICY,
            "sleep": time.sleep,  # container polling waits for the fake's processing
            "media_url": public_url,
        }
        connector_class = overrides.pop("connector_class", PictureByDefaultConnector)
        options.update(overrides)
        connector: InstagramConnector = connector_class(**options)
        return connector

    def published_texts(self) -> list[str]:
        return [str(media.data.get("caption", "")) for media in self.fake.ig_media()]

    def post_exists(self, remote_id: str) -> bool:
        return self.fake.node(remote_id) is not None

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        if reply_to:
            return self.fake.add_comment(reply_to, text)
        return self.fake.add_tagged_media(f"Avec @atelier_parvis : {text}")

    def expire_access_token(self) -> None:
        self.fake.expire_tokens()

    def post_path(self) -> str:
        return "/media_publish"


@pytest.fixture
def harness(meta_fake: MetaFake, fault_proxy_factory: Any) -> Iterator[InstagramHarness]:
    harness = InstagramHarness(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


class TestInstagramContract(ConnectorContract):
    def test_publish_image_with_alt_text(self, harness: Any) -> None:
        # Instagram takes JPEG only (the shared check uses a PNG): same check, a JPEG.
        image = replace(SQUARE, alt_text="Un schéma")
        post = draft(unique_text("image"), media=(image,))
        connector = harness.connector()
        assert connector.validate(post) == []
        result = connector.publish(post)
        assert harness.post_exists(result.remote_id)
        assert harness.fake.node(result.remote_id).data["alt_text"] == "Un schéma"

    def test_rejection_carries_the_networks_reason(self, harness: Any) -> None:
        # Instagram accepts identical captions; what it refuses is media it cannot fetch.
        connector = harness.connector(media_url=lambda media: "http://intranet.local/a.jpg")
        with pytest.raises(Rejected) as caught:
            connector.publish(draft(unique_text("http")))
        assert caught.value.permanent and "public HTTPS" in caught.value.reason
        assert caught.value.reason in caught.value.user_message
        assert caught.value.remote_code == "9004/2207052"

    def test_rate_limit_waits_until_the_networks_reset(self, harness: Any) -> None:
        before = datetime.now(UTC)
        harness.proxy.inject(Fault.rate_limited("instagram", reset_in=600, now=before))
        with pytest.raises(RateLimited) as caught:
            harness.connector().account_info()
        after = datetime.now(UTC)
        wait = timedelta(minutes=10)  # estimated_time_to_regain_access, in minutes
        assert before + wait <= caught.value.retry_at <= after + wait

    def test_refreshes_once_after_401(self, harness: Any) -> None:
        # An expired Instagram token cannot be refreshed (only a valid one can): reconnect.
        harness.fake.expire_tokens()
        with pytest.raises(AuthExpired):
            harness.connector().account_info()
        assert not [s for s in harness.proxy.seen if "refresh_access_token" in s.path]
