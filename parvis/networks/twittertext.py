"""X's text rules (twitter-text v3): weighted length, and the small validators of its
conformance suite (``validate.yml``: tweets, usernames, lists, hashtags, URLs).

How X counts (https://docs.x.com/fundamentals/counting-characters): the text is NFC-normalised;
each code point weighs 1 in the ranges below and 2 elsewhere; every link weighs 23 whatever its
length; with v3, a whole emoji sequence (ZWJ family, flag, keycap, skin tone) weighs 2. Offsets in
:class:`ParsedTweet` are UTF-16 code units, as in X's own libraries, so they match X's answers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

from parvis.networks.urlextract import extract_urls


@dataclass(frozen=True)
class WeightRange:
    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class TwitterTextConfig:
    max_weighted_length: int
    scale: int
    default_weight: int
    url_length: int
    ranges: tuple[WeightRange, ...]
    emoji_parsing: bool


# twitter-text config/v1.json: 140 characters, every code point weighs 1.
V1 = TwitterTextConfig(140, 1, 1, 23, (), emoji_parsing=False)
_LIGHT = (
    WeightRange(0, 4351, 100),  # Latin, Greek, Cyrillic, Hebrew, Arabic, Indic...
    WeightRange(8192, 8205, 100),  # spaces of General Punctuation
    WeightRange(8208, 8223, 100),  # dashes and quotes
    WeightRange(8242, 8247, 100),  # primes
)
# config/v2.json and v3.json: 280 weighted characters; v3 weighs an emoji sequence as one.
V2 = TwitterTextConfig(280, 100, 200, 23, _LIGHT, emoji_parsing=False)
V3 = TwitterTextConfig(280, 100, 200, 23, _LIGHT, emoji_parsing=True)

INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")

_EMOJI_ATOM = (
    r"(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Extended_Pictographic})"
)
_EMOJI_TAIL = r"(?:\uFE0F|\p{Emoji_Modifier})*"
_EMOJI = regex.compile(
    r"\p{Regional_Indicator}{2}"
    r"|[0-9#*]\uFE0F?\u20E3"
    r"|\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
    rf"|{_EMOJI_ATOM}{_EMOJI_TAIL}(?:\u200D{_EMOJI_ATOM}{_EMOJI_TAIL})*"
)
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")


@dataclass(frozen=True)
class ParsedTweet:
    """Same fields as twitter-text's ``parseTweet`` (offsets in UTF-16 code units)."""

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int
    valid_range_end: int
    display_range_start: int
    display_range_end: int


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every emoji sequence; text-style symbols (©, ☺) count only with VS16
    or when they are emoji by default, as on X."""
    found = []
    for match in _EMOJI.finditer(text):
        start, end = match.span()
        if end - start > 1 or _is_emoji(text[start]):
            found.append((start, end))
    return found


@cache
def _is_emoji(found: str) -> bool:
    # \p{Extended_Pictographic} alone also matches text-default symbols such as © or ‼; X
    # weighs those by their code point, so a lone one is not treated as an emoji here.
    return len(found) > 1 or _EMOJI_PRESENTATION.match(found) is not None


def _weight(code_point: int, config: TwitterTextConfig) -> int:
    if code_point > 0xFFFF:  # astral: twitter-text looks at the low surrogate, never in a range
        return config.default_weight
    for weight_range in config.ranges:
        if weight_range.start <= code_point <= weight_range.end:
            return weight_range.weight
    return config.default_weight


@cache
def _range_classes(config: TwitterTextConfig) -> tuple[tuple[re.Pattern[str], int], ...]:
    """One character class per weight range (BMP only: astral code points never fall in a
    range), to weigh long stretches of plain text without a Python loop per character."""
    classes = []
    previous_end = -1
    for weight_range in sorted(config.ranges, key=lambda r: r.start):
        # _weight() takes the first range that holds a code point: ranges must not overlap
        # for a sum per range to give the same answer.
        assert weight_range.start > previous_end, "overlapping weight ranges"
        previous_end = weight_range.end
        low, high = weight_range.start, min(weight_range.end, 0xFFFF)
        if low <= high:
            pattern = re.compile(f"[{re.escape(chr(low))}-{re.escape(chr(high))}]")
            classes.append((pattern, weight_range.weight))
    return tuple(classes)


def _plain_weight(chunk: str, config: TwitterTextConfig) -> int:
    """Sum of :func:`_weight` over the characters of ``chunk``."""
    total = config.default_weight * len(chunk)
    for pattern, weight in _range_classes(config):
        total += (weight - config.default_weight) * len(pattern.findall(chunk))
    return total


def parse_tweet(text: str, config: TwitterTextConfig = V3) -> ParsedTweet:
    """Weighted length and validity of ``text`` under ``config`` (default: X today).

    The text is a sequence of links, emoji sequences (v3) and single code points; once the
    weight passes the limit (or an invalid character is met) the end of the valid range is
    known, and the rest is only added up, a stretch of plain text at a time.
    """
    normalized = unicodedata.normalize("NFC", text)
    segments = {span.start: span.end for span in extract_urls(normalized)}
    url_starts = set(segments)
    if config.emoji_parsing:
        for start, end in emoji_spans(normalized):
            segments.setdefault(start, end)
    starts = sorted(segments)
    weighted = 0
    valid = True
    display_last = -1  # the last code point of the valid range (-1: none)
    limit = config.max_weighted_length * config.scale
    index = 0
    following = 0  # index into ``starts``
    size = len(normalized)
    while index < size:
        while following < len(starts) and starts[following] < index:
            following += 1  # a segment that starts inside one already counted is skipped
        next_start = starts[following] if following < len(starts) else size
        if index == next_start:
            weighted += (
                config.url_length * config.scale if index in url_starts else config.default_weight
            )
            last = segments[index] - 1
            valid = valid and normalized[last] not in INVALID_CHARACTERS
            if valid and weighted <= limit:
                display_last = last
            index = last + 1
            continue
        while index < next_start and valid and weighted <= limit:
            weighted += _weight(ord(normalized[index]), config)
            valid = normalized[index] not in INVALID_CHARACTERS
            if valid and weighted <= limit:
                display_last = index
            index += 1
        if index < next_start:  # past the limit: the rest of the stretch is only counted
            chunk = normalized[index:next_start]
            weighted += _plain_weight(chunk, config)
            valid = valid and not any(char in chunk for char in INVALID_CHARACTERS)
            index = next_start
    length = weighted // config.scale
    text_units = _utf16_len(text)
    valid_display = _utf16_len(normalized[: display_last + 1]) - 1 if display_last >= 0 else 0
    return ParsedTweet(
        weighted_length=length,
        valid=valid and 0 < length <= config.max_weighted_length,
        permillage=length * 1000 // config.max_weighted_length,
        valid_range_start=0,
        valid_range_end=valid_display + text_units - _utf16_len(normalized),
        display_range_start=0,
        display_range_end=max(text_units - 1, 0),
    )


def weighted_length(text: str) -> int:
    """X's weighted length of ``text`` today (v3 rules)."""
    return parse_tweet(text).weighted_length


