"""Feeds against the local feed server: parse, conditional GET, discovery and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from parvis.watch import feeds as feeds_module
from parvis.watch.feeds import FeedError, discover, feed_links, fetch_feed, html_to_text
from tests.peers.feeds import FeedServer


def test_rss_is_parsed_with_french_text_and_dates(feeds: FeedServer) -> None:
    fetched = fetch_feed(f"{feeds.url}/trade-press.rss")
    assert fetched.title.startswith("Le Journal de l’Artisan Bois")
    assert fetched.site_url == "https://journal-artisan-bois.example/"
    assert [e.title for e in fetched.entries][0] == (
        "Prix du chêne : nouvelle hausse de 8 % au troisième trimestre"
    )
    first = fetched.entries[0]
    assert first.published_at == datetime(2026, 11, 30, 7, 15, tzinfo=UTC)
    assert first.author == "Claire Dubois"
    assert "<p>" not in first.text and "hausse des tarifs" in first.text
    assert fetched.etag and fetched.last_modified
    assert not fetched.warning


def test_atom_relative_links_are_resolved(feeds: FeedServer) -> None:
    fetched = fetch_feed(f"{feeds.url}/blog-concurrent.atom")
    assert len(fetched.entries) == 2
    # No xml:base in the file: relative to the feed's own address (RFC 4287).
    assert fetched.entries[0].url == f"{feeds.url}/blog/dressings-sur-mesure"
    assert fetched.entries[0].remote_id.startswith("urn:uuid:")


def test_conditional_get_returns_nothing_new(feeds: FeedServer) -> None:
    first = fetch_feed(f"{feeds.url}/trade-press.rss")
    again = fetch_feed(
        f"{feeds.url}/trade-press.rss", etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified and not again.entries
    seen = feeds.hits("/trade-press.rss")
    assert seen[0].if_none_match == "" and seen[1].if_none_match == first.etag
    assert seen[1].if_modified_since == first.last_modified
    # Last-Modified alone works as well (a server without ETags).
    assert fetch_feed(
        f"{feeds.url}/trade-press.rss", last_modified=first.last_modified
    ).not_modified


def test_malformed_xml_keeps_what_parses_and_says_so(feeds: FeedServer) -> None:
    fetched = fetch_feed(f"{feeds.url}/broken.rss")
    titles = [e.title for e in fetched.entries]
    assert "Apprentissage : les aides à l’embauche prolongées" in titles
    assert "mal formé" in fetched.warning


def test_html_page_given_as_feed_offers_discovery(feeds: FeedServer) -> None:
    with pytest.raises(FeedError) as caught:
        fetch_feed(f"{feeds.url}/site.html")
    assert caught.value.code == "not_a_feed"
    assert "Trouver le flux" in caught.value.message


def test_discovery_finds_both_feeds_resolved_against_base(feeds: FeedServer) -> None:
    links = discover(f"{feeds.url}/site.html")
    assert [(link.url, link.type) for link in links] == [
        (f"{feeds.url}/blog-concurrent.atom", "application/atom+xml"),
        (f"{feeds.url}/trade-press.rss", "application/rss+xml"),
    ]
    assert links[0].title == "Le blog de l’atelier"


def test_discovery_of_a_feed_address_is_the_feed_itself(feeds: FeedServer) -> None:
    links = discover(f"{feeds.url}/trade-press.rss")
    assert [link.url for link in links] == [f"{feeds.url}/trade-press.rss"]


def test_feed_links_ignore_comments_and_other_alternates() -> None:
    html = (
        '<html><head><LINK REL="Alternate" TYPE="application/RSS+xml" HREF="feed/">'
        '<link rel="alternate" hreflang="en" href="/en/"><!-- <link rel="alternate" '
        'type="application/rss+xml" href="/hidden.rss"> --><link rel="alternate" '
        'type="application/atom+xml" href="javascript:alert(1)"></head></html>'
    )
    links = feed_links(html, "https://example.org/news/page.html")
    assert [link.url for link in links] == ["https://example.org/news/feed/"]


def test_a_50_mb_feed_is_refused_by_the_size_cap(feeds: FeedServer) -> None:
    with pytest.raises(FeedError) as caught:
        fetch_feed(f"{feeds.url}/huge.xml")
    assert caught.value.code == "too_large"
    assert "Mo" in caught.value.message


def test_a_redirect_to_a_private_address_is_refused(feeds: FeedServer) -> None:
    with pytest.raises(FeedError) as caught:
        fetch_feed(f"{feeds.url}/to-private")
    assert caught.value.code == "refused"


def test_a_private_address_is_refused_without_the_operators_range(
    feeds: FeedServer, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    with pytest.raises(FeedError) as caught:
        fetch_feed(f"{feeds.url}/trade-press.rss")
    assert caught.value.code == "refused"
    assert feeds.requests == []


def test_missing_feed_and_timeout_have_french_states(
    feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FeedError) as missing:
        fetch_feed(f"{feeds.url}/gone.rss")
    assert missing.value.code == "not_found" and "404" in missing.value.message
    monkeypatch.setattr(feeds_module, "FEED_DEADLINE_S", 0.5)
    feeds.slow_seconds = 2.0
    with pytest.raises(FeedError) as slow:
        fetch_feed(f"{feeds.url}/slow.xml")
    assert slow.value.code == "timeout"


def test_html_to_text_unescapes_and_drops_markup() -> None:
    assert html_to_text("<p>Caf&eacute; &amp; <b>bois</b></p>\n<script>x</script>") == (
        "Café & bois x"
    )


def test_an_address_httpx_cannot_parse_is_a_clear_refusal() -> None:
    # httpx.InvalidURL is not an HTTPError: without its own branch it escaped as a 500.
    with pytest.raises(FeedError) as caught:
        fetch_feed("http://[::1/flux.xml")
    assert caught.value.code == "invalid"
