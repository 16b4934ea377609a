"""The « Veille » pages: what a member sees and changes, roles, and another organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.models import AuditEvent
from parvis.networks.contracts import PublicProfile
from parvis.networks.errors import NotFound
from parvis.networks.models import SocialAccount
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Competitor, Feed, Item, WatchedProfile, WatchQuery
from tests.conftest import Cast, english_client
from tests.inbox.conftest import make_account
from tests.peers.feeds import FeedServer
from tests.watch.fakes import FakeWatchConnector, profile


def _url(cast: Cast, name: str) -> str:
    return reverse(f"watch:{name}", args=[cast.org.slug])


def _items(cast: Cast, *texts: str) -> None:
    feed = Feed.objects.create(organisation=cast.org, url="https://presse.example/rss")
    now = timezone.now()
    items_store(
        cast.org.pk,
        [
            Found(
                source=feed,
                network="web",
                remote_id=f"https://presse.example/{n}",
                url=f"https://presse.example/{n}",
                title=f"Article {n}",
                text=text,
                published_at=now - timedelta(hours=n),
            )
            for n, text in enumerate(texts)
        ],
    )


def test_timeline_is_empty_then_lists_items_newest_first_escaped(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    page = client.get(_url(cast, "timeline"))
    assert page.status_code == 200
    assert (
        "Choisir quoi surveiller" in page.content.decode() or "surveiller" in page.content.decode()
    )
    _items(cast, "Le prix du chêne <script>alert(1)</script> augmente", "Salon du bois à Nantes")
    html = client.get(_url(cast, "timeline")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert html.index("Article 0") < html.index("Article 1")


def test_search_and_filters(cast: Cast) -> None:
    _items(cast, "Le prix du chêne augmente encore", "Salon du bois à Nantes", "Chene et frene")
    client = cast.client_for(cast.alice)
    html = client.get(_url(cast, "timeline"), {"q": "chene"}).content.decode()
    assert "Article 0" in html and "Article 2" in html and "Article 1" not in html
    html = client.get(_url(cast, "timeline"), {"network": "bluesky"}).content.decode()
    assert "Article 0" not in html
    feed = Feed.objects.get()
    html = client.get(_url(cast, "timeline"), {"source": f"feed:{feed.pk}"}).content.decode()
    assert "Article 1" in html
    # Malformed filters are ignored, never an error.
    assert client.get(_url(cast, "timeline"), {"source": "feed:x", "page": "zz"}).status_code == 200


def test_another_organisations_items_never_show(cast: Cast) -> None:
    _items(cast, "Un article de Menuiserie A")
    html = (
        cast.client_for(cast.charlie)
        .get(reverse("watch:timeline", args=[cast.other_org.slug]))
        .content.decode()
    )
    assert "Article 0" not in html


def test_settings_page_shows_limits_and_states_in_french(cast: Cast) -> None:
    WatchedProfile.objects.create(
        organisation=cast.org,
        network="bluesky",
        handle="rival.bsky.social",
        remote_id="did:plc:rival",
        state="error",
        error_code="no_account",
        last_error="Aucun compte Bluesky connecté\u00a0: connectez-en un dans « Comptes ».",
    )
    html = cast.client_for(cast.alice).get(_url(cast, "settings")).content.decode()
    assert "Aucun compte Bluesky connecté" in html
    assert reverse("networks:accounts", args=[cast.org.slug]) in html
    assert "0\u00a0sur\u00a05\u00a0concurrents" in html or "0 sur 5 concurrents" in html


def test_competitor_profile_lookup_then_add(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    make_account(cast.org, "bluesky")
    fake = FakeWatchConnector()
    fake.profiles["@atelier.bsky.social"] = profile("atelier.bsky.social", followers=1840)
    fake.profiles["@prive.bsky.social"] = NotFound("profile", network="bluesky")
    monkeypatch.setattr(SocialAccount, "connector", lambda self, **_: fake)
    client = cast.client_for(cast.alice)
    client.post(_url(cast, "competitor_add"), {"name": "Atelier Chêne"})
    competitor = Competitor.objects.get(organisation=cast.org)
    form = {"network": "bluesky", "handle": "@atelier.bsky.social", "competitor": competitor.pk}
    preview = client.post(_url(cast, "profile_lookup"), form).content.decode()
    assert "840 " in preview and "@atelier.bsky.social" in preview
    assert not WatchedProfile.objects.exists()  # shown, not saved
    client.post(_url(cast, "profile_add"), form)
    watched = WatchedProfile.objects.get()
    assert watched.competitor == competitor and watched.followers == 1840
    assert AuditEvent.objects.filter(action="watch.profile.added").exists()
    missing = client.post(_url(cast, "profile_lookup"), {**form, "handle": "@prive.bsky.social"})
    assert "non public" in missing.content.decode()


def test_lookup_without_an_account_on_the_network_says_so(cast: Cast) -> None:
    html = (
        cast.client_for(cast.alice)
        .post(_url(cast, "profile_lookup"), {"network": "mastodon", "handle": "@a@b.example"})
        .content.decode()
    )
    assert "Comptes" in html
    assert not WatchedProfile.objects.exists()


def test_query_add_validates_and_respects_limits(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    empty = client.post(_url(cast, "query_add"), {"kind": "sector"})
    assert not WatchQuery.objects.exists() and empty.status_code == 200
    long = client.post(_url(cast, "query_add"), {"kind": "sector", "all_words": "x" * 10_000})
    assert long.status_code == 400 and not WatchQuery.objects.exists()
    for n in range(6):
        client.post(_url(cast, "query_add"), {"kind": "sector", "hashtags": f"#bois{n}"})
    assert WatchQuery.objects.count() == 5  # the small plan's limit


def test_feed_find_and_add(cast: Cast, feeds: FeedServer) -> None:
    client = cast.client_for(cast.alice)
    html = client.post(_url(cast, "feed_find"), {"url": f"{feeds.url}/site.html"}).content.decode()
    assert f"{feeds.url}/blog-concurrent.atom" in html and f"{feeds.url}/trade-press.rss" in html
    client.post(_url(cast, "feed_add"), {"url": f"{feeds.url}/trade-press.rss"})
    assert Feed.objects.get().url == f"{feeds.url}/trade-press.rss"


def test_feed_to_a_private_address_is_refused(cast: Cast) -> None:
    response = cast.client_for(cast.alice).post(
        _url(cast, "feed_add"), {"url": "http://169.254.169.254/latest/"}
    )
    assert response.status_code == 200 and not Feed.objects.exists()


def test_contributor_cannot_change_sources_and_ids_of_others_are_404(cast: Cast) -> None:
    bob = cast.client_for(cast.bob)
    assert bob.get(_url(cast, "settings")).status_code == 200
    assert bob.post(_url(cast, "competitor_add"), {"name": "X"}).status_code == 403
    foreign = Feed.objects.create(organisation=cast.other_org, url="https://autre.example/rss")
    alice = cast.client_for(cast.alice)
    response = alice.post(_url(cast, "source_remove"), {"kind": "feed", "id": foreign.pk})
    assert response.status_code == 404 and Feed.objects.filter(pk=foreign.pk).exists()
    assert alice.post(_url(cast, "source_remove"), {"kind": "user", "id": 1}).status_code == 404


def test_remove_source_keeps_items_and_retention_is_saved(cast: Cast) -> None:
    _items(cast, "Un article")
    client = cast.client_for(cast.alice)
    feed = Feed.objects.get()
    client.post(_url(cast, "source_remove"), {"kind": "feed", "id": feed.pk})
    assert not Feed.objects.exists() and Item.objects.count() == 1
    client.post(_url(cast, "retention"), {"retention_months": "6"})
    from parvis.watch.selectors import watch_settings_for

    assert watch_settings_for(cast.org).retention_months == 6
    assert client.post(_url(cast, "retention"), {"retention_months": "99"}).status_code == 400


def test_english_page(cast: Cast) -> None:
    client: Client = english_client(cast.alice)
    html = client.get(_url(cast, "timeline")).content.decode()
    assert "<h1>Watch</h1>" in html


def test_menu_entry_after_approvals(cast: Cast) -> None:
    from parvis.web.navigation import MENU

    names = [item.url_name for item in MENU]
    assert names.index("watch:timeline") == names.index("posts:approvals") + 1


def test_unused_profile_is_flagged(cast: Cast) -> None:
    assert isinstance(profile("a.bsky.social"), PublicProfile)


def test_avatar_is_served_only_for_a_signed_address(cast: Cast, feeds: FeedServer) -> None:
    from parvis.watch.avatars import avatar_token

    client = cast.client_for(cast.alice)
    url = _url(cast, "avatar")
    assert client.get(url, {"t": "forged"}).status_code == 404
    # Signed but plain http (and a feed, not an image): refused all the same.
    assert client.get(url, {"t": avatar_token(f"{feeds.url}/trade-press.rss")}).status_code == 404
