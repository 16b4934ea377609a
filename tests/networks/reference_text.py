"""Parvis's text functions as they were before they were made linear (2026-11, issue 16),
kept as the reference that the linear ones must agree with: the twitter-text link expression
run by a backtracking engine (quadratic, even exponential, on long runs of letters and dots),
the per-character X weighting loop, Bluesky facets counting bytes from the start for each
facet, and the adaptation that re-counted the whole text after dropping each word.

Only the tests read it, on texts short enough for it.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import re
import unicodedata
from functools import cache

import regex

from parvis.networks.capabilities import Capabilities
from parvis.networks.text import (
    _HANDLE_MENTION,
    Facet,
    grapheme_count,
    text_length,
    utf8_length,
)
from parvis.networks.twittertext import (
    INVALID_CHARACTERS,
    V3,
    ParsedTweet,
    TwitterTextConfig,
    _utf16_len,
    _weight,
    emoji_spans,
)
from parvis.networks.urlextract import (
    CYRILLIC,
    DIRECTIONAL_MARKERS,
    INVALID_CHARS,
    LATIN_ACCENTS,
    MAX_TCO_SLUG_LENGTH,
    MAX_URL_LENGTH,
    PUNCT,
    SPACES,
    UrlSpan,
    domain_is_encodable,
    tlds,
)

ELLIPSIS = "…"
_HASHTAG = re.compile(r"(?<![\w#])#\w+")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    domain_char = f"[^{PUNCT}{SPACES}{INVALID_CHARS}{DIRECTIONAL_MARKERS}]"
    tld = "(?:" + "|".join(re.escape(t) for t in tlds()) + ")(?=[^0-9a-zA-Z@+-]|$)"
    tld_or_puny = f"(?:{tld}|xn--[-0-9a-z]+)"
    subdomain = f"(?:(?:{domain_char}(?:(?:[-_]|{domain_char})*{domain_char})?)\\.)"
    domain_name = f"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\\.)"
    domain = f"(?:{subdomain}*{domain_name}{tld_or_puny})"
    path_char = f"[a-z{CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~&|@{LATIN_ACCENTS}]"
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = f"(?:[+\\-a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]|(?:{parens}))"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query_char = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
    query_end = r"[a-z0-9\-_&=#/]"
    preceding = f"(?:[^A-Za-z0-9@\uff20$#\uff03{INVALID_CHARS}]|[{DIRECTIONAL_MARKERS}]|^)"
    extract = (
        f"({preceding})"
        f"((https?://)?({domain})(?::([0-9]+))?(/{path}*)?(\\?{query_char}*{query_end})?)"
    )
    ascii_domain = f"(?:(?:[\\-a-z0-9{LATIN_ACCENTS}]+)\\.)+{tld_or_puny}"
    tco = f"^https?://t\\.co/([a-z0-9]+)(?:\\?{query_char}*{query_end})?"
    flags = re.IGNORECASE
    return re.compile(extract, flags), re.compile(ascii_domain, flags), re.compile(tco, flags)


def extract_urls(text: str, *, without_protocol: bool = True) -> list[UrlSpan]:
    """Every link of ``text`` with its [start, end) offsets, in order."""
    extract, ascii_domain, tco = _patterns()
    spans: list[UrlSpan] = []
    for match in extract.finditer(text):
        before, url, protocol, domain, path = (
            match.group(1),
            match.group(2),
            match.group(3),
            match.group(4),
            match.group(6),
        )
        start, end = match.start(2), match.end(2)
        if not domain_is_encodable(domain) or len(protocol or "https://") + len(url) > (
            MAX_URL_LENGTH
        ):
            continue
        if protocol:
            tco_match = tco.match(url)
            if tco_match:
                if len(tco_match.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco_match.group(0)
                end = start + len(url)
            spans.append(UrlSpan(url, start, end, has_protocol=True))
            continue
        if not without_protocol or re.search(r"[-_./]$", before):
            continue
        found: list[UrlSpan] = []
        for sub in ascii_domain.finditer(domain):
            found.append(UrlSpan(sub.group(0), start + sub.start(), start + sub.end(), False))
        if not found:
            continue
        if path:
            last = found[-1]
            found[-1] = UrlSpan(text[last.start : end], last.start, end, False)
        spans.extend(found)
    return spans


def parse_tweet(text: str, config: TwitterTextConfig = V3) -> ParsedTweet:
    """Weighted length and validity of ``text`` under ``config`` (default: X today)."""
    normalized = unicodedata.normalize("NFC", text)
    segments = {span.start: span.end for span in extract_urls(normalized)}
    url_starts = set(segments)
    if config.emoji_parsing:
        for start, end in emoji_spans(normalized):
            segments.setdefault(start, end)
    offsets = [0]
    for char in normalized:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    weighted = 0
    valid = True
    valid_display = 0
    index = 0
    limit = config.max_weighted_length * config.scale
    while index < len(normalized):
        if index in url_starts:
            weighted += config.url_length * config.scale
            last = segments[index] - 1
        elif index in segments:
            weighted += config.default_weight
            last = segments[index] - 1
        else:
            weighted += _weight(ord(normalized[index]), config)
            last = index
        valid = valid and normalized[last] not in INVALID_CHARACTERS
        if valid and weighted <= limit:
            valid_display = offsets[last + 1] - 1
        index = last + 1
    length = weighted // config.scale
    text_units = _utf16_len(text)
    return ParsedTweet(
        weighted_length=length,
        valid=valid and 0 < length <= config.max_weighted_length,
        permillage=length * 1000 // config.max_weighted_length,
        valid_range_start=0,
        valid_range_end=valid_display + text_units - offsets[-1],
        display_range_start=0,
        display_range_end=max(text_units - 1, 0),
    )


def bluesky_facets(text: str) -> list[Facet]:
    """Links, @mentions and #tags of ``text`` with UTF-8 byte offsets, in text order.

    Links written without a protocol get ``https://``; tags longer than 64 graphemes are
    skipped (the lexicon rejects them).
    """

    def byte_offset(index: int) -> int:
        return utf8_length(text[:index])

    facets: list[Facet] = []
    link_spans = extract_urls(text)
    for span in link_spans:
        uri = span.url if span.has_protocol else "https://" + span.url
        facets.append(Facet(byte_offset(span.start), byte_offset(span.end), "link", uri))

    def inside_link(index: int) -> bool:
        return any(span.start <= index < span.end for span in link_spans)

    for match in _HANDLE_MENTION.finditer(text):
        handle = match.group(1)
        if "." in handle and not inside_link(match.start()):
            start, end = match.start(), match.end()
            facets.append(Facet(byte_offset(start), byte_offset(end), "mention", handle))
    for match in regex.finditer(r"(?<=^|\s)[#\uFF03]([^\s#\uFF03]*[^\d\s\p{P}][^\s]*)", text):
        tag = match.group(1).rstrip(".,;:!?)")
        if tag and grapheme_count(tag) <= 64 and not inside_link(match.start()):
            start = match.start()
            end = match.start(1) + len(tag)
            facets.append(Facet(byte_offset(start), byte_offset(end), "tag", tag))
    return sorted(facets, key=lambda facet: facet.byte_start)


def adapt_text(text: str, caps: Capabilities, *, link: str = "") -> str:
    """``text`` made to fit ``caps``: surplus hashtags dropped from the end, then cut at a word
    boundary with an ellipsis, keeping room for the link the network appends. Returns the text
    unchanged when it already fits."""
    adapted = text
    if caps.max_hashtags is not None:
        tags = list(_HASHTAG.finditer(adapted))
        for match in reversed(tags[caps.max_hashtags :]):
            adapted = adapted[: match.start()] + adapted[match.end() :]
        adapted = re.sub(r"[ \t]{2,}", " ", adapted).strip()

    def length(candidate: str) -> int:
        if link and caps.link_in_text and link not in candidate:
            candidate = f"{candidate.rstrip()}\n\n{link}"
        return text_length(candidate, caps)

    if length(adapted) <= caps.text_limit:
        return adapted
    words = adapted.split(" ")
    while len(words) > 1 and length(" ".join(words) + ELLIPSIS) > caps.text_limit:
        words.pop()
    shortened = " ".join(words).rstrip(" ,;:.") + ELLIPSIS
    while shortened and length(shortened) > caps.text_limit:  # one very long word
        shortened = shortened[:-2] + ELLIPSIS
    return shortened
