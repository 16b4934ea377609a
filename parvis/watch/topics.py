"""The week's topics: « cette semaine, on parle de … », offline, in French and English.

Key phrases are counted per item, not per word, and scored against the previous four weeks so
that what is *new* this week comes first:

1. **Read** the items published in the last 7 days (the most recent ``MAX_ITEMS``) and in the
   4 weeks before (the most recent ``MAX_BACKGROUND_ITEMS``): ``values_list`` only, title and
   the start of the text (``MAX_CHARS``).
2. **Tokenise**: URLs, e-mail addresses, @mentions and numbers go (they break phrases, as
   punctuation does); French elisions (« l'atelier ») are cut; hashtags are kept (« #bio »).
3. **Candidates**: 1-, 2- and 3-word phrases that neither start nor end with a stop word of
   the item's language (``data/stopwords.txt``; both lists when the language is unknown), and
   none of the words the organisation watches for itself (its name, its own-name and sector
   searches: every item matches those, so they say nothing). Competitors' names are kept.
4. **Score**: ``df × log2(1 + novelty)`` where ``df`` is the number of this week's items
   holding the phrase and ``novelty`` its share of this week's items over its (smoothed) share
   of the previous weeks' — a phrase as common as usual scores low, a new one high.
5. **Merge**: a phrase found in (nearly) the same items as a longer one containing it is
   absorbed by it (« boulangerie bio » absorbs « bio »); a phrase in the same items as one
   already chosen is left out (« #levain » next to « pain au levain »), and so is a phrase
   sharing a word with a chosen phrase whose items it nearly all shares (« hausse du prix » after
   « prix du beurre »).

Phrases are compared with accents and case folded; each is shown in its most frequent form.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from django.core.cache import cache as django_cache

from parvis.accounts.models import Organisation
from parvis.insight.text import fold
from parvis.watch.models import Item, WatchQuery

MAX_ITEMS = 5_000  # this week's items read at most (the most recent)
MAX_BACKGROUND_ITEMS = 10_000  # the previous weeks' items read at most
BACKGROUND_WEEKS = 4
MAX_CHARS = 600  # of each item: a post whole, an article's title and first lines
MIN_ITEMS = 2  # a topic is in two items at least
MAX_WORDS = 3
SAMPLE = 5  # item ids kept per topic, newest first
ABSORB = 0.8  # a longer phrase in ≥ 80 % of a shorter one's items absorbs it
SAME_ITEMS = 0.8  # Jaccard index above which two phrases are one topic

STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|fr|net|org|io|co|eu|be)(?:/\S*)?\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_MENTION = re.compile(r"@[\w.]+")
# Breaks between phrases: punctuation, brackets, quotes, dashes between spaces, line ends.
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"«»“”„|/\\•·…\n\r\t]+|\s[-–—]+\s|\s&\s")
_TOKEN = re.compile(r"#?[^\W\d_][\w'’-]*|\S+")
_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"})
_DIGIT = re.compile(r"\d")
_DROPPED = "\x00"  # a token that breaks phrases (a number, an emoji, a URL placeholder)


@dataclass(frozen=True)
class Topic:
    """One phrase people used this week."""

    phrase: str  # as most often written (lower case, accents kept; « #bio » for a hashtag)
    count: int  # this week's items holding it
    item_ids: tuple[int, ...]  # a sample, newest first
    trend: float | None  # this week's count over the previous weeks' weekly average; None: new

    @property
    def is_new(self) -> bool:
        return self.trend is None


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """``{"fr": …, "en": …, "": both}``, folded (see ``data/stopwords.txt``)."""
    found: dict[str, set[str]] = {"fr": set(), "en": set()}
    language = "fr"
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line in ("[fr]", "[en]"):
            language = line[1:-1]
        elif line:
            found[language].update(fold(word) for word in line.split())
    return {
        "fr": frozenset(found["fr"]),
        "en": frozenset(found["en"]),
        "": frozenset(found["fr"] | found["en"]),
    }


@lru_cache(maxsize=200_000)
def _word(raw: str, first: bool) -> tuple[str, str]:
    """(folded key, shown form) of one token; the key is ``_DROPPED`` for what is no word.
    The shown form keeps a capital inside a phrase (« Atelier Chêne »), not at its start."""
    token = raw.replace("’", "'").strip("'-")
    if not token or not (token[0].isalpha() or (token[0] == "#" and token[1:2].isalpha())):
        return _DROPPED, ""
    head, _apostrophe, rest = token.partition("'")
    if rest and fold(head) in _ELISIONS:
        token = rest
    elif token.lower().endswith("'s"):
        token = token[:-2]
    if _DIGIT.search(token) or len(token.lstrip("#")) < 2:
        return _DROPPED, ""
    shown = token.lower() if first or token.isupper() else token
    return fold(token), shown


def _segments(text: str) -> Iterator[list[tuple[str, str]]]:
    text = _MENTION.sub(" . ", _EMAIL.sub(" . ", _URL.sub(" . ", text)))
    for part in _BREAK.split(text):
        raws = _TOKEN.findall(part)
        # A sentence's first word is lower-cased unless a name follows (« Atelier Chêne »).
        first = len(raws) < 2 or not raws[1][:1].isupper()
        words = [_word(raw, index == 0 and first) for index, raw in enumerate(raws)]
        if words:
            yield words


def _windows(
    text: str, stops: frozenset[str], firsts: frozenset[str] | None = None
) -> Iterator[tuple[list[str], list[str], int, int]]:
    """(keys, shown forms, start, end) of every candidate phrase ``keys[start:end]`` of
    ``text``; ``firsts`` limits them to phrases starting with one of those words."""
    for words in _segments(text):
        keys = [key for key, _shown in words]
        shown = [form for _key, form in words]
        size = len(keys)
        for start, first in enumerate(keys):
            if first == _DROPPED or first in stops or (firsts is not None and first not in firsts):
                continue
            if len(first.lstrip("#")) >= 3:
                yield keys, shown, start, start + 1
            for end in range(start + 1, min(start + MAX_WORDS, size)):
                last = keys[end]
                if last == _DROPPED:
                    break
                if last not in stops:
                    yield keys, shown, start, end + 1


def phrases(text: str, stops: frozenset[str]) -> dict[str, str]:
    """Every candidate phrase of ``text``: {folded key: shown form} (see the module docstring)."""
    found: dict[str, str] = {}
    for keys, shown, start, end in _windows(text, stops):
        key = " ".join(keys[start:end])
        if key not in found:
            found[key] = " ".join(shown[start:end])
    return found


def phrase_keys(text: str, stops: frozenset[str], firsts: frozenset[str]) -> set[str]:
    """The folded keys of :func:`phrases` that start with one of ``firsts`` (cheaper)."""
    return {" ".join(keys[start:end]) for keys, _s, start, end in _windows(text, stops, firsts)}


def _own_words(organisation: Organisation) -> frozenset[str]:
    """What the organisation watches for itself: its name and its searches' words."""
    words = {fold(organisation.name)}
    words.update(fold(word) for word in organisation.name.split())
    for query in WatchQuery.objects.for_organisation(organisation).only(
        "all_words", "any_words", "exact_phrase", "hashtags"
    ):
        for field in (query.all_words, query.any_words, query.hashtags):
            for word in field.split():
                words.update({fold(word.lstrip("#")), fold("#" + word.lstrip("#"))})
        if query.exact_phrase:
            words.add(" ".join(key for key, _s in next(_segments(query.exact_phrase), [])))
    return frozenset(words - {""})


