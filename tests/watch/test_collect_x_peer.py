"""End to end on the X fake (real HTTP, the network package's own watch code): a competitor is
looked up and saved from the settings service, then one cycle reads its timeline and a sector
search, and stores each post once, understood."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from parvis.accounts.actor import Actor
from parvis.networks.base import Connector
from parvis.networks.models import SocialAccount
from parvis.watch.collect import collect_organisation
from parvis.watch.models import Competitor, Item, ItemSource, WatchQuery
from parvis.watch.services import profile_add
from tests.conftest import Cast
from tests.peers.x_fake import Post, XFake, x_fake

pytestmark = pytest.mark.peer
__all__ = ["x_fake"]


def _write(fake: XFake, author: str, text: str, *, age: float = 0.0) -> str:
    with fake.lock:
        post_id = fake.new_id()
        fake.posts[post_id] = Post(post_id, text, author, fake.now() - age, post_id, lang="fr")
        return post_id


@pytest.fixture
def account(cast: Cast, x_fake: XFake) -> SocialAccount:
    issued = x_fake.issue_tokens()
    return SocialAccount.objects.create(
        organisation=cast.org,
        kind="x",
        handle="parvis_test",
        remote_id=x_fake.me,
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        token_expires_at=datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
        scopes=issued["scope"],
    )


def _connector_for(fake: XFake) -> Callable[[SocialAccount], Connector]:
    return lambda account: account.connector(
        base_url=fake.url, http=httpx.Client(), sleep=lambda _s: None
    )


def test_competitor_on_x_is_found_saved_and_collected(
    cast: Cast, x_fake: XFake, account: SocialAccount
) -> None:
    rival = x_fake.add_user("RivalMenuiserie", "Menuiserie Rival", followers=2300)
    first = _write(x_fake, rival, "Nos escaliers en chêne massif sont en promotion", age=3600)
    _write(x_fake, rival, "Portes ouvertes samedi à l’atelier")
    competitor = Competitor.objects.create(organisation=cast.org, name="Menuiserie Rival")
    watched = profile_add(
        actor=Actor.of(cast.alice_membership),
        network="x",
        handle="https://x.com/RivalMenuiserie",
        competitor=competitor,
        connector=_connector_for(x_fake)(account),
    )
    assert watched.remote_id == rival and watched.followers == 2300
    WatchQuery.objects.create(organisation=cast.org, all_words="escaliers chêne")

    result = collect_organisation(cast.org, connector_for=_connector_for(x_fake))

    assert result.errors == 0, [(q.error_code, q.last_error) for q in WatchQuery.objects.all()]
    texts = set(Item.objects.for_organisation(cast.org).values_list("text", flat=True))
    assert "Portes ouvertes samedi à l’atelier" in texts
    shared = Item.objects.get(remote_id=first)
    assert shared.language == "fr" and shared.category  # a competitor's post, categorised
    # Found by the timeline and by the search: one item, two links.
    assert ItemSource.objects.filter(item=shared).count() == 2
    assert result.calls["x"] >= 3
