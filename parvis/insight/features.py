"""Feature extraction shared by training and run time, so both see exactly the same inputs.

A message becomes a set of string features: word unigrams (``w:``), word bigrams (``b:``),
word stems (``s:``), optional character n-grams (``c:``, off by default), the cue phrases that
matched (``cue:``), polarity-lexicon hits (``pol:``) and a few shape features (``m:``).
Training maps them to columns through a vocabulary; at run time unknown features are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from parvis.insight.cues import Cue, matched_cues, shouting
from parvis.insight.polarity import polarity_features
from parvis.insight.text import clean, has_letters, normalise, tokens

# Character n-grams are off: on the development set they made the model learn the surface of
# the generated training sentences (intent macro-F1 0.75 with them, 0.80 without). The code
# stays so that a larger, more varied training set can turn them back on.
CHAR_NGRAM_SIZES: tuple[int, ...] = ()
CHAR_NGRAM_SPAN = 600
# Words longer than this also give their first letters as a crude stem ("recommande",
# "recommandons" -> "recomm"), so inflections unseen in training still count.
STEM_LENGTH = 6
# ``prepare`` is pure, so its result is remembered for recent short texts: the watch analyses a
# competitor's post and then categorises the same text, and a burst of spam repeats one text.
# 4,096 entries of at most 2,000 characters bound the memory to a few tens of MB.
CACHE_ENTRIES = 4096
CACHE_MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message made ready for the models: its clean and normalised forms, cues, features."""

    cleaned: str
    normalised: str
    words: tuple[str, ...]
    cues: tuple[Cue, ...]
    features: frozenset[str]


def _shape_features(cleaned: str, words: list[str]) -> list[str]:
    shape: list[str] = []
    if not has_letters(cleaned):
        shape.append("m:noletters")
    if "!" in cleaned:
        shape.append("m:excl")
    if "!!" in cleaned:
        shape.append("m:excl2")
    if cleaned.rstrip().endswith("?"):
        shape.append("m:endsq")
    if shouting(cleaned):
        shape.append("m:caps")
    count = len(words)
    shape.append("m:len0" if count < 4 else "m:len1" if count < 12 else "m:len2")
    return shape


def prepare(text: str) -> Prepared:
    """Clean, normalise and featurise one message. Total: any string gives a result."""
    if len(text) <= CACHE_MAX_CHARS:
        return _prepare_cached(text)
    return _prepare(text)


def _prepare(text: str) -> Prepared:
    cleaned = clean(text)
    normalised = normalise(cleaned)
    words = tokens(normalised)
    cues = matched_cues(normalised)
    features: set[str] = {"w:" + word for word in words}
    features.update(f"b:{first} {second}" for first, second in zip(words, words[1:], strict=False))
    if CHAR_NGRAM_SIZES:
        padded = f" {normalised[:CHAR_NGRAM_SPAN]} "
        for size in CHAR_NGRAM_SIZES:
            features.update("c:" + padded[i : i + size] for i in range(len(padded) - size + 1))
    features.update(polarity_features(words))
    features.update("s:" + word[:STEM_LENGTH] for word in words if len(word) > STEM_LENGTH)
    features.update("cue:" + cue.name for cue in cues)
    features.update(_shape_features(cleaned, words))
    return Prepared(cleaned, normalised, tuple(words), tuple(cues), frozenset(features))


_prepare_cached = lru_cache(maxsize=CACHE_ENTRIES)(_prepare)
