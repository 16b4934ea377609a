"""Collection cycles with a scripted connector and the local feed server: states, budgets,
dedupe across sources, and nothing lost when one source fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from parvis.networks.errors import AuthExpired, NotFound, NotSupported, RateLimited, Transient
from parvis.networks.models import SocialAccount
from parvis.watch import collect as collect_module
from parvis.watch.budget import BUDGETS
from parvis.watch.collect import collect_organisation
from parvis.watch.models import (
    Competitor,
    Feed,
    FollowerSnapshot,
    Item,
    ItemSource,
    WatchedProfile,
    WatchQuery,
)
from parvis.watch.states import state_sentence
from tests.conftest import Cast
from tests.inbox.conftest import make_account
from tests.peers.feeds import FeedServer
from tests.watch.fakes import FakeWatchConnector, post, profile

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def account(cast: Cast) -> SocialAccount:
    return make_account(cast.org, "bluesky", handle="menuiserie-a.bsky.social")


@pytest.fixture
def fake() -> FakeWatchConnector:
    return FakeWatchConnector()


def _watch(cast: Cast, handle: str, *, own: bool = False) -> WatchedProfile:
    competitor = None if own else Competitor.objects.create(organisation=cast.org, name="Rival")
    return WatchedProfile.objects.create(
        organisation=cast.org,
        network="bluesky",
        handle=handle,
        remote_id=f"did:plc:{handle.split('.')[0]}",
        competitor=competitor,
    )


def _run(cast: Cast, fake: FakeWatchConnector, now: datetime = NOW) -> collect_module.CycleResult:
    return collect_organisation(cast.org, now=now, connector_for=lambda _account: fake)


def test_profile_posts_are_stored_understood_and_counted(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    watched = _watch(cast, "atelier.bsky.social")
    fake.profiles[watched.remote_id] = profile("atelier.bsky.social", followers=1500)
    fake.posts[watched.remote_id] = (
        post("at://a/1", "Nouvelle gamme de dressings en chêne : devis gratuit jusqu’au 31 !"),
        post("at://a/2", "Très déçu du retard de livraison, personne ne répond. Inadmissible."),
    )
    result = _run(cast, fake)
    assert result.stored.stored == 2 and result.calls == {"bluesky": 2}
    items = {i.remote_id: i for i in Item.objects.for_organisation(cast.org)}
    assert items["at://a/2"].sentiment == "negative"
    assert items["at://a/1"].language == "fr" and items["at://a/1"].category  # a competitor's
    assert items["at://a/1"].counters == {"like_count": 3}
    watched.refresh_from_db()
    assert watched.state == "active" and watched.last_success_at == NOW
    assert watched.followers == 1500
    assert FollowerSnapshot.objects.get(profile=watched).followers == 1500
    assert fake.closed


def test_a_second_cycle_stores_nothing_twice_and_snapshots_once_a_day(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    watched = _watch(cast, "atelier.bsky.social")
    fake.profiles[watched.remote_id] = profile("atelier.bsky.social")
    fake.posts[watched.remote_id] = (post("at://a/1", "Portes ouvertes samedi à l’atelier"),)
    _run(cast, fake)
    second = _run(cast, fake, NOW + timedelta(minutes=15))
    assert second.stored.stored == 0 and Item.objects.count() == 1
    assert [c[0] for c in fake.calls] == ["profile", "posts", "posts"]


def test_the_same_post_found_by_two_sources_is_stored_once_and_linked_to_both(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    watched = _watch(cast, "atelier.bsky.social")
    query = WatchQuery.objects.create(organisation=cast.org, all_words="escalier chêne")
    shared = post("at://a/9", "Notre nouvel escalier en chêne massif, posé à Rennes")
    fake.profiles[watched.remote_id] = profile("atelier.bsky.social")
    fake.posts[watched.remote_id] = (shared,)
    fake.searches["escalier chêne"] = (shared, post("at://b/1", "Un escalier en métal"))
    _run(cast, fake)
    item = Item.objects.get()
    assert item.dedupe_key == "bluesky:at://a/9"
    links = ItemSource.objects.filter(item=item)
    assert {(link.profile_id, link.query_id) for link in links} == {
        (watched.pk, None),
        (None, query.pk),
    }


def test_errors_give_french_states_and_other_sources_go_on(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    private = _watch(cast, "prive.bsky.social")
    unsupported = _watch(cast, "ailleurs.bsky.social")
    broken = _watch(cast, "panne.bsky.social")
    fine = _watch(cast, "ok.bsky.social")
    for watched in (private, unsupported, broken, fine):
        fake.profiles[watched.remote_id] = profile(watched.handle)
    fake.posts[private.remote_id] = NotFound("profile", network="bluesky")
    fake.posts[unsupported.remote_id] = NotSupported("lecture", network="bluesky")
    fake.posts[broken.remote_id] = Transient("502", network="bluesky")
    fake.posts[fine.remote_id] = (post("at://ok/1", "Bonne journée à tous"),)
    _run(cast, fake)
    for row in (private, unsupported, broken, fine):
        row.refresh_from_db()
    assert private.error_code == "not_found" and "introuvable ou privé" in private.last_error
    assert unsupported.error_code == "not_supported"
    assert "flux RSS de leur site" in unsupported.last_error
    assert broken.error_code == "transient" and broken.state == "error"
    assert fine.state == "active" and Item.objects.filter(remote_id="at://ok/1").exists()


def test_rate_limit_pauses_the_network_in_french_and_records_the_deadline(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    cast.org.timezone = "Europe/Paris"
    cast.org.save()
    first = _watch(cast, "a-un.bsky.social")  # read first (by handle)
    second = _watch(cast, "b-deux.bsky.social")
    fake.profiles[first.remote_id] = profile(first.handle)
    fake.posts[first.remote_id] = (post("at://a-un/1", "Un post collecté avant la limite"),)
    retry_at = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)  # 14 h 05 in Paris
    fake.profiles[second.remote_id] = RateLimited("429", retry_at=retry_at, network="bluesky")
    _run(cast, fake)
    second.refresh_from_db()
    account.refresh_from_db()
    assert second.state == "paused" and second.paused_until == retry_at
    assert account.rate_limited_until == retry_at  # publishing and the inbox wait too
    with timezone.override("Europe/Paris"):
        sentence = state_sentence(second, NOW)
    assert sentence == "En pause jusqu’à 14\u00a0h\u00a005\u00a0: limite de Bluesky atteinte"
    # What was read before the 429 is kept.
    assert Item.objects.filter(remote_id="at://a-un/1").exists()
    # Next cycle, still before the deadline: no call at all through the limited account.
    fake.calls.clear()
    _run(cast, fake, NOW + timedelta(minutes=15))
    assert fake.calls == []


def test_expired_token_marks_the_account_and_the_sources(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    watched = _watch(cast, "atelier.bsky.social")
    fake.profiles[watched.remote_id] = AuthExpired("expired", network="bluesky")
    _run(cast, fake)
    watched.refresh_from_db()
    account.refresh_from_db()
    assert watched.error_code == "auth_expired" and "reconnectez" in watched.last_error
    assert account.status == SocialAccount.Status.RECONNECT


def test_no_connected_account_says_so(cast: Cast, fake: FakeWatchConnector) -> None:
    watched = _watch(cast, "atelier.bsky.social")
    WatchQuery.objects.create(organisation=cast.org, hashtags="#menuiserie")
    _run(cast, fake)
    watched.refresh_from_db()
    assert watched.error_code == "no_account" and "Comptes" in watched.last_error
    assert WatchQuery.objects.get().error_code == "no_account"
    assert fake.calls == []


def test_budget_caps_calls_per_cycle_and_rotates_sources(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(BUDGETS, "bluesky", BUDGETS["bluesky"].__class__(calls=3, searches=1))
    rows = [_watch(cast, f"c{n}.bsky.social") for n in range(4)]
    for row in rows:
        fake.profiles[row.remote_id] = profile(row.handle)
    result = _run(cast, fake)
    assert result.calls == {"bluesky": 3}
    read = {c[1] for c in fake.calls}
    # Two calls for the first (followers + posts), one for the second's followers, then stop.
    assert len(fake.calls) == 3 and rows[3].remote_id not in read


def test_queries_filter_results_on_the_whole_query(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    WatchQuery.objects.create(
        organisation=cast.org, all_words="escalier", any_words="chêne frêne", none_words="métal"
    )
    fake.searches["escalier"] = (
        post("at://q/1", "Un escalier en CHENE massif", author="x.bsky.social"),
        post("at://q/2", "Un escalier en métal et chêne", author="y.bsky.social"),
        post("at://q/3", "Un escalier en béton", author="z.bsky.social"),
    )
    _run(cast, fake)
    assert list(Item.objects.values_list("remote_id", flat=True)) == ["at://q/1"]


def test_feeds_are_collected_with_conditional_get_and_failures_kept_apart(
    cast: Cast, feeds: FeedServer, fake: FakeWatchConnector
) -> None:
    good = Feed.objects.create(organisation=cast.org, url=f"{feeds.url}/trade-press.rss")
    also = Feed.objects.create(organisation=cast.org, url=f"{feeds.url}/blog-concurrent.atom")
    page = Feed.objects.create(organisation=cast.org, url=f"{feeds.url}/site.html")
    broken = Feed.objects.create(organisation=cast.org, url=f"{feeds.url}/broken.rss")
    huge = Feed.objects.create(organisation=cast.org, url=f"{feeds.url}/huge.xml")
    _run(cast, fake)
    for row in (good, also, page, broken, huge):
        row.refresh_from_db()
    assert good.state == "active" and good.etag and good.title.startswith("Le Journal")
    assert page.error_code == "not_a_feed" and huge.error_code == "too_large"
    assert broken.state == "active" and broken.error_code == "malformed"
    from_broken = Item.objects.filter(sources__feed=broken)
    assert from_broken.filter(title__startswith="Apprentissage").exists()
    assert Item.objects.filter(network="web").count() == 3 + 2 + from_broken.count()
    # Within the politeness interval nothing is fetched; after it, a 304 brings nothing.
    before = len(feeds.requests)
    _run(cast, fake, NOW + timedelta(minutes=5))
    assert len(feeds.requests) == before
    _run(cast, fake, NOW + timedelta(minutes=31))
    assert feeds.hits("/trade-press.rss")[-1].if_none_match == good.etag
    assert Item.objects.filter(network="web").count() == 5 + from_broken.count()


def test_items_older_than_retention_are_not_stored(
    cast: Cast, account: SocialAccount, fake: FakeWatchConnector
) -> None:
    watched = _watch(cast, "atelier.bsky.social", own=True)
    fake.profiles[watched.remote_id] = profile("atelier.bsky.social")
    fake.posts[watched.remote_id] = (
        post("at://old/1", "Un très vieux post", hours_ago=24 * 500),
        post("at://new/1", "Un post récent"),
    )
    collect_organisation(cast.org, connector_for=lambda _a: fake)
    assert list(Item.objects.values_list("remote_id", flat=True)) == ["at://new/1"]
    assert Item.objects.get().category  # our own posts are categorised too (the benchmark)
