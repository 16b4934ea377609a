"""The watch (« Veille ») on Mastodon, against mastodon-mock behind the fault proxy: a
competitor on the same server posts, replies, boosts and writes followers-only; the
organisation's connector (its own token) finds the account, reads its statuses and searches.

What the mock cannot show: it has no federation (an account on another server is only ever
"not found"), its ``/api/v2/search`` is a substring match over every status that ignores
``offset`` and ``resolve`` (so search paging and the real servers' indexing rules — Elasticsearch,
``indexable`` accounts only — are not exercised here; the docstring of
``parvis.networks.mastodon.watch`` says what real servers do).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from parvis.networks.errors import NotFound, RateLimited, Rejected, Transient
from tests.networks.test_mastodon_contract import MastodonHarness
from tests.peers.faultproxy import Fault
from tests.peers.mastodon import MastodonAccount, MastodonPeer, mastodon_peer

pytestmark = pytest.mark.peer
__all__ = ["mastodon_peer"]


@pytest.fixture
def harness(mastodon_peer: MastodonPeer, fault_proxy_factory: Any) -> Iterator[MastodonHarness]:
    harness = MastodonHarness(mastodon_peer, fault_proxy_factory(mastodon_peer.base_url))
    yield harness
    harness.http.close()


@pytest.fixture
def rival(harness: MastodonHarness) -> MastodonAccount:
    return harness.peer.create_account(f"rival_{secrets.token_hex(4)}")


def account_id(harness: MastodonHarness, account: MastodonAccount) -> str:
    return str(harness._get(account, "/api/v1/accounts/verify_credentials")["id"])


def act(harness: MastodonHarness, account: MastodonAccount, path: str) -> None:
    headers = {"Authorization": f"Bearer {account.access_token}"}
    harness.http.post(harness.peer.base_url + path, headers=headers).raise_for_status()


def calls(harness: MastodonHarness, path: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(seen.path).query)
        for seen in harness.proxy.seen
        if urlsplit(seen.path).path == path
    ]


# --- profiles -----------------------------------------------------------------------------------


def test_profile_by_handle_address_and_id(harness: MastodonHarness, rival: MastodonAccount) -> None:
    rival_id = account_id(harness, rival)
    harness.post_as(rival, status="Bonjour Nantes")
    act(harness, harness.fan, f"/api/v1/accounts/{rival_id}/follow")
    connector = harness.connector()
    server = urlsplit(harness.proxy.url).netloc
    asked = [
        f"@{rival.username}",
        f"@{rival.username}@{server}",
        f"{harness.proxy.url}/@{rival.username}",
        rival_id,
    ]
    profiles = [connector.public_profile(one) for one in asked]
    assert {p.remote_id for p in profiles} == {rival_id}
    profile = profiles[0]
    assert profile.handle == f"{rival.username}@{server}"
    assert profile.followers == 1 and profile.posts == 1 and profile.url.endswith(rival.username)


def test_unknown_accounts_are_not_found(harness: MastodonHarness) -> None:
    connector = harness.connector()
    with pytest.raises(NotFound):
        connector.public_profile(f"@personne_{secrets.token_hex(3)}")
    with pytest.raises(NotFound):
        connector.public_profile("999999999")
    # On another server: lookup does not ask it, so our server is asked to resolve it.
    with pytest.raises(NotFound) as caught:
        connector.public_profile("@fantome@ailleurs.example")
    assert calls(harness, "/api/v2/search")[0]["resolve"] == ["true"]
    assert "Mastodon" in caught.value.user_message


def test_what_is_not_an_account_is_refused_without_a_call(harness: MastodonHarness) -> None:
    for garbage in ("pas un compte !", "https://example.com/", "@a@b@c"):
        with pytest.raises(NotFound):
            harness.connector().public_profile(garbage)
    assert harness.proxy.seen == []


# --- an account's statuses ----------------------------------------------------------------------


def test_public_statuses_newest_first_without_replies_boosts_or_private(
    harness: MastodonHarness, rival: MastodonAccount
) -> None:
    rival_id = account_id(harness, rival)
    act(harness, harness.owner, f"/api/v1/accounts/{rival_id}/follow")  # we follow them
    first = harness.post_as(rival, status="Nouvelle boutique", language="fr")
    second = harness.post_as(rival, status="Soldes & promos <3", language="fr")
    harness.post_as(rival, status="Pour nos abonnés", visibility="private")
    harness.post_as(rival, status="Merci !", in_reply_to_id=second)
    fan_post = harness.post_as(harness.fan, status="Un message du fan")
    act(harness, rival, f"/api/v1/statuses/{fan_post}/reblog")
    act(harness, harness.fan, f"/api/v1/statuses/{second}/favourite")

    page = harness.connector().public_posts(rival_id)
    assert [p.remote_id for p in page.items] == [second, first]
    newest = page.items[0]
    assert newest.text == "Soldes & promos <3"  # HTML content back to plain text
    assert newest.author_id == rival_id and newest.author_handle == rival.username
    assert newest.counters["favourites_count"] == 1 and newest.language == "fr"
    sent = calls(harness, f"/api/v1/accounts/{rival_id}/statuses")[0]
    assert sent["exclude_replies"] == ["true"] and sent["exclude_reblogs"] == ["true"]


def test_statuses_page_with_the_link_header(
    harness: MastodonHarness, rival: MastodonAccount
) -> None:
    rival_id = account_id(harness, rival)
    written = [harness.post_as(rival, status=f"Annonce {n}") for n in range(5)]
    connector = harness.connector()
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = connector.public_posts(rival_id, cursor=cursor, limit=2)
        seen += [p.remote_id for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == written[::-1]


# --- search -------------------------------------------------------------------------------------


def test_a_hashtag_reads_its_timeline_in_the_language_asked(
    harness: MastodonHarness, rival: MastodonAccount
) -> None:
    tag = f"fournil{secrets.token_hex(3)}"
    french = harness.post_as(rival, status=f"Pain au levain #{tag}", language="fr")
    harness.post_as(rival, status=f"Sourdough bread #{tag}", language="en")
    harness.post_as(rival, status=f"En privé #{tag}", visibility="private")
    page = harness.connector().search_posts(f"#{tag}", language="fr")
    assert [p.remote_id for p in page.items] == [french]
    assert calls(harness, f"/api/v1/timelines/tag/{tag}")


def test_an_unused_hashtag_is_an_empty_page(harness: MastodonHarness) -> None:
    page = harness.connector().search_posts(f"#jamais{secrets.token_hex(4)}")
    assert page.items == () and page.next_cursor is None


def test_words_go_to_the_servers_search(harness: MastodonHarness, rival: MastodonAccount) -> None:
    word = f"atelier{secrets.token_hex(3)}"
    older = harness.post_as(rival, status=f"Notre {word} ouvre")
    newer = harness.post_as(harness.fan, status=f"J’adore cet {word}")
    page = harness.connector().search_posts(word)
    assert [p.remote_id for p in page.items] == [newer, older]
    assert calls(harness, "/api/v2/search")[0]["type"] == ["statuses"]


@pytest.mark.parametrize("query", ["x" * 10_000, ""], ids=["10000-chars", "empty"])
def test_unreasonable_queries_are_refused_before_any_call(
    harness: MastodonHarness, query: str
) -> None:
    with pytest.raises(Rejected) as caught:
        harness.connector().search_posts(query)
    assert harness.proxy.seen == [] and "recherche" in caught.value.reason


def test_rate_limited_search_waits_for_the_servers_reset(harness: MastodonHarness) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    harness.proxy.inject(Fault.rate_limited("mastodon", reset_in=300, now=now))
    with pytest.raises(RateLimited) as caught:
        harness.connector().search_posts("#boulangerie")
    assert caught.value.retry_at == now + timedelta(seconds=300)


@pytest.mark.parametrize(
    "fault",
    [Fault.html(502), Fault.json(200, {"unexpected": {"shape": True}}), Fault.truncated()],
    ids=["html-502", "changed-shape", "truncated"],
)
def test_bad_answers_to_watch_reads_are_transient(harness: MastodonHarness, fault: Fault) -> None:
    harness.proxy.inject(fault, times=None)
    connector = harness.connector()
    for call in (
        lambda: connector.search_posts("boulangerie"),
        lambda: connector.public_profile("@quelqu_un"),
        lambda: connector.public_posts("1"),
    ):
        with pytest.raises(Transient):
            call()
