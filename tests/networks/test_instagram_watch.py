"""The watch (« Veille ») on Instagram: Business Discovery against the Meta fake
(``tests/peers/meta/discovery.py``) behind the fault proxy, with the account connected through
Facebook Login (a Page token) as the API requires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parvis.networks.contracts import TokenSet
from parvis.networks.errors import NotFound, NotSupported
from parvis.networks.instagram.connector import InstagramConnector
from tests.networks.test_instagram_contract import InstagramHarness
from tests.peers.meta_fake import MetaFake, meta_fake

pytestmark = pytest.mark.peer
__all__ = ["meta_fake"]


@pytest.fixture
def harness(meta_fake: MetaFake, fault_proxy_factory: Any) -> Iterator[InstagramHarness]:
    harness = InstagramHarness(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


def connector(harness: InstagramHarness, **overrides: Any) -> InstagramConnector:
    tokens = TokenSet(access_token=harness.fake.page_token())  # Facebook Login: no expiry
    return harness.connector(tokens=tokens, connector_class=InstagramConnector, **overrides)


def competitor(fake: MetaFake, username: str, *, posts: int = 0, kind: str = "BUSINESS") -> str:
    with fake.lock:
        user = fake.state.add(
            "ig_user",
            "",
            username=username,
            name=username.replace("_", " ").title(),
            profile_picture_url=f"https://cdn.example/{username}.jpg",
            followers_count=4321,
            account_type=kind,
        )
        user.owner = user.id
        for n in range(posts):
            media = fake.state.add(
                "ig_media",
                user.id,
                caption=f"Publication {n}",
                timestamp=fake.state.timestamp(fake.state.now() - 60 * (posts - n)),
                permalink=f"https://www.instagram.com/p/{username}{n}/",
                media_type="IMAGE",
                like_count=10 * n,
                hide_like_counts=n == 0,
            )
            user.edge("media").append(media.id)
        return user.id


def test_profile_through_business_discovery(harness: InstagramHarness) -> None:
    competitor(harness.fake, "boulangerie_rival", posts=2)
    ig = connector(harness)
    for asked in ("@boulangerie_rival", "https://www.instagram.com/boulangerie_rival/"):
        profile = ig.public_profile(asked)
        assert profile.remote_id == profile.handle == "boulangerie_rival"
        assert profile.followers == 4321 and profile.posts == 2
        assert profile.url == "https://www.instagram.com/boulangerie_rival/"


def test_personal_unknown_and_garbage_accounts_are_not_found(harness: InstagramHarness) -> None:
    competitor(harness.fake, "perso", kind="PERSONAL")
    ig = connector(harness)
    for asked in ("@perso", "@personne_ici"):
        with pytest.raises(NotFound):
            ig.public_profile(asked)
    calls = len(harness.proxy.seen)
    with pytest.raises(NotFound):
        ig.public_profile("https://example.com/perso")
    assert len(harness.proxy.seen) == calls


def test_media_newest_first_with_cursor_and_hidden_likes(harness: InstagramHarness) -> None:
    competitor(harness.fake, "rival_media", posts=3)
    ig = connector(harness)
    first = ig.public_posts("rival_media", limit=2)
    assert [p.text for p in first.items] == ["Publication 2", "Publication 1"]
    assert first.items[0].counters == {"like_count": 20, "comments_count": 0}
    assert first.items[0].author_handle == "rival_media" and first.next_cursor
    second = ig.public_posts("rival_media", cursor=first.next_cursor, limit=2)
    assert [p.text for p in second.items] == ["Publication 0"] and second.next_cursor is None
    assert "like_count" not in second.items[0].counters  # hidden by the owner: unknown


def test_instagram_login_accounts_are_told_what_to_do(harness: InstagramHarness) -> None:
    ig = connector(harness, base_url="https://graph.instagram.com/v25.0")
    with pytest.raises(NotSupported) as caught:
        ig.public_profile("@boulangerie_rival")
    assert "Facebook" in caught.value.reason


def test_hashtag_search_is_refused_without_a_call(harness: InstagramHarness) -> None:
    with pytest.raises(NotSupported):
        connector(harness).search_posts("#boulangerie")
    assert harness.proxy.seen == []
