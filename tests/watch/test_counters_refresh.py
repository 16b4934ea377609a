"""A post read again brings its engagement up to date; its text and understanding stay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Item, WatchedProfile
from tests.conftest import Cast


def _found(profile: WatchedProfile, counters: dict[str, int]) -> Found:
    return Found(
        source=profile,
        network="bluesky",
        remote_id="at://post/1",
        url="",
        text="Nouvelle gamme d’escaliers",
        published_at=timezone.now() - timedelta(hours=1),
        counters=counters,
    )


def test_counters_follow_the_network(cast: Cast) -> None:
    profile = WatchedProfile.objects.create(
        organisation=cast.org, network="bluesky", handle="c", remote_id="c"
    )
    first = items_store(cast.org.pk, [_found(profile, {"like_count": 2})])
    assert (first.stored, first.refreshed) == (1, 0)
    item = Item.objects.get(organisation=cast.org)
    sentiment = item.sentiment
    again = items_store(cast.org.pk, [_found(profile, {"like_count": 41, "reply_count": 3})])
    assert (again.stored, again.refreshed) == (0, 1)
    item.refresh_from_db()
    assert item.counters == {"like_count": 41, "reply_count": 3}
    assert item.sentiment == sentiment
    # The same figures again, or none at all: nothing is written.
    assert (
        items_store(cast.org.pk, [_found(profile, {"like_count": 41, "reply_count": 3})]).refreshed
        == 0
    )
    assert items_store(cast.org.pk, [_found(profile, {})]).refreshed == 0
    item.refresh_from_db()
    assert item.counters == {"like_count": 41, "reply_count": 3}
