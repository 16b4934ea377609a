"""The watch (« Veille ») on Bluesky, against the real local network (``@atproto/dev-env``):
a competitor account posts, replies and reposts; the organisation's connector (another account,
its own session) finds its profile, reads its feed and searches its words.

What dev-env cannot show: its AppView has no search service, so ``searchPosts`` falls back on
the data plane's ``text LIKE '%q%'`` — a case-sensitive substring, newest first, where ``sort``,
``lang``, ``since``, ``tag``… are ignored and a quoted phrase keeps its quotes. These tests check
what the connector *sends* for those filters (through the fault proxy's log), never that dev-env
applied them; the last tests run the connector against ``tests/peers/bluesky_search.py``, a
fake of ``searchPosts`` that applies the lexicon's filters.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from parvis.networks.bluesky import client as api
from parvis.networks.bluesky.connector import BlueskyConnector
from parvis.networks.bluesky.watch import MAX_QUERY_CHARS, actor
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import NotFound, RateLimited, Rejected
from tests.networks.test_bluesky_contract import POLICY, BlueskyHarness
from tests.peers.bluesky import BlueskyAccount, BlueskyPeer, bluesky_peer
from tests.peers.bluesky_search import BlueskySearchFake, bluesky_search
from tests.peers.faultproxy import Fault

pytestmark = pytest.mark.peer
__all__ = ["bluesky_peer", "bluesky_search"]


class Rival:
    """A competitor's account on the peer, writing through its own session."""

    def __init__(self, harness: BlueskyHarness) -> None:
        self.harness = harness
        self.account: BlueskyAccount = harness.peer.create_account("rival")
        self.session = harness.create_session(self.account)

    def write(
        self,
        collection: str,
        record: dict[str, Any],
        *,
        by: dict[str, Any] | None = None,
        did: str | None = None,
    ) -> dict[str, Any]:
        session = by or self.session
        answer = self.harness.setup.post(
            self.harness.peer.xrpc_url("com.atproto.repo.createRecord"),
            json={"repo": did or self.account.did, "collection": collection, "record": record},
            headers={"Authorization": f"Bearer {session['accessJwt']}"},
        )
        answer.raise_for_status()
        self.harness.peer.sync()
        body: dict[str, Any] = answer.json()
        return body

    def post(self, text: str, *, langs: tuple[str, ...] = ("fr",), **extra: Any) -> dict[str, Any]:
        record = {"$type": api.POST_COLLECTION, "text": text, "langs": list(langs)}
        record |= {"createdAt": api.iso_now(datetime.now(UTC))} | extra
        return self.write(api.POST_COLLECTION, record)


@pytest.fixture
def harness(bluesky_peer: BlueskyPeer, fault_proxy_factory: Any) -> Iterator[BlueskyHarness]:
    harness = BlueskyHarness(bluesky_peer, fault_proxy_factory(bluesky_peer.pds_url))
    yield harness
    harness.close()


@pytest.fixture
def rival(harness: BlueskyHarness) -> Rival:
    return Rival(harness)


def calls(harness: BlueskyHarness, method: str) -> list[dict[str, list[str]]]:
    """The query strings of the connector's calls to ``method``, as the proxy saw them."""
    return [
        parse_qs(urlsplit(seen.path).query)
        for seen in harness.proxy.seen
        if urlsplit(seen.path).path.endswith(method)
    ]


# --- profiles -----------------------------------------------------------------------------------


def test_profile_by_handle_at_handle_address_and_did(harness: BlueskyHarness, rival: Rival) -> None:
    rival.post("Première annonce")
    follow = {"$type": "app.bsky.graph.follow", "subject": rival.account.did}
    rival.write(
        "app.bsky.graph.follow",
        follow | {"createdAt": api.iso_now(datetime.now(UTC))},
        by=harness.fan_session,
        did=harness.fan.did,
    )
    connector = harness.connector()
    handle = rival.account.handle
    asked = [handle, f"@{handle}", f"https://bsky.app/profile/{handle}", rival.account.did]
    profiles = [connector.public_profile(one) for one in asked]
    assert {p.remote_id for p in profiles} == {rival.account.did}
    profile = profiles[0]
    assert profile.handle == handle and profile.url == f"https://bsky.app/profile/{handle}"
    assert profile.followers == 1 and profile.posts == 1


