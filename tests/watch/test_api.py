"""The watch's REST API: sources (competitors, profiles, searches, feeds) and collected items,
roles, another organisation, bad input and the plan's limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.core.models import AuditEvent
from parvis.networks.errors import NotFound
from parvis.networks.models import SocialAccount
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Competitor, Feed, Item, WatchedProfile, WatchQuery
from tests import test_tenancy
from tests.conftest import Cast, english_client
from tests.inbox.conftest import make_account
from tests.peers.feeds import FeedServer
from tests.watch.fakes import FakeWatchConnector, profile


class Api:
    """A client authenticated with an organisation API key."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self.headers)

    def send(self, method: str, url: str, body: Any = None) -> Any:
        call = getattr(self.client, method)
        return call(url, body if body is not None else {}, "application/json", **self.headers)


def _base(cast: Cast, org: Any = None) -> str:
    return f"/api/v1/o/{(org or cast.org).slug}/watch/"


def _key(cast: Cast, role: str) -> Api:
    return Api(api_key_create(membership=cast.alice_membership, name=role, role=role).secret)


def _store(cast: Cast, source: Feed | WatchedProfile, *texts: str, network: str = "web") -> None:
    now = timezone.now()
    items_store(
        cast.org.pk,
        [
            Found(
                source=source,
                network=network,
                remote_id=f"{source.pk}-{n}",
                url=f"https://presse.example/{source.pk}/{n}",
                title=f"Article {n}",
                text=text,
                published_at=now - timedelta(days=n * 20),
            )
            for n, text in enumerate(texts)
        ],
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeWatchConnector:
    connector = FakeWatchConnector()
    connector.profiles["@atelier.bsky.social"] = profile("atelier.bsky.social", followers=1840)
    connector.profiles["@prive.bsky.social"] = NotFound("profile", network="bluesky")
    monkeypatch.setattr(SocialAccount, "connector", lambda self, **_: connector)
    return connector


# --- competitors and profiles ------------------------------------------------------------------


def test_competitor_create_list_rename_delete(cast: Cast) -> None:
    api = _key(cast, Role.MANAGER)
    created = api.send("post", _base(cast) + "competitors/", {"name": " Atelier Chêne "})
    assert created.status_code == 201, created.json()
    competitor_id = created.json()["id"]
    assert created.json()["name"] == "Atelier Chêne"
    assert [c["name"] for c in api.get(_base(cast) + "competitors/").json()] == ["Atelier Chêne"]
    url = f"{_base(cast)}competitors/{competitor_id}/"
    renamed = api.send("patch", url, {"name": "Atelier du Chêne"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Atelier du Chêne"
    assert Competitor.objects.get().name == "Atelier du Chêne"
    blank = api.send("patch", url, {"name": "   "})
    assert blank.status_code == 400 and blank.json()["code"] == "invalid"
    assert api.send("delete", url).status_code == 204
    assert not Competitor.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "watch.competitor.created",
        "watch.competitor.renamed",
        "watch.competitor.deleted",
    } <= actions


def test_competitors_are_limited_by_the_plan(cast: Cast) -> None:
    api = _key(cast, Role.OWNER)
    for n in range(5):  # the small plan's limit
        assert api.send("post", _base(cast) + "competitors/", {"name": f"C{n}"}).status_code == 201
    refused = api.send("post", _base(cast) + "competitors/", {"name": "C5"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "refused" and "5" in refused.json()["detail"]
    assert Competitor.objects.count() == 5
    limits = api.get(_base(cast) + "limits").json()
    assert limits["competitors"] == {"used": 5, "limit": 5}
    assert limits["plan_size"] == "small" and limits["feeds"]["limit"] == 20


def test_profile_is_looked_up_before_it_is_watched(cast: Cast, fake: FakeWatchConnector) -> None:
    make_account(cast.org, "bluesky")
    competitor = Competitor.objects.create(organisation=cast.org, name="Atelier")
    api = _key(cast, Role.MANAGER)
    body = {"network": "bluesky", "handle": "@atelier.bsky.social"}
    preview = api.send("post", _base(cast) + "profiles/lookup", body)
    assert preview.status_code == 200 and preview.json()["followers"] == 1840
    assert not WatchedProfile.objects.exists()  # shown, not saved
    created = api.send("post", _base(cast) + "profiles/", {**body, "competitor_id": competitor.pk})
    assert created.status_code == 201, created.json()
    shown = created.json()
    assert shown["competitor_id"] == competitor.pk and shown["followers"] == 1840
    assert shown["state"]["state"] == "active"
    assert shown["state"]["message"] == "En attente de la première lecture."
    listed = api.get(_base(cast) + "profiles/").json()
    assert [p["handle"] for p in listed] == ["atelier.bsky.social"]
    url = f"{_base(cast)}profiles/{shown['id']}/"
    ours = api.send("patch", url, {"competitor_id": None})
    assert ours.status_code == 200 and ours.json()["competitor_id"] is None
    assert WatchedProfile.objects.get().is_own
    missing = api.send("post", _base(cast) + "profiles/", {**body, "handle": "@prive.bsky.social"})
    assert missing.status_code == 400 and missing.json()["code"] == "refused"
    assert api.send("delete", url).status_code == 204 and not WatchedProfile.objects.exists()


def test_profile_without_an_account_on_the_network_or_unknown_network(cast: Cast) -> None:
    api = _key(cast, Role.MANAGER)
    body = {"network": "mastodon", "handle": "@a@b.example"}
    refused = api.send("post", _base(cast) + "profiles/", body)
    assert refused.status_code == 400 and "Comptes" in refused.json()["detail"]
    unknown = api.send("post", _base(cast) + "profiles/", {**body, "network": "myspace"})
    assert unknown.status_code == 422
    no_network = api.send("post", _base(cast) + "profiles/", {"handle": "@a@b.example"})
    assert no_network.status_code == 400 and no_network.json()["detail"] == "Choisissez un réseau."
    english = english_client(cast.alice).post(  # a session: the member's own language
        _base(cast) + "profiles/lookup", {"network": "bluesky"}, "application/json"
    )
    assert english.json()["detail"] == "Type a handle or the address of their page."
    assert not WatchedProfile.objects.exists()


# --- searches and feeds ------------------------------------------------------------------------


def test_query_create_list_delete_and_bad_input(cast: Cast) -> None:
    api = _key(cast, Role.MANAGER)
    url = _base(cast) + "queries/"
    created = api.send("post", url, {"kind": "own_name", "exact_phrase": "Menuiserie  A"})
    assert created.status_code == 201, created.json()
    assert created.json()["exact_phrase"] == "Menuiserie A"
    assert created.json()["description"] == "«\u00a0Menuiserie A\u00a0»"
    assert [q["kind"] for q in api.get(url).json()] == ["own_name"]
    empty = api.send("post", url, {"kind": "sector"})
    assert empty.status_code == 400 and empty.json()["code"] == "refused"
    assert api.send("post", url, {"all_words": "x" * 10_000}).status_code == 422
    assert api.send("post", url, {"hashtags": "#bois", "lang": "fr"}).status_code == 422
    assert api.send("post", url, {"hashtags": "#bois", "language": "xx"}).status_code == 422
    for n in range(4):
        assert api.send("post", url, {"hashtags": f"#bois{n}"}).status_code == 201
    over = api.send("post", url, {"hashtags": "#bois9"})
    assert over.status_code == 400 and WatchQuery.objects.count() == 5
    query_id = created.json()["id"]
    assert api.send("delete", f"{url}{query_id}/").status_code == 204
    assert WatchQuery.objects.count() == 4


def test_feed_discover_create_assign_delete(cast: Cast, feeds: FeedServer) -> None:
    api = _key(cast, Role.MANAGER)
    found = api.send("post", _base(cast) + "feeds/discover", {"url": f"{feeds.url}/site.html"})
    assert found.status_code == 200
    urls = {link["url"] for link in found.json()}
    assert {f"{feeds.url}/blog-concurrent.atom", f"{feeds.url}/trade-press.rss"} <= urls
    competitor = Competitor.objects.create(organisation=cast.org, name="Atelier")
    body = {"url": f"{feeds.url}/blog-concurrent.atom", "competitor_id": competitor.pk}
    created = api.send("post", _base(cast) + "feeds/", body)
    assert created.status_code == 201 and created.json()["competitor_id"] == competitor.pk
    url = f"{_base(cast)}feeds/{created.json()['id']}/"
    sector = api.send("patch", url, {"competitor_id": None})
    assert sector.status_code == 200 and Feed.objects.get().competitor is None
    assert [f["url"] for f in api.get(_base(cast) + "feeds/").json()] == [body["url"]]
    assert api.send("delete", url).status_code == 204 and not Feed.objects.exists()


def test_feed_to_a_private_address_is_refused(cast: Cast) -> None:
    api = _key(cast, Role.MANAGER)
    private = "http://169.254.169.254/latest/"
    refused = api.send("post", _base(cast) + "feeds/", {"url": private})
    assert refused.status_code == 400 and refused.json()["code"] == "refused"
    discover = api.send("post", _base(cast) + "feeds/discover", {"url": private})
    assert discover.status_code == 400
    for not_web in ("javascript:alert(1)", "\u0080y\u000e", "presse.example/" + "x" * 1000):
        assert api.send("post", _base(cast) + "feeds/", {"url": not_web}).status_code == 422
        assert api.send("post", _base(cast) + "feeds/discover", {"url": not_web}).status_code == 422
    missing = api.send("post", _base(cast) + "feeds/", {})
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert not Feed.objects.exists()


def test_feed_state_is_shown_in_french(cast: Cast) -> None:
    Feed.objects.create(
        organisation=cast.org,
        url="https://presse.example/",
        state="error",
        error_code="not_a_feed",
        last_error="Cette adresse est une page web, pas un flux\u00a0: utilisez « Trouver… ».",
    )
    state = _key(cast, Role.VIEWER).get(_base(cast) + "feeds/").json()[0]["state"]
    assert state["error_code"] == "not_a_feed" and state["message"].startswith("Cette adresse")


# --- items -------------------------------------------------------------------------------------


def test_items_filters_search_and_pages(cast: Cast) -> None:
    feed = Feed.objects.create(organisation=cast.org, url="https://presse.example/rss")
    competitor = Competitor.objects.create(organisation=cast.org, name="Atelier")
    watched = WatchedProfile.objects.create(
        organisation=cast.org,
        network="bluesky",
        handle="a",
        remote_id="did:a",
        competitor=competitor,
    )
    _store(cast, feed, "Le prix du chêne <script>alert(1)</script> augmente", "Salon du bois")
    _store(cast, watched, "Nouvelle table en chêne massif", network="bluesky")
    api = _key(cast, Role.VIEWER)
    url = _base(cast) + "items/"

    def texts(**params: Any) -> list[str]:
        response = api.get(url, **params)
        assert response.status_code == 200, response.json()
        return [item["text"] for item in response.json()["items"]]

    everything = api.get(url).json()
    assert everything["count"] == 3
    by_text = {item["text"]: item for item in everything["items"]}
    raw = by_text["Le prix du chêne <script>alert(1)</script> augmente"]  # data, not HTML
    assert raw["sources"] == [f"feed:{feed.pk}"] and raw["title"] == "Article 0"
    assert set(texts(q="chêne")) == {
        "Le prix du chêne <script>alert(1)</script> augmente",
        "Nouvelle table en chêne massif",
    }
    assert texts(network="bluesky") == ["Nouvelle table en chêne massif"]
    assert texts(competitor=competitor.pk) == ["Nouvelle table en chêne massif"]
    assert texts(source=f"feed:{feed.pk}", period="7") == [
        "Le prix du chêne <script>alert(1)</script> augmente"
    ]
    assert len(texts(limit=1)) == 1 and len(texts(limit=1, offset=2)) == 1
    assert api.get(url, limit=1000).status_code == 422


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 10_000}, {"network": "myspace"}, {"sentiment": "furious"}, {"period": "3650"}],
)
def test_items_refuse_bad_filters(cast: Cast, params: dict[str, Any]) -> None:
    response = _key(cast, Role.VIEWER).get(_base(cast) + "items/", **params)
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_items_of_another_organisation_never_show(cast: Cast) -> None:
    theirs = Feed.objects.create(organisation=cast.other_org, url="https://autre.example/rss")
    items_store(
        cast.other_org.pk,
        [
            Found(
                source=theirs,
                network="web",
                remote_id="x",
                url="https://autre.example/x",
                title="Secret",
                text="chêne secret",
                published_at=timezone.now(),
            )
        ],
    )
    api = _key(cast, Role.VIEWER)
    assert api.get(_base(cast) + "items/", q="secret").json()["items"] == []
    foreign_source = api.get(_base(cast) + "items/", source=f"feed:{theirs.pk}")
    assert foreign_source.status_code == 400  # not one of this organisation's sources
    assert Item.objects.filter(organisation=cast.other_org).count() == 1


# --- roles and tenancy -------------------------------------------------------------------------


def test_viewers_and_contributors_read_but_do_not_change(cast: Cast) -> None:
    competitor = Competitor.objects.create(organisation=cast.org, name="Atelier")
    feed = Feed.objects.create(organisation=cast.org, url="https://presse.example/rss")
    for role in (Role.VIEWER, Role.CONTRIBUTOR):
        api = _key(cast, role)
        for path in ("competitors/", "profiles/", "queries/", "feeds/", "limits", "items/"):
            assert api.get(_base(cast) + path).status_code == 200, (role, path)
        writes = [
            ("post", "competitors/", {"name": "X"}),
            ("patch", f"competitors/{competitor.pk}/", {"name": "X"}),
            ("delete", f"competitors/{competitor.pk}/", None),
            ("post", "queries/", {"hashtags": "#bois"}),
            ("post", "feeds/", {"url": "https://presse.example/autre"}),
            ("post", "feeds/discover", {"url": "https://presse.example/"}),
            ("patch", f"feeds/{feed.pk}/", {"competitor_id": competitor.pk}),
            ("delete", f"feeds/{feed.pk}/", None),
            ("post", "profiles/lookup", {"network": "bluesky", "handle": "@a.bsky.social"}),
        ]
        for method, path, body in writes:
            response = api.send(method, _base(cast) + path, body)
            assert response.status_code == 403, (role, method, path)
            assert response.json()["code"] == "forbidden"
    assert Competitor.objects.get().name == "Atelier" and Feed.objects.get().competitor is None
    assert not WatchQuery.objects.exists()


def test_another_organisations_key_and_objects_are_404(cast: Cast) -> None:
    theirs = Api(
        api_key_create(membership=cast.charlie_membership, name="c", role=Role.OWNER).secret
    )
    assert theirs.get(_base(cast) + "competitors/").status_code == 404
    assert theirs.get(_base(cast) + "items/").status_code == 404
    assert theirs.send("post", _base(cast) + "competitors/", {"name": "X"}).status_code == 404
    their_competitor = Competitor.objects.create(organisation=cast.other_org, name="C")
    their_feed = Feed.objects.create(organisation=cast.other_org, url="https://autre.example/rss")
    their_query = WatchQuery.objects.create(organisation=cast.other_org, hashtags="#pain")
    their_profile = WatchedProfile.objects.create(
        organisation=cast.other_org, network="bluesky", handle="c", remote_id="did:c"
    )
    ours = _key(cast, Role.OWNER)
    attempts = [
        ("patch", f"competitors/{their_competitor.pk}/", {"name": "X"}),
        ("delete", f"competitors/{their_competitor.pk}/", None),
        ("patch", f"feeds/{their_feed.pk}/", {"competitor_id": None}),
        ("delete", f"feeds/{their_feed.pk}/", None),
        ("delete", f"queries/{their_query.pk}/", None),
        ("patch", f"profiles/{their_profile.pk}/", {"competitor_id": None}),
        ("delete", f"profiles/{their_profile.pk}/", None),
        # Our feed or profile, their competitor.
        ("post", "feeds/", {"url": "https://p.example/", "competitor_id": their_competitor.pk}),
        ("post", "profiles/", {"network": "bluesky", "competitor_id": their_competitor.pk}),
    ]
    for method, path, body in attempts:
        response = ours.send(method, _base(cast) + path, body)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
    assert Competitor.objects.get(pk=their_competitor.pk).name == "C"
    assert Feed.objects.filter(organisation=cast.other_org).count() == 1
    assert not Feed.objects.filter(organisation=cast.org).exists()
    assert WatchQuery.objects.filter(pk=their_query.pk).exists()
    assert WatchedProfile.objects.filter(pk=their_profile.pk).exists()


def test_unknown_fields_nul_and_huge_ids_are_refused(cast: Cast) -> None:
    api = _key(cast, Role.MANAGER)
    base = _base(cast)
    assert api.send("post", base + "competitors/", {"nom": "X"}).status_code == 422
    assert api.send("post", base + "competitors/", {"name": "A\x00B"}).status_code == 422
    assert api.send("delete", f"{base}feeds/{2**70}/").status_code == 422
    assert api.get(base + "items/", q="a\x00b").status_code == 422
    assert not Competitor.objects.exists()


def test_nothing_without_a_key(cast: Cast) -> None:
    response = Client().get(_base(cast) + "items/")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


# --- the whole-house tenancy walk, for the watch's path arguments --------------------------------


# The foreign objects of the watch's paths are made by tests/test_tenancy.py (FOREIGN_OBJECTS).
WATCH_MODELS: dict[str, type[Competitor | WatchedProfile | WatchQuery | Feed]] = {
    "competitor_id": Competitor,
    "profile_id": WatchedProfile,
    "query_id": WatchQuery,
    "feed_id": Feed,
}


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p in test_tenancy.api_operations() if "/watch/" in p],
)
def test_every_watch_operation_refuses_another_organisation(
    cast: Cast, method: str, path: str
) -> None:
    test_tenancy._api_denied(cast, method, test_tenancy._api_url(path, cast.other_org.slug, cast))
    if path.count("{") > 1:  # our organisation, their objects
        test_tenancy._api_denied(cast, method, test_tenancy._api_url(path, cast.org.slug, cast))
    for name, model in WATCH_MODELS.items():
        if name in path:  # their row is still there, unchanged, and nothing was made here
            assert model.objects.filter(organisation=cast.other_org).count() == 1
    assert Competitor.objects.filter(organisation=cast.other_org).exclude(name="C").count() == 0
    assert not Competitor.objects.filter(organisation=cast.org).exists()
