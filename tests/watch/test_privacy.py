"""The authors of collected posts: found, exported and erased; retention and organisation
deletion cover the watch's rows."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from parvis.privacy import registry
from parvis.privacy.deletion import organisation_rows_delete
from parvis.privacy.services import person_erase, person_export, person_find
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import (
    Competitor,
    Feed,
    FollowerSnapshot,
    Item,
    ItemSource,
    WatchedProfile,
    WatchQuery,
)
from parvis.watch.selectors import watch_settings_for
from parvis.watch.services import watch_purge
from tests.conftest import Cast


def _store(cast: Cast, organisation_id: int | None = None, *, days_ago: float = 1) -> WatchQuery:
    org_id = organisation_id or cast.org.pk
    query = WatchQuery.objects.create(organisation_id=org_id, hashtags="#menuiserie")
    items_store(
        org_id,
        [
            Found(
                source=query,
                network="bluesky",
                remote_id=f"at://claire/{n}",
                url=f"https://bsky.app/profile/claire/post/{n}",
                text=text,
                published_at=timezone.now() - timedelta(days=days_ago, hours=n),
                author_id="did:plc:claire",
                author_handle="claire-renove.bsky.social",
                author_name="Claire Martin",
            )
            for n, text in enumerate(["Qui connaît un bon menuisier à Rennes ?", "Merci à tous"])
        ],
    )
    return query


def test_watch_is_a_registered_person_data_source() -> None:
    assert registry.get_source("watch") is not None


def test_author_found_exported_and_erased(cast: Cast) -> None:
    _store(cast)
    _store(cast, cast.other_org.pk)  # the same person, seen by another organisation
    matches = [
        m
        for m in person_find(membership=cast.alice_membership, query="claire")
        if m.source == "watch"
    ]
    assert len(matches) == 1 and "Claire Martin" in matches[0].label
    archive = person_export(membership=cast.alice_membership, references=[matches[0].reference])
    document = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("person.json"))
    posts = document["sources"]["watch"][0]["collected_posts"]
    assert {p["text"] for p in posts} == {"Qui connaît un bon menuisier à Rennes ?", "Merci à tous"}
    totals = person_erase(membership=cast.alice_membership, references=[matches[0].reference])
    assert totals == {"watch.items": 2}
    mine = Item.objects.for_organisation(cast.org)
    assert mine.count() == 2 and not mine.exclude(text="").exists()
    assert not mine.exclude(author_id="").exists()
    # The other organisation's rows are untouched.
    assert Item.objects.for_organisation(cast.other_org).exclude(text="").count() == 2
    # Collected again later: the tombstone's dedupe key keeps the text out.
    _store(cast)
    assert not Item.objects.for_organisation(cast.org).exclude(text="").exists()


def test_a_forged_key_finds_nothing(cast: Cast) -> None:
    _store(cast, cast.other_org.pk)
    source = registry.get_source("watch")
    assert source is not None
    assert source.erase(cast.org, "bluesky:id:did:plc:claire") == {"items": 0}
    assert source.export(cast.org, "nonsense").data == {}


def test_retention_purge_follows_each_organisations_setting(cast: Cast) -> None:
    _store(cast, days_ago=200)
    _store(cast, cast.other_org.pk, days_ago=200)
    settings = watch_settings_for(cast.org)
    settings.retention_months = 6
    settings.save()
    assert watch_purge() == 2
    assert not Item.objects.for_organisation(cast.org).exists()
    assert Item.objects.for_organisation(cast.other_org).count() == 2  # 13 months by default
    assert watch_purge(now=datetime.now(UTC) + timedelta(days=400)) == 2


def test_organisation_deletion_covers_every_watch_row(cast: Cast) -> None:
    competitor = Competitor.objects.create(organisation=cast.org, name="Rival")
    profile = WatchedProfile.objects.create(
        organisation=cast.org,
        network="bluesky",
        handle="r",
        remote_id="did:r",
        competitor=competitor,
    )
    FollowerSnapshot.objects.create(
        organisation=cast.org, profile=profile, day=timezone.now().date(), followers=3
    )
    Feed.objects.create(organisation=cast.org, url="https://presse.example/rss")
    _store(cast)
    watch_settings_for(cast.org)
    organisation_rows_delete(cast.org)
    for model in (Competitor, WatchedProfile, FollowerSnapshot, Feed, WatchQuery, Item, ItemSource):
        assert not model.objects.filter(organisation=cast.org).exists(), model