def _text(title: str, text: str) -> str:
    return f"{title}\n{text}"[:MAX_CHARS]


@dataclass
class _Candidate:
    key: str
    docs: list[int]  # indices of this week's items, newest first
    forms: Counter[str]
    previous: int = 0
    score: float = 0.0


def _covers(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def _parts(key: str) -> Iterator[str]:
    """The shorter phrases inside ``key`` (« pain au levain »: « pain au », « au levain »…)."""
    words = key.split()
    for size in range(1, len(words)):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start : start + size])


def _pick(candidates: dict[str, _Candidate], limit: int) -> list[_Candidate]:
    """The best candidates, overlapping phrases merged (see the module docstring)."""
    absorbed: set[str] = set()
    for longer in candidates.values():
        for part in _parts(longer.key):
            shorter = candidates.get(part)
            if shorter is not None and len(longer.docs) >= ABSORB * len(shorter.docs):
                absorbed.add(part)
    ranked = sorted(
        (c for c in candidates.values() if c.key not in absorbed),
        key=lambda c: (-c.score, -len(c.key.split()), c.key),
    )
    chosen: list[tuple[_Candidate, set[int]]] = []
    for candidate in ranked:
        mine = set(candidate.docs)
        if any(
            _covers(other.key, candidate.key)  # inside a phrase already chosen
            or len(mine & theirs) >= SAME_ITEMS * len(mine | theirs)
            # « hausse du prix » after « prix du beurre »: same word, items already counted.
            or (
                " " in candidate.key
                and " " in other.key
                and set(candidate.key.split()) & set(other.key.split())
                and len(mine & theirs) >= SAME_ITEMS * len(mine)
            )
            for other, theirs in chosen
        ):
            continue
        chosen.append((candidate, mine))
        if len(chosen) == limit:
            break
    return [candidate for candidate, _docs in chosen]


