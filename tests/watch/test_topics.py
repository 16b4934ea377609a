"""The week's topics: key phrases in French and English, new ones first, merged, the tag."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.watch import topics as topics_module
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Item, WatchQuery
from parvis.watch.topics import phrases, stop_words, topics_for, topics_refresh, week_topics
from tests.conftest import Cast

NOW = timezone.now()

THIS_WEEK = [
    "Ouverture de la nouvelle boulangerie bio rue Crébillon : pain au levain et viennoiseries",
    "Vous connaissez une boulangerie bio à Nantes ? Je cherche du pain au levain naturel",
    "La boulangerie bio du quartier propose enfin des croissants vegan ! https://ex.fr/a",
    "Salon de la boulangerie : les artisans parlent de la hausse du prix du beurre",
    "Encore une hausse du prix du beurre, les boulangers inquiets @lemonde",
    "Le prix du beurre pèse sur les galettes des rois cette année 2027",
    "Atelier Chêne lance ses ateliers pain au levain pour les enfants #levain",
    "Atelier Chêne ouvre une deuxième adresse à Rezé #levain",
    "Best sourdough bread in Nantes? Looking for an organic bakery near the castle",
    "Organic bakery in Nantes: the sourdough bread is worth the queue",
]
EARLIER = [
    "Les artisans boulangers préparent Noël",
    "Recette de la galette des rois",
    "Marché de Noël : les artisans exposent",
    "Nouvelle recette de brioche chez les artisans",
    "Les artisans de Nantes à l'honneur",
]


def _store(org: Organisation, source: object, texts: list[str], days: float, tag: str) -> None:
    items_store(
        org.pk,
        [
            Found(
                source=source,  # type: ignore[arg-type]
                network="bluesky",
                remote_id=f"{tag}-{n}",
                url="",
                text=text,
                published_at=NOW - timedelta(days=days, minutes=n),
            )
            for n, text in enumerate(texts)
        ],
        now=NOW,
    )


@pytest.fixture
def sector(cast: Cast) -> WatchQuery:
    query = WatchQuery.objects.create(organisation=cast.org, any_words="boulangerie pain")
    _store(cast.org, query, THIS_WEEK, 1, "w")
    _store(cast.org, query, EARLIER * 2, 12, "e")
    return query


def _phrases(cast: Cast) -> list[str]:
    return [t.phrase for t in week_topics(cast.org.pk, now=NOW)]


def test_the_weeks_phrases_in_french_and_english(cast: Cast, sector: WatchQuery) -> None:
    found = _phrases(cast)
    assert "prix du beurre" in found
    assert "pain au levain" in found
    assert "boulangerie bio" in found
    assert "Atelier Chêne" in found  # a competitor's name is interesting: kept, its capitals too
    # The two English posts say « organic bakery » and « sourdough bread » both: one topic.
    assert ("organic bakery" in found) != ("sourdough bread" in found)


def test_stop_words_numbers_urls_and_mentions_never_make_a_topic(
    cast: Cast, sector: WatchQuery
) -> None:
    words = {word for phrase in _phrases(cast) for word in phrase.split()}
    stops = stop_words()[""]
    assert not {p.split()[0] for p in _phrases(cast)} & stops
    assert not {p.split()[-1] for p in _phrases(cast)} & stops
    assert not any(any(c.isdigit() for c in w) for w in words)
    assert not any(w.startswith(("@", "http")) or "ex.fr" in w for w in words)


def test_a_longer_phrase_absorbs_its_words_in_the_same_items(
    cast: Cast, sector: WatchQuery
) -> None:
    found = _phrases(cast)
    # « bio » and « beurre » only ever appear inside the longer phrases.
    assert "bio" not in found
    assert "beurre" not in found
    assert "prix" not in found
    # No phrase twice, and none inside another one chosen.
    assert len(found) == len(set(found))


def test_the_words_the_organisation_watches_for_itself_are_left_out(
    cast: Cast, sector: WatchQuery
) -> None:
    found = [p.lower() for p in _phrases(cast)]
    # Every item matched the search « boulangerie pain »: saying so tells nothing.
    assert "boulangerie" not in found
    assert "pain" not in found


def test_what_is_new_comes_before_what_is_usual(cast: Cast, sector: WatchQuery) -> None:
    topics = week_topics(cast.org.pk, now=NOW)
    by_phrase = {t.phrase: t for t in topics}
    # « artisans » is said every week; « prix du beurre » only this one.
    assert by_phrase["prix du beurre"].is_new
    assert by_phrase["prix du beurre"].count == 3
    assert "artisans" not in by_phrase or topics.index(by_phrase["artisans"]) > topics.index(
        by_phrase["prix du beurre"]
    )
    rows = set(
        Item.objects.filter(organisation=cast.org, text__icontains="prix du beurre").values_list(
            "pk", flat=True
        )
    )
    assert set(by_phrase["prix du beurre"].item_ids) == rows


def test_a_usual_phrase_has_a_trend_against_the_previous_weeks(cast: Cast) -> None:
    query = WatchQuery.objects.create(organisation=cast.org, all_words="menuiserie")
    _store(cast.org, query, ["Escalier en chêne massif", "Un escalier en chêne clair"], 1, "w")
    _store(cast.org, query, ["Escalier en chêne ancien"] * 4, 14, "e")
    topic = next(t for t in week_topics(cast.org.pk, now=NOW) if t.phrase == "escalier en chêne")
    assert topic.trend == 2.0  # 2 this week against 4 over 4 weeks: twice the usual
    assert not topic.is_new


def test_nothing_this_week_no_topic_and_another_organisation_sees_nothing(
    cast: Cast, sector: WatchQuery
) -> None:
    assert week_topics(cast.org.pk, now=NOW + timedelta(days=30)) == []
    assert week_topics(cast.other_org.pk, now=NOW) == []


def test_one_item_is_not_a_topic(cast: Cast) -> None:
    query = WatchQuery.objects.create(organisation=cast.org, all_words="x")
    _store(cast.org, query, ["Une seule publication sur le parquet flottant"], 1, "w")
    assert week_topics(cast.org.pk, now=NOW) == []


def test_elisions_and_hashtags() -> None:
    found = phrases("L’équipe d'Atelier lance #PainBio aujourd'hui", stop_words()["fr"])
    assert "equipe" in found and found["equipe"] == "équipe"
    assert "#painbio" in found
    assert "aujourd'hui" not in found


def test_a_full_week_is_read_within_its_caps(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """The extraction reads the most recent ``MAX_ITEMS`` of the week whatever the volume (its
    speed is measured in the benchmark, never asserted here)."""
    monkeypatch.setattr(topics_module, "MAX_ITEMS", 100)
    monkeypatch.setattr(topics_module, "MAX_BACKGROUND_ITEMS", 50)
    words = ["escalier", "parquet", "chêne", "frêne", "atelier", "artisan", "vernis", "bois"]
    rows = [
        Item(
            organisation=cast.org,
            network="bluesky",
            remote_id=str(n),
            dedupe_key=f"bluesky:{n}",
            text=" ".join(words[(n + k * 3) % len(words)] for k in range(12)),
            published_at=NOW - timedelta(days=1 if n < 300 else 10, seconds=n),
            language="fr",
        )
        for n in range(400)
    ]
    Item.objects.bulk_create(rows)
    topics = week_topics(cast.org.pk, now=NOW)
    assert topics
    assert all(topic.count <= 100 for topic in topics)
    # The newest items are the ones read: every sample is among the 100 most recent.
    newest = set(
        Item.objects.filter(organisation=cast.org)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:100]
    )
    assert all(set(topic.item_ids) <= newest for topic in topics)


def test_the_cycle_keeps_the_topics_the_page_reads(
    cast: Cast, sector: WatchQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = topics_refresh(cast.org.pk, now=NOW)
    assert kept

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the page computed the topics again")

    monkeypatch.setattr(topics_module, "week_topics", never)
    assert topics_for(cast.org.pk, now=NOW) == kept


def test_the_tag_links_each_topic_to_the_timeline_search(cast: Cast, sector: WatchQuery) -> None:
    html = Template("{% load watch_topics %}{% week_topics organisation %}").render(
        Context({"organisation": cast.org})
    )
    assert "Cette semaine, on parle de\u00a0:" in html
    url = reverse("watch:timeline", args=[cast.org.slug])
    assert f'href="{url}?q={quote("prix du beurre", safe="")}"' in html
    assert "nouveau" in html


def test_the_tag_says_nothing_without_topics(cast: Cast) -> None:
    html = Template("{% load watch_topics %}{% week_topics organisation %}").render(
        Context({"organisation": cast.org})
    )
    assert html.strip() == ""
