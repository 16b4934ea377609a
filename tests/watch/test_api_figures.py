"""The watch API's figures (benchmark, share of voice) and the change of a search's words:
the same numbers as the pages, roles, another organisation, bad input."""

from __future__ import annotations

import pytest

from parvis.accounts.roles import Role
from parvis.core.models import AuditEvent
from parvis.watch.models import WatchQuery
from tests.conftest import Cast
from tests.watch import test_benchmark, test_voice
from tests.watch.test_api import _base, _key

# The pages' known sets, reused: the API must give the figures their tests check.
benchmark_known = test_benchmark.known
voice_known = test_voice.known


def test_the_benchmark_gives_the_page_figures(benchmark_known: Cast) -> None:
    cast = benchmark_known
    answer = _key(cast, Role.VIEWER).get(_base(cast) + "benchmark", period="30")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["days"] == 30
    rows = {row["label"]: row for row in body["rows"]}
    assert list(rows) == ["Menuiserie A", "Atelier Chêne", "Escaliers Ouest"]
    chene = rows["Atelier Chêne"]
    assert chene["key"] == f"c{chene['competitor_id']}"
    assert chene["followers"] == 1840 + 420 and chene["growth"] == 160
    assert chene["posts"] == 5 and chene["engagement_posts"] == 4
    assert chene["engagement_per_post"] == pytest.approx(70 / 4)
    assert [m["category"] for m in chene["mix"]] == ["promotion", "educational"]
    assert [b["engagement"] for b in chene["best"]] == [45, 15, 9]
    late = {a["handle"]: a["late"] for a in chene["audiences"]}
    assert late == {"chene.example": False, "chene@masto.example": True}
    # X gives no follower count: null, never a zero.
    assert rows["Escaliers Ouest"]["followers"] is None
    assert rows["Menuiserie A"]["competitor_id"] is None


def test_the_share_of_voice_gives_the_page_figures(voice_known: Cast) -> None:
    cast = voice_known
    body = _key(cast, Role.VIEWER).get(_base(cast) + "share-of-voice").json()
    assert body["days"] == 30 and body["weekly"] and body["total"] == 5
    voices = {v["label"]: v for v in body["voices"]}
    assert voices["Menuiserie A"]["share"] == pytest.approx(40)
    assert voices["Atelier Chêne"]["overall"]["positive"] == 2
    assert voices["Escaliers Ouest"]["overall"]["total"] == 0
    for voice in body["voices"]:
        # Every bucket is there (a chart needs its empty weeks) and they add up.
        assert len(voice["buckets"]) == len(body["voices"][0]["buckets"])
        assert sum(b["total"] for b in voice["buckets"]) == voice["overall"]["total"]


def test_a_bad_period_is_refused_and_another_organisation_is_a_404(voice_known: Cast) -> None:
    cast = voice_known
    api = _key(cast, Role.VIEWER)
    assert api.get(_base(cast) + "share-of-voice", period="365").status_code == 422
    assert api.get(_base(cast) + "benchmark", period="7\x00").status_code == 422
    for path in ("benchmark", "share-of-voice"):
        assert api.get(_base(cast, cast.other_org) + path).status_code in {403, 404}


def _query(cast: Cast) -> WatchQuery:
    return WatchQuery.objects.create(organisation=cast.org, all_words="escalier chêne")


def test_a_search_changes_its_words(cast: Cast) -> None:
    query = _query(cast)
    api = _key(cast, Role.MANAGER)
    url = _base(cast) + f"queries/{query.pk}/"
    answer = api.send("patch", url, {"exact_phrase": "  escalier   sur mesure ", "language": "fr"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["exact_phrase"] == "escalier sur mesure"
    query.refresh_from_db()
    # A field left out keeps its value.
    assert (query.all_words, query.language) == ("escalier chêne", "fr")
    assert AuditEvent.objects.filter(action="watch.query.updated").count() == 1


def test_a_search_left_saying_nothing_is_refused_and_kept(cast: Cast) -> None:
    query = _query(cast)
    url = _base(cast) + f"queries/{query.pk}/"
    answer = _key(cast, Role.MANAGER).send("patch", url, {"all_words": "   "})
    assert answer.status_code == 400
    assert answer.json()["code"] == "refused"
    query.refresh_from_db()
    assert query.all_words == "escalier chêne"


def test_changing_a_search_needs_a_manager_and_its_organisation(cast: Cast) -> None:
    query = _query(cast)
    url = _base(cast) + f"queries/{query.pk}/"
    assert _key(cast, Role.CONTRIBUTOR).send("patch", url, {"hashtags": "bois"}).status_code == 403
    theirs = WatchQuery.objects.create(organisation=cast.other_org, all_words="x")
    other = _base(cast) + f"queries/{theirs.pk}/"
    assert _key(cast, Role.MANAGER).send("patch", other, {"hashtags": "bois"}).status_code == 404
    assert _key(cast, Role.MANAGER).send("patch", url, {"hashtags": "b" * 301}).status_code == 422


def test_the_items_count_stops_at_its_cap(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting millions of items would cost more than the page: past the cap the count stops
    and says so; paging goes on with ``offset``."""
    from parvis.core import api_pagination
    from parvis.watch.models import Feed
    from tests.watch.test_api import _store

    feed = Feed.objects.create(organisation=cast.org, url="https://presse.example/rss")
    _store(cast, feed, "Un", "Deux", "Trois")
    api = _key(cast, Role.VIEWER)
    whole = api.get(_base(cast) + "items/").json()
    assert (whole["count"], whole["count_capped"], len(whole["items"])) == (3, False, 3)
    monkeypatch.setattr(api_pagination, "COUNT_CAP", 2)
    capped = api.get(_base(cast) + "items/", limit=1, offset=2).json()
    assert (capped["count"], capped["count_capped"], len(capped["items"])) == (2, True, 1)
