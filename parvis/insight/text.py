"""Text clean-up and normalisation shared by every insight model.

Two forms of a message exist: the *clean* text (control characters and lone surrogates
removed, whitespace collapsed, capped in length) that language detection and the cue
phrases read, and the *normalised* text (lower case, accents folded, URLs, mentions,
amounts and phone numbers replaced by placeholder tokens) that the statistical model reads.
Both functions are pure and total: any ``str`` gives a result, never an exception.
"""

from __future__ import annotations

import re
import unicodedata

# Long texts are cut before analysis: the first few thousand characters carry the intent of a
# social message, and the cap keeps the cost of one message bounded (a 100,000-character paste
# must not stall a batch).
MAX_ANALYSED_CHARS = 3000

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\ufeff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")

_SHORTENER_HOSTS = (
    "bit.ly|tinyurl.com|t.co|goo.gl|ow.ly|is.gd|buff.ly|cutt.ly|rebrand.ly|shorturl.at|t.me|wa.me"
)
_SHORT_URL = re.compile(rf"(?:https?://)?(?:www\.)?(?:{_SHORTENER_HOSTS})/\S*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|fr|net|org|io|co|biz|xyz|info)/\S*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}\b")
_MONEY = re.compile(
    r"(?:[$€£]\s?\d[\d\s.,]*[kKmM]?\b|\b\d[\d\s.,]*\s?(?:[kKmM]\s?)?(?:€|\$|£|euros?\b|eur\b|usd\b|dollars?\b))"
)
PLACEHOLDERS = frozenset(
    {"urlshort", "urltok", "emailtok", "attok", "phonetok", "moneytok", "numtok"}
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DIGIT = re.compile(r"\d")
_REPEATED_CHAR = re.compile(r"(\w)\1{2,}")
_REPEATED_PUNCT = re.compile(r"([!?.])\1{2,}")
_WORD = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?|[^\sa-z0-9_]")


def _build_accent_table() -> dict[int, str]:
    """Map every precomposed Latin letter to its base letter(s), for ``str.translate``."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base and base != char and base.isascii():
            table[code] = base
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    # Typographic quotes and dashes become their plain forms, so "l’équipe" and "l'équipe" match.
    table.update({ord("’"): "'", ord("‘"): "'", ord("`"): "'", ord("«"): '"', ord("»"): '"'})
    table.update({ord("–"): "-", ord("—"): "-", ord("…"): "...", 0xA0: " ", 0x202F: " "})
    return table


_ACCENT_TABLE = _build_accent_table()


def clean(text: str) -> str:
    """Return ``text`` without control characters or lone surrogates, whitespace collapsed,
    cut to :data:`MAX_ANALYSED_CHARS` characters. Safe on any input string."""
    if len(text) > MAX_ANALYSED_CHARS * 2:
        text = text[: MAX_ANALYSED_CHARS * 2]
    text = _SURROGATES.sub("", text)
    text = _CONTROL_CHARS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:MAX_ANALYSED_CHARS]


def fold(text: str) -> str:
    """Lower-case ``text`` and fold accents and typographic punctuation (no placeholders)."""
    return text.lower().translate(_ACCENT_TABLE)


def normalise(cleaned: str) -> str:
    """Turn clean text into the model's form: folded, with placeholder tokens.

    Placeholders: ``urlshort`` (link shorteners), ``urltok``, ``emailtok``, ``attok``
    (mentions), ``phonetok``, ``moneytok``, ``numtok``. Letters repeated three times or
    more are squeezed to two ("trooop" → "troop"), runs of "!" or "?" to three.
    """
    text = cleaned
    # Each substitution runs only when its trigger character is present: most messages have
    # no link, mention or digit, and skipping saves a third of the analysis time.
    if "." in text or "/" in text:
        text = _SHORT_URL.sub(" urlshort ", text)
        text = _URL.sub(" urltok ", text)
    if "@" in text:
        text = _EMAIL.sub(" emailtok ", text)
        text = _MENTION.sub(" attok ", text)
    if "#" in text:
        text = _HASHTAG.sub(r" \1 ", text)
    has_digit = _DIGIT.search(text) is not None
    if has_digit:
        text = _PHONE.sub(" phonetok ", text)
    if has_digit or "$" in text:
        text = _MONEY.sub(" moneytok ", text)
    text = fold(text)
    if has_digit:
        text = _NUMBER.sub(" numtok ", text)
    text = _REPEATED_CHAR.sub(r"\1\1", text)
    text = _REPEATED_PUNCT.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()


def tokens(normalised: str) -> list[str]:
    """Split normalised text into word tokens and single non-space symbols (emoji, "?", "!")."""
    return _WORD.findall(normalised)


_WRITTEN_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def original_words(cleaned: str) -> dict[str, str]:
    """Map each folded word of ``cleaned`` to its first spelling as written (accents kept),
    so that reasons quote the message as its author wrote it."""
    originals: dict[str, str] = {}
    for word in _WRITTEN_WORD.findall(cleaned):
        originals.setdefault(fold(word), word)
    return originals


def has_letters(text: str) -> bool:
    """True when ``text`` contains at least one alphabetic character (of any script)."""
    return any(c.isalpha() for c in text)
