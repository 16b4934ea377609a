"""Content category of the company's own posts."""

from __future__ import annotations

import pytest

from parvis.core.vocabulary import ContentCategory
from parvis.insight import categorise_post, categorise_posts

EXAMPLES = [
    (
        "« Un travail soigné » : merci à la famille Martin pour ce retour sur leur cuisine !",
        ContentCategory.CUSTOMER_STORY,
    ),
    (
        "3 conseils pour bien entretenir votre parquet en chêne : on vous explique.",
        ContentCategory.EXPERTISE,
    ),
    (
        "Dans les coulisses de l'atelier : Paul prépare les commandes depuis 6h ce matin ☕",
        ContentCategory.BEHIND_THE_SCENES,
    ),
    (
        "Nouveau : la brioche au chocolat est disponible en boutique, -10 % ce week-end !",
        ContentCategory.OFFER,
    ),
    (
        "On recrute ! Nous cherchons un(e) menuisier(ère) en CDI à Rennes, envoyez votre CV.",
        ContentCategory.JOB_OFFER,
    ),
    (
        "Rendez-vous au salon de l'habitat de Nantes du 12 au 14 mars, stand B12 !",
        ContentCategory.EVENT,
    ),
    (
        "Grande nouvelle : nous ouvrons une deuxième boutique à Lyon en septembre !",
        ContentCategory.COMPANY_NEWS,
    ),
    (
        "Nouvelle réglementation sur l'emballage au 1er janvier : ce qu'il faut savoir.",
        ContentCategory.INDUSTRY_NEWS,
    ),
    ("Bon week-end à tous ! ☀️", ContentCategory.OTHER),
]


@pytest.mark.parametrize(("text", "category"), EXAMPLES)
def test_category(text: str, category: ContentCategory) -> None:
    result = categorise_post(text)
    assert result.category is category
    assert 0 < result.score <= 1


def test_every_category_is_covered() -> None:
    assert {category for _, category in EXAMPLES} == set(ContentCategory)


def test_batch_matches_single_and_reasons_are_words_of_the_post() -> None:
    texts = [text for text, _ in EXAMPLES]
    results = categorise_posts(texts)
    assert results == [categorise_post(text) for text in texts]
    for text, result in zip(texts, results, strict=True):
        assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-6)
        for word in result.reasons:
            assert word in text