def test_unknown_account_is_not_found(harness: BlueskyHarness) -> None:
    with pytest.raises(NotFound) as caught:
        harness.connector().public_profile(f"personne{secrets.token_hex(4)}.test")
    assert caught.value.permanent and "Bluesky" in caught.value.user_message


def test_deactivated_account_is_not_found(harness: BlueskyHarness, rival: Rival) -> None:
    rival.post("Avant la fermeture")
    # An app password may not deactivate an account: its main password's session may.
    full = harness.setup.post(
        harness.peer.xrpc_url("com.atproto.server.createSession"),
        json={"identifier": rival.account.handle, "password": rival.account.password},
    ).json()
    harness.setup.post(
        harness.peer.xrpc_url("com.atproto.server.deactivateAccount"),
        json={},
        headers={"Authorization": f"Bearer {full['accessJwt']}"},
    ).raise_for_status()
    harness.peer.sync()
    connector = harness.connector()
    with pytest.raises(NotFound):
        connector.public_profile(rival.account.did)
    with pytest.raises(NotFound):
        connector.public_posts(rival.account.did)


def test_what_is_not_an_account_is_refused_without_a_call(harness: BlueskyHarness) -> None:
    connector = harness.connector()
    for garbage in ("pas un compte !", "https://example.com/profile/a.test", "", "@"):
        with pytest.raises(NotFound):
            connector.public_profile(garbage)
    assert harness.proxy.seen == []


def test_actor_reads_post_addresses_too() -> None:
    assert actor("https://bsky.app/profile/acme.fr/post/3kabc") == "acme.fr"
    assert actor(" @Acme.bsky.social ") == "Acme.bsky.social"
    assert actor("did:plc:abc234") == "did:plc:abc234"


# --- an account's posts -------------------------------------------------------------------------


def test_posts_newest_first_without_replies_or_reposts(
    harness: BlueskyHarness, rival: Rival
) -> None:
    first = rival.post("Nouvelle boutique à Nantes")
    second = rival.post("Soldes d’hiver", langs=("fr", "en"))
    ref = {"uri": second["uri"], "cid": second["cid"]}
    rival.post("Merci à tous", reply={"root": ref, "parent": ref})  # a reply: not listed
    fan_post = harness.add_inbound("Un message du fan")
    fan_record = harness.record(fan_post)
    assert fan_record is not None
    now = api.iso_now(datetime.now(UTC))
    repost = {"subject": {"uri": fan_post, "cid": fan_record["cid"]}, "createdAt": now}
    rival.write("app.bsky.feed.repost", {"$type": "app.bsky.feed.repost"} | repost)
    like = {"subject": ref, "createdAt": now}
    rival.write(
        "app.bsky.feed.like",
        {"$type": "app.bsky.feed.like"} | like,
        by=harness.fan_session,
        did=harness.fan.did,
    )

    page = harness.connector().public_posts(rival.account.did)
    assert [p.remote_id for p in page.items] == [second["uri"], first["uri"]]
    newest = page.items[0]
    assert newest.text == "Soldes d’hiver" and newest.language == "fr"
    assert newest.author_id == rival.account.did and newest.author_handle == rival.account.handle
    assert newest.counters["like_count"] == 1 and newest.counters["reply_count"] == 1
    assert newest.url.startswith("https://bsky.app/profile/") and newest.created_at.tzinfo
    assert calls(harness, "getAuthorFeed")[0]["filter"] == ["posts_no_replies"]


