"""Watch queries: the text sent to a network's search, and the check of each result.

Networks' search syntaxes differ (Bluesky takes Lucene-like text, Mastodon hashtags, X its own
operators), and some ignore filters (Bluesky's dev AppView is a plain substring match). So the
network gets the words every match must hold (the exact phrase, the « all » words, the
hashtags), and every result is checked here against the whole query, « any » and « none »
words included, accents and case folded.
"""

from __future__ import annotations

import re
import unicodedata

from parvis.watch.models import WatchQuery

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return [fold(word) for word in _WORD.findall(text)]


def search_text(query: WatchQuery) -> str:
    """What the network's search receives (a "phrase", words, #hashtags)."""
    parts = []
    if query.exact_phrase.strip():
        parts.append('"' + " ".join(query.exact_phrase.replace('"', " ").split()) + '"')
    parts += query.all_words.split()
    parts += [f"#{tag.lstrip('#')}" for tag in query.hashtags.split() if tag.lstrip("#")]
    if not parts:
        parts = query.any_words.split()[:1]  # at least one of them must be in every match
    return " ".join(parts)[:500]


def query_matches(query: WatchQuery, text: str) -> bool:
    """Whether ``text`` satisfies the whole query."""
    folded = fold(text)
    words = set(_words(text))
    tags = {fold(tag) for tag in re.findall(r"#([^\W_][\w]*)", text)}
    if query.exact_phrase.strip() and " ".join(_words(query.exact_phrase)) not in " ".join(
        _words(text)
    ):
        return False
    if any(word not in words for word in _words(query.all_words)):
        return False
    if any(fold(tag.lstrip("#")) not in tags | words for tag in query.hashtags.split()):
        return False
    any_words = _words(query.any_words)
    if any_words and not any(word in words for word in any_words):
        return False
    return not any(word in words for word in _words(query.none_words)) and bool(folded)


def is_empty(query: WatchQuery) -> bool:
    return not search_text(query).strip()
