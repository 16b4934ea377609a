"""An item found by several sources is one row of the timeline, whatever the filter; the
search gives the newest matches whichever plan PostgreSQL takes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from parvis.watch import search
from parvis.watch.models import Competitor, Feed, Item, ItemSource, WatchedProfile, WatchQuery
from parvis.watch.selectors import TimelineFilters, timeline
from tests.conftest import Cast


def test_an_item_found_twice_is_listed_once(cast: Cast) -> None:
    org = cast.org
    chene = Competitor.objects.create(organisation=org, name="Chêne")
    profile = WatchedProfile.objects.create(
        organisation=org, network="bluesky", handle="c", remote_id="c", competitor=chene
    )
    feed = Feed.objects.create(organisation=org, url="https://chene.example/rss", competitor=chene)
    query = WatchQuery.objects.create(organisation=org, all_words="escalier")
    item = Item.objects.create(
        organisation=org,
        network="bluesky",
        remote_id="1",
        dedupe_key="bluesky:1",
        text="Un escalier",
        published_at=timezone.now(),
    )
    for link in ({"profile": profile}, {"feed": feed}, {"query": query}):
        ItemSource.objects.create(organisation=org, item=item, **link)
    for filters in (
        TimelineFilters(),
        TimelineFilters(competitor=chene.pk),
        TimelineFilters(source=f"profile:{profile.pk}"),
        TimelineFilters(source=f"query:{query.pk}"),
    ):
        assert list(timeline(org, filters)) == [item], filters
    assert list(timeline(org, TimelineFilters(competitor=chene.pk + 1000))) == []
    assert list(timeline(cast.other_org, TimelineFilters())) == []


@pytest.mark.parametrize("estimate", [1e6, 10.0])
def test_search_finds_the_newest_matches_whichever_plan(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, estimate: float
) -> None:
    """On PostgreSQL the plan follows its estimate (forced here: a small table would not give
    it): common words walk the newest items first, rarer ones read the index; same answer."""
    monkeypatch.setattr(search, "pg_estimate", lambda cursor, tsquery, table="": estimate)
    now = timezone.now()
    items = [
        Item.objects.create(
            organisation=cast.org,
            network="web",
            remote_id=str(n),
            dedupe_key=f"web:{n}",
            text=f"Escalier à Rennes n° {n}" if n % 2 else "Parquet à Nantes",
            published_at=now,
        )
        for n in range(8)
    ]
    found = search.matching_item_ids(cast.org.pk, "escalier rennes", limit=3)
    assert found == [items[7].pk, items[5].pk, items[3].pk]
    assert search.matching_item_ids(cast.other_org.pk, "escalier rennes") == []
