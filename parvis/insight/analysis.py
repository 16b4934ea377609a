"""Analyse inbound messages: language, sentiment, intents with scores and readable reasons.

``analyse`` and ``analyse_many`` are the entry points; both are pure (the models are read-only
and shared by the whole process) and never raise on odd text: empty strings, emoji-only
messages, 100,000-character pastes, mixed scripts and control characters all give a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from parvis.core.vocabulary import Intent, Sentiment
from parvis.insight.features import Prepared, prepare
from parvis.insight.language import LanguageSource, detect_language
from parvis.insight.model import MESSAGES_MODEL, LinearModel, Scored, shared_model
from parvis.insight.text import PLACEHOLDERS, original_words

# A second intent is reported when the model gives it at least this probability...
SECONDARY_MIN_SCORE = 0.30
# ...or, for a lead or a job request phrased as a question, the question intent is added with
# its probability among the remaining intents ("Vous l'avez en 42 ? Je voudrais l'acheter").
QUESTION_COMPANIONS = frozenset({Intent.PURCHASE_INTENT, Intent.JOB_APPLICATION})
MAX_REASONS = 3
_INTENT_ORDER = {intent: position for position, intent in enumerate(Intent)}


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One intent of a message, its score in [0, 1] and why (French, for people)."""

    intent: Intent
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything ``parvis.insight`` knows about one message.

    ``sentiment_score`` is in [-1, 1]: P(positive) - P(negative). ``intents`` holds one or two
    intents, strongest first; ``scores`` the probability of every intent.
    """

    language: str
    language_confidence: float
    language_source: LanguageSource
    sentiment: Sentiment
    sentiment_score: float
    sentiment_confidence: float
    intents: tuple[IntentScore, ...]
    scores: Mapping[Intent, float] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def intent(self) -> Intent:
        """The primary (strongest) intent."""
        return self.intents[0].intent

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (the ``parvis insight classify`` output line)."""
        return {
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "language_source": self.language_source.value,
            "sentiment": self.sentiment.value,
            "sentiment_score": round(self.sentiment_score, 4),
            "intents": [item.intent.value for item in self.intents],
            "scores": {intent.value: round(score, 4) for intent, score in self.scores.items()},
            "reasons": {item.intent.value: list(item.reasons) for item in self.intents},
        }


def analyse(text: str, *, lang_hint: str | None = None) -> Analysis:
    """Analyse one message. ``lang_hint`` is the account's or thread's language (ISO 639-1)."""
    return analyse_many([text], lang_hints=[lang_hint])[0]


def analyse_many(
    texts: Iterable[str],
    *,
    lang_hints: Sequence[str | None] | None = None,
    with_reasons: bool = True,
) -> list[Analysis]:
    """Analyse a batch of messages (faster per message than repeated :func:`analyse` calls).

    ``lang_hints``, when given, has one entry per text. ``with_reasons=False`` leaves every
    intent's ``reasons`` empty (a caller that stores only labels and scores, like the watch,
    skips their cost); every other figure is the same.
    """
    prepared = [prepare(text if isinstance(text, str) else "") for text in texts]
    hints: Sequence[str | None] = lang_hints if lang_hints is not None else [None] * len(prepared)
    if len(hints) != len(prepared):
        raise ValueError("lang_hints must have one entry per text")
    model = shared_model(MESSAGES_MODEL)
    scored = model.score([item.features for item in prepared])
    return [
        _analysis(model, item, result, hint, with_reasons)
        for item, result, hint in zip(prepared, scored, hints, strict=True)
    ]


def _analysis(
    model: LinearModel, item: Prepared, scored: Scored, hint: str | None, with_reasons: bool
) -> Analysis:
    language = detect_language(item.cleaned, hint)
    sentiment_probs = scored.probabilities["sentiment"]
    sentiment_labels = model.heads["sentiment"].labels
    sentiment_index = int(np.argmax(sentiment_probs))
    by_sentiment = dict(zip(sentiment_labels, sentiment_probs.tolist(), strict=True))
    polarity = by_sentiment[Sentiment.POSITIVE.value] - by_sentiment[Sentiment.NEGATIVE.value]
    intent_labels = model.heads["intent"].labels
    intent_probs = scored.probabilities["intent"].tolist()
    scores = {Intent(label): float(p) for label, p in zip(intent_labels, intent_probs, strict=True)}
    return Analysis(
        language=language.code,
        language_confidence=language.confidence,
        language_source=language.source,
        sentiment=Sentiment(sentiment_labels[sentiment_index]),
        sentiment_score=float(polarity),
        sentiment_confidence=float(sentiment_probs[sentiment_index]),
        intents=_intents(model, item, scored, scores, with_reasons),
        scores=MappingProxyType(scores),
    )


def _intents(
    model: LinearModel,
    item: Prepared,
    scored: Scored,
    scores: dict[Intent, float],
    with_reasons: bool,
) -> tuple[IntentScore, ...]:
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], _INTENT_ORDER[pair[0]]))
    primary, primary_score = ranked[0]
    chosen: list[tuple[Intent, float]] = [(primary, primary_score)]
    second, second_score = ranked[1]
    if second_score >= SECONDARY_MIN_SCORE:
        chosen.append((second, second_score))
    elif primary in QUESTION_COMPANIONS and _is_question(item):
        rest = max(1.0 - primary_score, 1e-9)
        chosen.append((Intent.QUESTION, min(scores[Intent.QUESTION] / rest, 1.0)))
    return tuple(
        IntentScore(
            intent, round(score, 4), _reasons(model, item, scored, intent) if with_reasons else ()
        )
        for intent, score in chosen
    )


def _is_question(item: Prepared) -> bool:
    return any(cue.name in {"question_mark", "question_word"} for cue in item.cues)


def _reasons(model: LinearModel, item: Prepared, scored: Scored, intent: Intent) -> tuple[str, ...]:
    """Why ``intent`` was given: its matched cue phrases, strongest first; else the words of
    the message that pushed hardest towards it."""
    if not item.cleaned:
        return ("message vide",)
    cue_reasons: list[tuple[float, str]] = []
    for cue in item.cues:
        if cue.intent is intent:
            cue_reasons.append(
                (model.weight("cue:" + cue.name, "intent", intent.value), cue.reason)
            )
    reasons: list[str] = []
    for _, reason in sorted(cue_reasons, key=lambda pair: -pair[0]):
        if reason not in reasons:
            reasons.append(reason)
    if reasons:
        return tuple(reasons[:MAX_REASONS])
    weights = model.contributions(scored.rows, "intent", intent.value, positive_only=True)
    words = [
        (weight, feature[2:])
        for feature, weight in weights.items()
        if feature.startswith("w:")
        and weight > 0
        and len(feature) > 4
        and feature[2:] not in PLACEHOLDERS
    ]
    words.sort(key=lambda pair: (-pair[0], pair[1]))
    if words:
        originals = original_words(item.cleaned)
        quoted = ", ".join(f"« {originals.get(word, word)} »" for _, word in words[:MAX_REASONS])
        return (f"mots : {quoted}",)
    return ("aucun indice marquant",)
