"""Dedupe keys, query matching and the French state sentences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from parvis.watch.ingest import Found, dedupe_key
from parvis.watch.models import Feed, Item, WatchQuery
from parvis.watch.queries import query_matches, search_text
from parvis.watch.states import state_sentence
from tests.conftest import Cast

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_dedupe_key_per_network_and_by_address_on_the_web() -> None:
    feed = Feed(url="https://a.example/rss")
    web = Found(feed, "web", "urn:1", "https://a.example/x", "t", NOW)
    assert dedupe_key(web) == "web:https://a.example/x"
    assert dedupe_key(Found(feed, "mastodon", "123", "", "t", NOW)) == "mastodon:123"


def test_an_item_is_unique_per_organisation(cast: Cast) -> None:
    fields = {"network": "x", "remote_id": "1", "dedupe_key": "x:1", "published_at": NOW}
    Item.objects.create(organisation=cast.org, **fields)
    Item.objects.create(organisation=cast.other_org, **fields)
    with pytest.raises(IntegrityError):
        Item.objects.create(organisation=cast.org, **fields)


def test_search_text_and_matching() -> None:
    query = WatchQuery(
        exact_phrase="pain au levain",
        all_words="bio",
        hashtags="#boulangerie",
        none_words="recette",
    )
    assert search_text(query) == '"pain au levain" bio #boulangerie'
    assert query_matches(query, "Notre PAIN au levain bio du jour #Boulangerie")
    assert not query_matches(query, "Pain au levain bio, la recette #boulangerie")
    assert not query_matches(query, "Pain levain bio #boulangerie")
    only_any = WatchQuery(any_words="menuisier ébéniste")
    assert search_text(only_any) == "menuisier"
    assert query_matches(only_any, "Un ebeniste de talent")


def test_state_sentences(cast: Cast) -> None:
    feed = Feed(url="https://a.example/rss")
    assert state_sentence(feed, NOW) == "En attente de la première lecture."
    feed.state, feed.paused_until, feed.last_error = "paused", NOW + timedelta(days=1), "limite"
    with timezone.override("UTC"):
        assert state_sentence(feed, NOW).startswith("En pause jusqu’au 8\u00a0déc")
