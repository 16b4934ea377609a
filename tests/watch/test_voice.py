"""Share of voice: counts per bucket and sentiment, who counts what, periods, the page, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Competitor, Feed, Item, WatchedProfile, WatchQuery
from parvis.watch.voice import Voice, share_of_voice
from parvis.web.demo import demo_create
from tests.conftest import Cast

NOW = timezone.now()  # the pages read the clock too: the rows are placed from it


def _store(org: Organisation, source: object, rows: list[tuple[str, float, str]]) -> None:
    """``rows``: (remote id, days ago, text)."""
    items_store(
        org.pk,
        [
            Found(
                source=source,  # type: ignore[arg-type]
                network="bluesky",
                remote_id=remote_id,
                url="",
                text=text,
                published_at=NOW - timedelta(days=days),
            )
            for remote_id, days, text in rows
        ],
        now=NOW,
    )


@pytest.fixture
def known(cast: Cast) -> Cast:
    org = cast.org
    chene = Competitor.objects.create(organisation=org, name="Atelier Chêne")
    Competitor.objects.create(organisation=org, name="Escaliers Ouest")  # nothing said
    theirs = WatchedProfile.objects.create(
        organisation=org, network="bluesky", handle="chene", remote_id="c", competitor=chene
    )
    own_name = WatchQuery.objects.create(
        organisation=org, kind=WatchQuery.Kind.OWN_NAME, exact_phrase="Martin"
    )
    sector = WatchQuery.objects.create(organisation=org, all_words="escalier")
    _store(org, theirs, [("t1", 1, "Nos dressings en chêne"), ("t2", 12, "Portes ouvertes")])
    _store(
        org,
        own_name,
        [("m1", 2, "Martin super"), ("m2", 3, "Martin bof"), ("m3", 40, "Martin ancien")],
    )
    _store(
        org,
        sector,
        [
            ("s1", 4, "Un escalier signé atelier chêne, superbe"),  # mentions the competitor
            ("s2", 5, "Escalier quelconque"),  # about nobody
        ],
    )
    Item.objects.filter(remote_id__in=["t1", "m1", "s1"]).update(sentiment="positive")
    Item.objects.filter(remote_id__in=["t2", "m3", "s2"]).update(sentiment="neutral")
    Item.objects.filter(remote_id="m2").update(sentiment="negative")
    return cast


def _voices(org: Organisation, days: int = 30) -> dict[str, Voice]:
    return {v.entity.label: v for v in share_of_voice(org, days, NOW, "Vous").voices}


def test_counts_and_sentiment_per_entity(known: Cast) -> None:
    voices = _voices(known.org)
    assert list(voices) == ["Vous", "Atelier Chêne", "Escaliers Ouest"]
    you, chene, ouest = voices["Vous"], voices["Atelier Chêne"], voices["Escaliers Ouest"]
    assert (you.overall.total, you.overall.positive, you.overall.negative) == (2, 1, 1)
    # Its two posts and one item that names it (accents and case ignored).
    assert (chene.overall.total, chene.overall.positive, chene.overall.neutral) == (3, 2, 1)
    assert ouest.overall.total == 0
    assert you.share == pytest.approx(40) and chene.share == pytest.approx(60)
    assert ouest.share == 0


def test_weekly_buckets_add_up(known: Cast) -> None:
    result = share_of_voice(known.org, 30, NOW, "Vous")
    assert result.weekly and all(day.weekday() == 0 for day in result.buckets)
    for voice in result.voices:
        assert sum(c.total for c in voice.by_bucket.values()) == voice.overall.total
    assert result.total == 5


def test_periods(known: Cast) -> None:
    seven = share_of_voice(known.org, 7, NOW, "Vous")
    assert not seven.weekly and len(seven.buckets) == 8  # one per day, today included
    assert {v.entity.label: v.overall.total for v in seven.voices} == {
        "Vous": 2,
        "Atelier Chêne": 2,
        "Escaliers Ouest": 0,
    }
    assert _voices(known.org, 90)["Vous"].overall.total == 3


def test_a_feed_of_the_competitor_counts_for_it(known: Cast) -> None:
    chene = Competitor.objects.get(organisation=known.org, name="Atelier Chêne")
    feed = Feed.objects.create(
        organisation=known.org, url="https://chene.example/rss", competitor=chene
    )
    _store(known.org, feed, [("f1", 1, "Notre nouveau catalogue")])
    assert _voices(known.org)["Atelier Chêne"].overall.total == 4


def test_the_page_and_another_organisation(known: Cast) -> None:
    url = reverse("watch:voice", args=[known.org.slug])
    page = known.client_for(known.alice).get(url + "?period=90")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Atelier Chêne" in html
    assert "60,0\u202f%" in _fr(known, url)
    assert known.client_for(known.charlie).get(url).status_code == 404
    assert share_of_voice(known.other_org, 30, NOW, "Vous").total == 0


def _fr(cast: Cast, url: str) -> str:
    return cast.client_for(cast.alice).get(url).content.decode()


def test_the_demo_fills_the_page(cast: Cast) -> None:
    demo = demo_create(owner=cast.alice)
    voices = {v.entity.label: v for v in share_of_voice(demo, 30, timezone.now(), "Vous").voices}
    assert all(voice.overall.total for voice in voices.values())
    assert voices["Vous"].overall.negative >= 1
    page = cast.client_for(cast.alice).get(reverse("watch:voice", args=[demo.slug]))
    assert page.status_code == 200 and "démo" in page.content.decode()