def _rows(
    organisation_id: int, since: datetime, until: datetime, cap: int
) -> Iterable[tuple[int, str, str, str]]:
    return (
        Item.objects.filter(
            organisation_id=organisation_id, published_at__gte=since, published_at__lt=until
        )
        .order_by("-published_at", "-pk")
        .values_list("pk", "title", "text", "language")[:cap]
    )


def week_topics(organisation_id: int, *, now: datetime, limit: int = 8) -> list[Topic]:
    """The phrases of the 7 days before ``now``, most telling first (module docstring)."""
    organisation = Organisation.objects.get(pk=organisation_id)
    since = now - timedelta(days=7)
    stops = stop_words()
    own = _own_words(organisation)
    ids: list[int] = []
    by_key: dict[str, _Candidate] = {}
    for pk, title, text, language in _rows(
        organisation_id, since, now + timedelta(seconds=1), MAX_ITEMS
    ):
        index = len(ids)
        ids.append(pk)
        for key, shown in phrases(_text(title, text), stops.get(language, stops[""])).items():
            if key in own:
                continue
            candidate = by_key.get(key)
            if candidate is None:
                candidate = by_key[key] = _Candidate(key, [], Counter())
            candidate.docs.append(index)
            candidate.forms[shown] += 1
    candidates = {k: c for k, c in by_key.items() if len(c.docs) >= MIN_ITEMS}
    if not candidates:
        return []
    background = 0
    start = since - timedelta(weeks=BACKGROUND_WEEKS)
    firsts = frozenset(key.split(" ", 1)[0] for key in candidates)
    for _pk, title, text, language in _rows(organisation_id, start, since, MAX_BACKGROUND_ITEMS):
        background += 1
        for key in phrase_keys(_text(title, text), stops.get(language, stops[""]), firsts):
            if key in candidates:
                candidates[key].previous += 1
    for candidate in candidates.values():
        share = len(candidate.docs) / len(ids)
        # Smoothed: a phrase never seen before is « new », not infinitely new.
        before = (candidate.previous + 0.5) / (background + 1)
        candidate.score = len(candidate.docs) * math.log2(1 + share / before)
    topics = []
    for candidate in _pick(candidates, limit):
        weekly_before = candidate.previous / BACKGROUND_WEEKS
        topics.append(
            Topic(
                phrase=candidate.forms.most_common(1)[0][0],
                count=len(candidate.docs),
                item_ids=tuple(ids[i] for i in candidate.docs[:SAMPLE]),
                trend=round(len(candidate.docs) / weekly_before, 2) if candidate.previous else None,
            )
        )
    return topics


# The page reads the topics from the cache; the worker refreshes them after each cycle that
# stored something, so no visitor waits for the extraction (seconds on a large watch). The
# time-out only bounds how stale a quiet watch's topics get as the week slides.
CACHE_SECONDS = 3600


def _cache_key(organisation_id: int, limit: int) -> str:
    return f"watch:topics:{organisation_id}:{limit}"


def topics_refresh(organisation_id: int, *, now: datetime, limit: int = 8) -> list[Topic]:
    found = week_topics(organisation_id, now=now, limit=limit)
    django_cache.set(_cache_key(organisation_id, limit), found, CACHE_SECONDS)
    return found


def topics_for(organisation_id: int, *, now: datetime, limit: int = 8) -> list[Topic]:
    """The week's topics as last refreshed, computed now when none are kept."""
    found: list[Topic] | None = django_cache.get(_cache_key(organisation_id, limit))
    if found is None:
        found = topics_refresh(organisation_id, now=now, limit=limit)
    return found