def test_posts_page_with_a_cursor(harness: BlueskyHarness, rival: Rival) -> None:
    written = [rival.post(f"Annonce {n}")["uri"] for n in range(5)]
    connector = harness.connector()
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = connector.public_posts(rival.account.did, cursor=cursor, limit=2)
        seen += [p.remote_id for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == written[::-1] and cursor is None


def test_a_future_date_is_capped_at_indexing_time(harness: BlueskyHarness, rival: Rival) -> None:
    future = api.iso_now(datetime.now(UTC) + timedelta(days=300))
    rival.post("Daté du futur", createdAt=future)
    post = harness.connector().public_posts(rival.account.did).items[0]
    assert post.created_at <= datetime.now(UTC)


# --- search -------------------------------------------------------------------------------------


def test_search_finds_the_words_and_sends_latest_and_lang(
    harness: BlueskyHarness, rival: Rival
) -> None:
    word = f"fournil{secrets.token_hex(3)}"
    older = rival.post(f"Notre {word} ouvre lundi")
    newer = rival.post(f"Le {word} du quartier #boulangerie", langs=("en",))
    rival.post("Rien à voir")
    page = harness.connector().search_posts(word, language="fr", limit=10)
    assert [p.remote_id for p in page.items] == [newer["uri"], older["uri"]]
    assert page.items[0].author_handle == rival.account.handle
    sent = calls(harness, "searchPosts")[0]
    assert sent["q"] == [word] and sent["sort"] == ["latest"] and sent["lang"] == ["fr"]
    # dev-env ignores ``lang`` (the English post came back): Bluesky's service applies it.


def test_search_by_hashtag_text(harness: BlueskyHarness, rival: Rival) -> None:
    tag = f"#Veille{secrets.token_hex(3)}"
    posted = rival.post(f"Nos nouveautés {tag}")
    page = harness.connector().search_posts(tag)
    assert [p.remote_id for p in page.items] == [posted["uri"]]


def test_search_pages_with_a_cursor(harness: BlueskyHarness, rival: Rival) -> None:
    word = f"atelier{secrets.token_hex(3)}"
    written = [rival.post(f"{word} numéro {n}")["uri"] for n in range(3)]
    connector = harness.connector()
    first = connector.search_posts(word, limit=2)
    assert first.next_cursor and len(first.items) == 2
    second = connector.search_posts(word, cursor=first.next_cursor, limit=2)
    assert [p.remote_id for p in first.items + second.items] == written[::-1]


@pytest.mark.parametrize("query", ["x" * 10_000, "   "], ids=["10000-chars", "blank"])
def test_unreasonable_queries_are_refused_before_any_call(
    harness: BlueskyHarness, query: str
) -> None:
    with pytest.raises(Rejected) as caught:
        harness.connector().search_posts(query)
    assert harness.proxy.seen == []
    assert "recherche" in caught.value.user_message
    if query.strip():
        assert f"{MAX_QUERY_CHARS}" in caught.value.reason and "10\u202f000" in caught.value.reason


def test_rate_limited_search_waits_for_the_reset(harness: BlueskyHarness) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    harness.proxy.inject(Fault.rate_limited("bluesky", reset_in=900, now=now), path="searchPosts")
    with pytest.raises(RateLimited) as caught:
        harness.connector().search_posts("boulangerie")
    assert caught.value.retry_at == now + timedelta(seconds=900)


# --- the documented filters, against a fake that applies them (tests/peers/bluesky_search.py) ---


def searching(fake: BlueskySearchFake) -> BlueskyConnector:
    return BlueskyConnector(
        tokens=TokenSet("session-jwt"), base_url=fake.url, http=httpx.Client(), policy=POLICY
    )


def test_language_phrase_and_tag_are_applied_by_a_search_that_honours_them(
    bluesky_search: BlueskySearchFake,
) -> None:
    phrase = bluesky_search.add("Le vrai pain au levain, enfin", langs=("fr",), minutes_ago=5)
    bluesky_search.add("Pain et levain au menu", langs=("fr",))  # the words, not the phrase
    bluesky_search.add("The real pain au levain", langs=("en",))
    tagged = bluesky_search.add("Nouvelle fournée", langs=("fr",), tags=("levain",))
    connector = searching(bluesky_search)
    found = connector.search_posts('"pain au levain"', language="fr")
    assert [p.remote_id for p in found.items] == [phrase]
    assert [p.remote_id for p in connector.search_posts("#levain").items] == [tagged]


def test_search_pages_until_the_last_one(bluesky_search: BlueskySearchFake) -> None:
    written = [bluesky_search.add(f"atelier {n}", minutes_ago=10 - n) for n in range(5)]
    connector = searching(bluesky_search)
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = connector.search_posts("atelier", cursor=cursor, limit=2)
        seen += [p.remote_id for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == written[::-1]