# --- entities: hashtags and @mentions --------------------------------------------------------

_HASHTAG_ALNUM = (
    r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0"
    r"\u30fb\u3003\u0f0b\u0f0c\u00b7]"
)
_HASHTAG = regex.compile(
    rf"(?:^|\uFE0E|\uFE0F|(?<!{_HASHTAG_ALNUM}|&))[#\uFF03](?![\uFE0F\u20E3])"
    rf"({_HASHTAG_ALNUM}*[\p{{L}}\p{{M}}]{_HASHTAG_ALNUM}*)(?![#\uFF03]|://)"
)
_MENTION = regex.compile(
    r"(?:^|(?<=[^a-zA-Z0-9_!#$%&*@\uFF20])|(?<=(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?))"
    r"[@\uFF20]([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
    rf"(?![@\uFF20{'À-ÖØ-öø-ÿ'}]|://)"
)
_LIST = regex.compile(r"[@\uFF20][a-zA-Z0-9_]{1,20}/[a-zA-Z][a-zA-Z0-9_-]{0,24}")


def extract_hashtags(text: str) -> list[str]:
    """Hashtags without their ``#``: at least one letter, not glued to a word or an ``&``."""
    return [m.group(1) for m in _HASHTAG.finditer(text)]


def extract_mentions(text: str) -> list[str]:
    """@usernames without their ``@`` (lists excluded)."""
    return [m.group(1) for m in _MENTION.finditer(text) if not m.group(2)]


