"""The watch (« Veille ») on X, against the X fake (spec-validated parameters) behind the fault
proxy: a competitor posts, replies and reposts; the organisation's connector (its user token)
finds the account, reads its timeline and searches the last 7 days.

The fake's recent search implements the operators the watch sends (``tests/peers/x_watch.py``):
words, ``"phrase"``, ``#tag``, ``OR``, ``lang:``, ``-is:retweet``, the 7-day window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from parvis.networks.errors import NotFound, RateLimited, Rejected
from parvis.networks.x.watch import MAX_QUERY_CHARS
from tests.networks.test_x_contract import XHarness
from tests.peers.faultproxy import Fault
from tests.peers.x_fake import Post, XFake

pytestmark = pytest.mark.peer


@pytest.fixture
def harness(x_fake: XFake, fault_proxy_factory: Any) -> Iterator[XHarness]:
    harness = XHarness(x_fake, fault_proxy_factory(x_fake.url))
    yield harness
    harness.http.close()


def write(fake: XFake, author: str, text: str, *, age: float = 0.0, **extra: Any) -> str:
    with fake.lock:
        post_id = fake.new_id()
        fake.posts[post_id] = Post(post_id, text, author, fake.now() - age, post_id, **extra)
        return post_id


def sent(harness: XHarness, path: str) -> dict[str, list[str]]:
    found = [s for s in harness.proxy.seen if urlsplit(s.path).path == path]
    return parse_qs(urlsplit(found[-1].path).query)


def test_profile_by_name_address_and_id(harness: XHarness) -> None:
    rival = harness.fake.add_user("RivalBoulange", "Boulangerie Rival", followers=1234)
    connector = harness.connector()
    asked = ["@rivalboulange", "https://x.com/RivalBoulange", "https://twitter.com/rivalboulange"]
    profiles = [connector.public_profile(one) for one in [*asked, rival]]
    assert {p.remote_id for p in profiles} == {rival}
    profile = profiles[0]
    assert profile.handle == "RivalBoulange" and profile.followers == 1234
    assert profile.url == "https://x.com/RivalBoulange"


def test_unknown_protected_and_garbage_accounts_are_not_found(harness: XHarness) -> None:
    hidden = harness.fake.add_user("cadenas", "Cadenas")
    harness.fake.users[hidden]["protected"] = True
    connector = harness.connector()
    for asked in ("@personne_ici", "cadenas", "99999"):
        with pytest.raises(NotFound):
            connector.public_profile(asked)
    calls = len(harness.proxy.seen)
    for garbage in ("pas un compte !", "https://example.com/rival", "x" * 10_000):
        with pytest.raises(NotFound):
            connector.public_profile(garbage)
    assert len(harness.proxy.seen) == calls  # refused before any call


def test_timeline_without_replies_or_reposts(harness: XHarness) -> None:
    fake = harness.fake
    rival = fake.add_user("rival", "Rival")
    first = write(fake, rival, "Nouvelle boutique", age=60, lang="fr")
    second = write(fake, rival, "Soldes", lang="fr")
    write(fake, rival, "Merci", replied_to=second)
    write(fake, rival, "RT un client", reposted=first)
    page = harness.connector().public_posts(rival)
    assert [p.remote_id for p in page.items] == [second, first]
    assert page.items[0].author_handle == "rival" and page.items[0].language == "fr"
    assert page.items[0].url == f"https://x.com/rival/status/{second}"
    assert "like_count" in page.items[0].counters
    assert sent(harness, f"/2/users/{rival}/tweets")["exclude"] == ["replies,retweets"]


def test_recent_search_with_language_and_without_reposts(harness: XHarness) -> None:
    fake = harness.fake
    rival = fake.add_user("rival", "Rival")
    french = write(fake, rival, "Le meilleur #levain de Nantes", lang="fr")
    write(fake, rival, "Best #levain in town", lang="en")
    write(fake, rival, "RT Le meilleur #levain", lang="fr", reposted=french)
    write(fake, rival, "Un vieux #levain", lang="fr", age=8 * 24 * 3600)  # beyond 7 days
    page = harness.connector().search_posts("#levain", language="fr")
    assert [p.remote_id for p in page.items] == [french]
    query = sent(harness, "/2/tweets/search/recent")["query"]
    assert query == ["#levain -is:retweet lang:fr"]


def test_search_pages_with_next_token(harness: XHarness) -> None:
    rival = harness.fake.add_user("rival", "Rival")
    written = [write(harness.fake, rival, f"atelier numéro {n}", age=10 - n) for n in range(12)]
    connector = harness.connector()
    first = connector.search_posts("atelier", limit=10)
    assert first.next_cursor
    second = connector.search_posts("atelier", cursor=first.next_cursor, limit=10)
    ids = [p.remote_id for p in first.items + second.items]
    assert ids == sorted(written, key=int, reverse=True) and second.next_cursor is None


def test_long_queries_are_refused_before_any_call(harness: XHarness) -> None:
    connector = harness.connector()
    with pytest.raises(Rejected) as caught:
        connector.search_posts("x" * 10_000)
    assert harness.proxy.seen == [] and f"{MAX_QUERY_CHARS}" in caught.value.reason
    connector.search_posts("y" * MAX_QUERY_CHARS, language="fr")  # what fits goes through


def test_rate_limited_search_waits_for_the_reset(harness: XHarness) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    harness.proxy.inject(Fault.rate_limited("x", reset_in=900, now=now))
    with pytest.raises(RateLimited) as caught:
        harness.connector().search_posts("boulangerie")
    assert caught.value.retry_at == now + timedelta(seconds=900)
