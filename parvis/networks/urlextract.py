"""Find the links in a text the way twitter-text does (X, Mastodon and Bluesky all count or
link them): with or without ``https://``, known top-level domains only, balanced parentheses
in paths, trailing punctuation left out.

The patterns follow the twitter-text specification (``conformance/extract.yml`` and
``validate.yml``, Apache-2.0); they are rewritten here from its documented grammar.
Offsets are Python string (code point) indices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("data") / "tlds.txt"

LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
CYRILLIC = "\u0400-\u04ff"
PUNCT = r"!'#%&'()*+,\\\-./:;<=>?@\[\]^_{|}~$"
SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
INVALID_CHARS = "\ufffe\ufeff\uffff"
DIRECTIONAL_MARKERS = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"

MAX_URL_LENGTH = 4096
MAX_LABEL_LENGTH = 63
MAX_TCO_SLUG_LENGTH = 40


@dataclass(frozen=True)
class UrlSpan:
    url: str
    start: int
    end: int
    has_protocol: bool


@cache
def tlds() -> tuple[str, ...]:
    """Known TLDs, longest first so that the alternation prefers ``.community`` to ``.co``."""
    names = [
        line.strip()
        for line in _DATA.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return tuple(sorted(set(names), key=lambda n: (-len(n), n)))


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


def domain_is_encodable(domain: str) -> bool:
    """Each label, once punycode-encoded, must be 1-63 characters (what X checks)."""
    for label in domain.split("."):
        try:
            encoded = label if label.isascii() else "xn--" + label.encode("punycode").decode()
        except UnicodeError:
            return False
        if not 1 <= len(encoded) <= MAX_LABEL_LENGTH:
            return False
    return True


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