def is_valid_username(text: str) -> bool:
    return text[1:2] != "" and extract_mentions(text) == [text[1:]]


def is_valid_list(text: str) -> bool:
    return _LIST.fullmatch(text) is not None


def is_valid_hashtag(text: str) -> bool:
    return extract_hashtags(text) == [text[1:]] if text else False


def is_valid_tweet(text: str) -> bool:
    """The legacy 140-character check (``validate.yml`` "tweets" cases use config v1)."""
    return parse_tweet(text, V1).valid


# --- RFC 3986 URL validation (twitter-text ``isValidUrl``) ----------------------------------


@cache
def _url_patterns() -> dict[str, regex.Pattern[str]]:
    unreserved = r"[a-z\u0400-\u04FF0-9\-._~]"
    pct = r"(?:%[0-9a-f]{2})"
    sub_delims = r"[!$&'()*+,;=]"
    pchar = rf"(?:{unreserved}|{pct}|{sub_delims}|[:|@])"
    octet = r"(?:[0-9]|(?:[1-9][0-9])|(?:1[0-9]{2})|(?:2[0-4][0-9])|(?:25[0-5]))"
    ip = rf"(?:(?:{octet}(?:\.{octet}){{3}})|(?:\[[a-f0-9:\.]+\]))"
    uni = r"[^\u0000-\u007f]"
    sub = rf"(?:(?:[a-z0-9]|{uni})(?:(?:[a-z0-9_\-]|{uni})*(?:[a-z0-9]|{uni}))?)"
    seg = rf"(?:(?:[a-z0-9]|{uni})(?:(?:[a-z0-9\-]|{uni})*(?:[a-z0-9]|{uni}))?)"
    tld = rf"(?:(?:[a-z]|{uni})(?:(?:[a-z0-9\-]|{uni})*(?:[a-z0-9]|{uni}))?)"
    userinfo = rf"(?:{unreserved}|{pct}|{sub_delims}|:)*"
    authority = rf"(?:(?:{userinfo})@)?(?:{ip}|(?:(?:{sub}\.)*(?:{seg}\.){tld}))(?::[0-9]{{1,5}})?"
    flags = regex.IGNORECASE | regex.VERSION0
    return {
        "parts": regex.compile(
            r"^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", flags
        ),
        "scheme": regex.compile(r"(?:[a-z][a-z0-9+\-.]*)", flags),
        "path": regex.compile(rf"(/{pchar}*)*", flags),
        "query": regex.compile(rf"({pchar}|/|\?)*", flags),
        "authority": regex.compile(authority, flags),
    }


def _first_match_is_whole(pattern: regex.Pattern[str], value: str | None, optional: bool) -> bool:
    # twitter-text compares the *first* match with the whole string (JavaScript semantics),
    # which is stricter than a full match: alternation order matters.
    if value is None or value == "":
        return optional or value == ""
    found = pattern.search(value)
    return found is not None and found.group(0) == value


def is_valid_url(url: str, *, require_protocol: bool = True) -> bool:
    """Is ``url`` a well-formed http(s) URL (Unicode domains allowed)?"""
    if not url:
        return False
    patterns = _url_patterns()
    parts = patterns["parts"].search(url)
    if parts is None or parts.group(0) != url:
        return False
    scheme, authority, path, query, fragment = parts.groups()
    if require_protocol and not (scheme and regex.fullmatch(r"https?", scheme, regex.IGNORECASE)):
        return False
    return (
        _first_match_is_whole(patterns["path"], path, optional=True)
        and _first_match_is_whole(patterns["query"], query, optional=True)
        and _first_match_is_whole(patterns["query"], fragment, optional=True)
        and _first_match_is_whole(patterns["authority"], authority, optional=False)
    )
