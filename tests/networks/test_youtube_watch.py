"""The watch (« Veille ») on YouTube, against the Data API fake behind the fault proxy: a
competitor's channel (``tests/peers/youtube/channels.py``) with public and private videos; the
organisation's connector finds it by handle, id or address, reads its uploads with statistics,
and spends the quota units :data:`WATCH_UNITS` announces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parvis.networks.errors import NotFound, NotSupported, RateLimited
from parvis.networks.youtube import client as api
from parvis.networks.youtube.watch import WATCH_UNITS, lookup_params
from tests.networks.test_youtube_contract import YouTubeHarness
from tests.peers.youtube import YouTubeFake, youtube_fake
from tests.peers.youtube.channels import Channel, add_channel, add_video

pytestmark = pytest.mark.peer
__all__ = ["youtube_fake"]


@pytest.fixture
def harness(youtube_fake: YouTubeFake, fault_proxy_factory: Any) -> Iterator[YouTubeHarness]:
    harness = YouTubeHarness(youtube_fake, fault_proxy_factory(youtube_fake.url))
    yield harness
    harness.http.close()


@pytest.fixture
def rival(youtube_fake: YouTubeFake) -> Channel:
    return add_channel(youtube_fake, "BoulangerieRival", "Boulangerie Rival", subscribers=12_345)


def units(fake: YouTubeFake) -> int:
    return sum(fake.used.values())


def test_lookup_params_read_what_people_paste() -> None:
    channel = "UC" + "a" * 22
    assert lookup_params("@Rival") == {"forHandle": "@Rival"}
    assert lookup_params("https://www.youtube.com/@rival/videos") == {"forHandle": "@rival"}
    assert lookup_params(f"https://youtube.com/channel/{channel}") == {"id": channel}
    assert lookup_params(channel) == {"id": channel}
    assert lookup_params("https://www.youtube.com/user/rivaltv") == {"forUsername": "rivaltv"}
    for garbage in ("https://example.com/@rival", "https://www.youtube.com/c/rival", "x" * 10_000):
        with pytest.raises(NotFound):
            lookup_params(garbage)


def test_profile_by_handle_address_and_id(harness: YouTubeHarness, rival: Channel) -> None:
    add_video(harness.fake, rival, "Le pain du matin")
    connector = harness.connector()
    asked = ["@boulangerierival", f"https://www.youtube.com/channel/{rival.id}", rival.id]
    before = units(harness.fake)
    profiles = [connector.public_profile(one) for one in asked]
    assert units(harness.fake) - before == 3 * WATCH_UNITS["public_profile"]
    assert {p.remote_id for p in profiles} == {rival.id}
    profile = profiles[0]
    assert profile.handle == "@boulangerierival" and profile.display_name == "Boulangerie Rival"
    assert profile.followers == 12_300  # rounded by YouTube
    assert profile.posts == 1 and profile.url == "https://www.youtube.com/@boulangerierival"
    assert profile.avatar_url.endswith(".jpg")


def test_hidden_subscriber_count_is_unknown_not_zero(harness: YouTubeHarness) -> None:
    secret = add_channel(harness.fake, "discret", "Discret", subscribers=900, hidden=True)
    assert harness.connector().public_profile("@discret").followers is None
    assert secret.id


def test_unknown_channel_is_not_found(harness: YouTubeHarness) -> None:
    with pytest.raises(NotFound) as caught:
        harness.connector().public_profile("@personne")
    assert "YouTube" in caught.value.user_message


def test_uploads_newest_first_with_statistics_and_no_private(
    harness: YouTubeHarness, rival: Channel
) -> None:
    fake = harness.fake
    old = add_video(fake, rival, "Recette", "Le levain", age_seconds=7200, statistics=(900, 40, 3))
    add_video(fake, rival, "Brouillon", privacy="private")
    new = add_video(fake, rival, "Ouverture", "Samedi", age_seconds=60, language="fr-FR")
    before = units(fake)
    page = harness.connector().public_posts(rival.id)
    assert units(fake) - before == WATCH_UNITS["public_posts"]
    assert [p.remote_id for p in page.items] == [new, old] and page.next_cursor is None
    oldest = page.items[1]
    assert oldest.text == "Recette\n\nLe levain" and oldest.url == api.video_url(old)
    assert oldest.counters == {
        "viewCount": 900,
        "likeCount": 40,
        "commentCount": 3,
        "favoriteCount": 0,
    }
    assert oldest.author_id == rival.id and oldest.author_name == "Boulangerie Rival"
    assert page.items[0].language == "fr"


def test_an_uploads_playlist_not_named_after_the_channel_is_looked_up(
    harness: YouTubeHarness,
) -> None:
    odd = add_channel(harness.fake, "ancien", "Ancien", subscribers=5, other_uploads="UUautre")
    video = add_video(harness.fake, odd, "Archive")
    before = units(harness.fake)
    assert [p.remote_id for p in harness.connector().public_posts(odd.id).items] == [video]
    assert units(harness.fake) - before == WATCH_UNITS["public_posts"] + 2  # 404 + channels


def test_uploads_page_with_page_tokens(harness: YouTubeHarness, rival: Channel) -> None:
    written = [add_video(harness.fake, rival, f"Vidéo {n}", age_seconds=100 - n) for n in range(5)]
    connector = harness.connector()
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = connector.public_posts(rival.id, cursor=cursor, limit=2)
        seen += [p.remote_id for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == written[::-1]


def test_search_is_refused_without_spending_quota(harness: YouTubeHarness) -> None:
    with pytest.raises(NotSupported) as caught:
        harness.connector().search_posts("boulangerie")
    assert harness.proxy.seen == [] and "quota" in caught.value.user_message


def test_an_exhausted_quota_waits_for_midnight_pacific(
    harness: YouTubeHarness, rival: Channel
) -> None:
    harness.fake.daily_units = units(harness.fake)  # nothing left today
    with pytest.raises(RateLimited) as caught:
        harness.connector().public_posts(rival.id)
    assert caught.value.retry_at.astimezone(api.PACIFIC).hour == 0
