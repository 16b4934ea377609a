from __future__ import annotations

import re

import pytest

from parvis.core.vocabulary import ContentCategory, Objective
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.ideas import GENERIC, ContentIdea, IdeaBook, default_ideas, parse_ideas

PLANNABLE = [c for c in ContentCategory if c is not ContentCategory.OTHER]


def _all() -> list[ContentIdea]:
    book = default_ideas()
    return [i for s in [*Sector, None] for c in PLANNABLE for i in _pool(book, s, c)]


def _pool(book: IdeaBook, sector: Sector | None, category: ContentCategory) -> list[ContentIdea]:
    key = sector.value if sector else GENERIC
    return [i for i in book.candidates(sector or Sector.OTHER, category, None) if i.sector == key]


def test_generic_fallback_covers_every_plannable_category() -> None:
    book = default_ideas()
    for category in PLANNABLE:
        for sector in Sector:
            assert book.candidates(sector, category, None), (sector, category)


def test_at_least_five_sectors_including_building_crafts_cover_all_categories() -> None:
    book = default_ideas()
    complete = [s for s in Sector if all(_pool(book, s, c) for c in PLANNABLE)]
    assert Sector.BUILDING_CRAFTS in complete
    assert len(complete) >= 5
    assert len(book) >= 100


def test_sector_ideas_win_over_generic_ones() -> None:
    book = default_ideas()
    pool = book.candidates(Sector.BUILDING_CRAFTS, ContentCategory.CUSTOMER_STORY, None)
    assert all(i.sector == Sector.BUILDING_CRAFTS.value for i in pool)
    fallback = book.candidates(Sector.OTHER, ContentCategory.CUSTOMER_STORY, None)
    assert all(i.is_generic for i in fallback)
    partial = book.candidates(Sector.HEALTH, ContentCategory.JOB_OFFER, None)
    assert partial and all(i.is_generic for i in partial)  # per category, not per sector


def test_objective_filters_within_a_sector() -> None:
    book = default_ideas()
    pool = book.candidates(
        Sector.BUILDING_CRAFTS, ContentCategory.EXPERTISE, Objective.CUSTOMER_RELATION
    )
    assert pool
    assert all(not i.objectives or Objective.CUSTOMER_RELATION in i.objectives for i in pool)


def test_ideas_are_french_with_french_spacing_and_english() -> None:
    ideas = _all()
    assert ideas
    for idea in ideas:
        fr, en = idea.text.fr, idea.text.en
        assert not re.search(r" [:;?!»]", fr), fr
        assert not re.search(r"\s[:;?!]|[«»]", en), en  # English has no space before them
        for text in (fr, en):
            assert "'" not in text, text  # typographic apostrophes
            assert text.endswith((".", "!", "?")), text
        assert en != fr, en


def test_pick_is_deterministic_and_rotates_by_week() -> None:
    book = default_ideas()
    args = (Sector.BUILDING_CRAFTS, ContentCategory.EXPERTISE, None)
    assert book.pick(*args, week=10) == book.pick(*args, week=10)
    weeks = [book.pick(*args, week=w) for w in range(4)]
    assert len(set(weeks)) == 4  # four expertise ideas for joinery: a new one each week


def test_pick_gives_distinct_ideas_within_a_week() -> None:
    book = default_ideas()
    args = (Sector.RETAIL, ContentCategory.OFFER, None)
    picks = [book.pick(*args, week=3, occurrence=i, occurrences=3) for i in range(3)]
    assert len(set(picks)) == 3


def test_parse_rejects_malformed_documents() -> None:
    with pytest.raises(ValueError):
        parse_ideas({})
    with pytest.raises(ValueError):
        parse_ideas(
            {"ideas": [{"sector": "moon", "category": "offer", "text": "x", "text_en": "x"}]}
        )
    with pytest.raises(ValueError):
        parse_ideas({"ideas": [{"sector": "generic", "category": "offer", "text": " "}]})
    with pytest.raises(ValueError, match="English"):  # every idea speaks both languages
        parse_ideas({"ideas": [{"sector": "generic", "category": "offer", "text": "Une idée."}]})
    with pytest.raises(ValueError):
        parse_ideas(
            {"ideas": [{"sector": "generic", "category": "nope", "text": "x", "text_en": "x"}]}
        )


def test_empty_book_picks_nothing() -> None:
    assert IdeaBook([]).pick(Sector.RETAIL, ContentCategory.OFFER, None, week=1) is None


# Words that only fit some trades: a bakery, a bookshop or a florist is in retail too.
CLOTHING_WORDS = ("taille", "coloris", "retouche", "size", "colour", "alteration")
PRODUCT_SECTORS = (Sector.RETAIL, Sector.AGRIFOOD, Sector.HOSPITALITY)


@pytest.mark.parametrize("sector", PRODUCT_SECTORS)
def test_shop_and_food_ideas_fit_a_bakery_as_well_as_a_clothes_shop(sector: Sector) -> None:
    book = default_ideas()
    for category in PLANNABLE:
        for idea in book.candidates(sector, category, None):
            text = f"{idea.text.fr} {idea.text.en}".lower()
            assert not any(word in text for word in CLOTHING_WORDS), idea.text.fr


@pytest.mark.parametrize("sector", [Sector.HEALTH, Sector.PERSONAL_SERVICES])
def test_health_and_personal_services_get_their_own_ideas(sector: Sector) -> None:
    book = default_ideas()
    for category in (
        ContentCategory.CUSTOMER_STORY,
        ContentCategory.EXPERTISE,
        ContentCategory.BEHIND_THE_SCENES,
        ContentCategory.OFFER,
        ContentCategory.EVENT,
    ):
        pool = book.candidates(sector, category, None)
        assert pool and all(i.sector == sector.value for i in pool), (sector, category)
