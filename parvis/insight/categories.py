"""Content category of a company's own post, for the strategy's alignment score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from parvis.core.vocabulary import ContentCategory
from parvis.insight.features import prepare
from parvis.insight.model import POSTS_MODEL, shared_model
from parvis.insight.text import PLACEHOLDERS, original_words

MAX_REASON_WORDS = 3


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """The most likely category, its probability, every category's probability, and the words
    of the post that pushed hardest towards the chosen category (as written)."""

    category: ContentCategory
    score: float
    scores: Mapping[ContentCategory, float]
    reasons: tuple[str, ...]


def categorise_post(text: str) -> CategoryResult:
    """Categorise one post. Empty or letterless posts are ``OTHER``."""
    return categorise_posts([text])[0]


def categorise_posts(texts: Iterable[str], *, with_reasons: bool = True) -> list[CategoryResult]:
    """Categorise a batch of posts, in order. ``with_reasons=False`` leaves ``reasons`` empty
    (for a caller that stores only the category); every other figure is the same."""
    prepared = [prepare(text if isinstance(text, str) else "") for text in texts]
    model = shared_model(POSTS_MODEL)
    labels = model.heads["category"].labels
    results: list[CategoryResult] = []
    for item, scored in zip(prepared, model.score([p.features for p in prepared]), strict=True):
        probabilities = scored.probabilities["category"]
        if not item.words:
            category, score = ContentCategory.OTHER, 1.0
            scores = {c: 1.0 if c is ContentCategory.OTHER else 0.0 for c in ContentCategory}
            results.append(CategoryResult(category, score, MappingProxyType(scores), ()))
            continue
        best = int(np.argmax(probabilities))
        category = ContentCategory(labels[best])
        scores = {
            ContentCategory(label): float(p) for label, p in zip(labels, probabilities, strict=True)
        }
        if not with_reasons:
            score = round(float(probabilities[best]), 4)
            results.append(CategoryResult(category, score, MappingProxyType(scores), ()))
            continue
        weights = model.contributions(scored.rows, "category", category.value, positive_only=True)
        words = sorted(
            (
                (weight, feature[2:])
                for feature, weight in weights.items()
                if feature.startswith("w:")
                and weight > 0
                and feature[2:] not in PLACEHOLDERS
                and len(feature) > 4
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        originals = original_words(item.cleaned)
        results.append(
            CategoryResult(
                category,
                round(float(probabilities[best]), 4),
                MappingProxyType(scores),
                tuple(originals.get(word, word) for _, word in words[:MAX_REASON_WORDS]),
            )
        )
    return results
