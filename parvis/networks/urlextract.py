"""Find the links in a text the way twitter-text does (X, Mastodon and Bluesky all count or
link them): with or without ``https://``, known top-level domains only, balanced parentheses
in paths, trailing punctuation left out.

The patterns follow the twitter-text specification (``conformance/extract.yml`` and
``validate.yml``, Apache-2.0); they are rewritten here from its documented grammar.
Offsets are Python string (code point) indices.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
def _grammar() -> dict[str, str]:
    """twitter-text's URL grammar, as regular-expression text (matched case-insensitively)."""
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
    preceding = f"(?:[^A-Za-z0-9@\uff20$#\uff03{INVALID_CHARS}]|[{DIRECTIONAL_MARKERS}])"
    return {
        "domain_char": domain_char,
        "tld_or_puny": tld_or_puny,
        "domain": domain,
        "preceding": preceding,
        # What may follow the domain: port, path, query (each optional, greedy).
        "tail": f"(?::([0-9]+))?(/{path}*)?(\\?{query_char}*{query_end})?",
        "ascii_label_char": f"[\\-a-z0-9{LATIN_ACCENTS}]",
        "tco": f"^https?://t\\.co/([a-z0-9]+)(?:\\?{query_char}*{query_end})?",
    }


@dataclass(frozen=True)
class _Patterns:
    run: re.Pattern[str]  # a maximal run of domain characters, dots, hyphens and underscores
    preceding: re.Pattern[str]
    protocol: re.Pattern[str]
    tail: re.Pattern[str]
    ascii_label_char: re.Pattern[str]
    tco: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    grammar = _grammar()
    flags = re.IGNORECASE
    return _Patterns(
        run=re.compile(f"(?:{grammar['domain_char']}|[-_.])+", flags),
        preceding=re.compile(grammar["preceding"], flags),
        protocol=re.compile("https?://", flags),
        tail=re.compile(grammar["tail"], flags),
        ascii_label_char=re.compile(grammar["ascii_label_char"], flags),
        tco=re.compile(grammar["tco"], flags),
    )


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


# --- top-level domains at a position ----------------------------------------------------------
#
# ``tld_or_puny`` is an alternation of ~1,600 names: tried at every dot of a text, it would cost
# tens of microseconds each. Only the names whose first two characters match (case-insensitively,
# as ``re`` compares them) can match, so the alternation is cut down to those, in the same order.


@dataclass(frozen=True)
class _TldIndex:
    names: tuple[str, ...]
    by_first: dict[str, list[int]]  # first character -> indices into ``names``, in order
    first: re.Pattern[str]  # any first character (including the ``x`` of ``xn--``)


@cache
def _tld_index() -> _TldIndex:
    names = tlds()
    by_first: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        by_first.setdefault(name[0], []).append(index)
    firsts = "".join(re.escape(c) for c in sorted(set(by_first) | {"x"}))
    return _TldIndex(names, by_first, re.compile(f"[{firsts}]", re.IGNORECASE))


@cache
def _same_letter(pattern_char: str, char: str) -> bool:
    """Whether ``pattern_char`` in an IGNORECASE pattern matches ``char``."""
    return re.fullmatch(re.escape(pattern_char), char, re.IGNORECASE) is not None


@cache
def _first_groups(char: str) -> tuple[str, ...]:
    """The first characters of names that ``char`` matches (``char`` passed ``first``)."""
    return tuple(f for f in _tld_index().by_first if _same_letter(f, char))


@cache
def _second_class(first: str) -> re.Pattern[str] | None:
    """Any second character of the names matched by ``first`` (``n`` of ``xn--`` included)."""
    index = _tld_index()
    seconds = {index.names[i][1] for f in _first_groups(first) for i in index.by_first[f]}
    if _same_letter("x", first):
        seconds.add("n")
    if not seconds:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(seconds)) + "]", re.IGNORECASE)


@cache
def _tld_pattern(prefix: str) -> re.Pattern[str] | None:
    """``tld_or_puny`` restricted to the names that can start with ``prefix`` (2 characters
    that passed both classes: there are few such prefixes, so this cache stays small)."""
    index = _tld_index()
    wanted = sorted(
        i
        for f in _first_groups(prefix[0])
        for i in index.by_first[f]
        if _same_letter(index.names[i][1], prefix[1])
    )
    branches = []
    if wanted:
        names = "|".join(re.escape(index.names[i]) for i in wanted)
        branches.append(f"(?:{names})(?=[^0-9a-zA-Z@+-]|$)")
    if _same_letter("x", prefix[0]) and _same_letter("n", prefix[1]):
        branches.append("xn--[-0-9a-z]+")
    if not branches:
        return None
    return re.compile("(?:" + "|".join(branches) + ")", re.IGNORECASE)


@cache
def _dot_before_tld() -> re.Pattern[str]:
    """A dot followed by two characters that may begin a top-level domain: a first sieve, run
    by ``re`` over the whole text, so that ``_tld_end`` looks only at the dots it lets by."""
    index = _tld_index()
    seconds = {name[1] for name in index.names} | {"n"}
    second = "".join(re.escape(c) for c in sorted(seconds))
    return re.compile(f"\\.(?={index.first.pattern}[{second}])", re.IGNORECASE)


def _tld_ends(text: str) -> dict[int, int]:
    """Every dot of ``text`` followed by a top-level domain, and where that domain ends."""
    found = {}
    for dot in _dot_before_tld().finditer(text):
        end = _tld_end(text, dot.start() + 1)
        if end >= 0:
            found[dot.start()] = end
    return found


def _tld_end(text: str, position: int) -> int:
    """Where ``tld_or_puny`` matched at ``position`` ends, or -1 (same answer as the whole
    alternation, in constant time for a given prefix)."""
    if position + 2 > len(text):
        return -1  # every name has at least two characters
    index = _tld_index()
    first = text[position]
    if index.first.fullmatch(first) is None:
        return -1
    seconds = _second_class(first)
    if seconds is None or seconds.fullmatch(text[position + 1]) is None:
        return -1
    pattern = _tld_pattern(text[position : position + 2])
    found = pattern.match(text, position) if pattern is not None else None
    return found.end() if found is not None else -1


# --- the links of a text ---------------------------------------------------------------------
#
# twitter-text finds links with one regular expression (``(preceding)((https?://)?(domain)(port)?
# (path)?(query)?)``); run by a backtracking engine it is quadratic, even exponential, on long
# runs of letters and dots ("a.a.a.a…", a paragraph of Japanese). The scanner below returns the
# same matches in linear time. What makes it possible:
#
# * a domain is ``subdomain* domain_name tld``: labels of domain characters (``-`` and, in
#   subdomains only, ``_`` inside) each followed by a dot, then a top-level domain. Labels cannot
#   contain a dot, so each label is the whole stretch up to the next dot, and the engine's only
#   choice is how many subdomains to take: as many as possible, backing off one at a time. The
#   domain therefore ends at the *last* dot of the chain of labels that is followed by a known
#   top-level domain (and whose label has no ``_``); that answer is the same for every start
#   inside the first label, and is computed once per dot, right to left;
# * a match never contains a space, so it lies in one run of domain characters (plus the
#   protocol before it) that holds such a dot; runs without one are never looked at;
# * port, path and query are optional and nothing follows them: once the domain is found, the
#   rest is the greedy match of their own expression, which is linear.


@dataclass(frozen=True)
class _Raw:
    """One match of twitter-text's expression: group 1 (``before``), group 2 (``url``) and
    its protocol, domain and path."""

    before: str
    start: int
    end: int
    protocol: str
    domain: str
    path: str


class _Run:
    """One run of domain characters, dots, hyphens and underscores holding a useful dot."""

    def __init__(
        self, text: str, start: int, end: int, dots: list[int], tld_ends: dict[int, int]
    ) -> None:
        self.text, self.start, self.end, self.dots = text, start, end, dots
        self.tld_ends = tld_ends
        self.last_useful = max(d for d in dots if d in tld_ends)
        count = len(dots)
        # deepest[k]: the last dot of the chain of labels after dots[k] that ends a domain
        # (followed by a top-level domain, its label without "_"), or -1.
        self.deepest = [-1] * count
        self._underscore: dict[int, int] = {}
        for k in range(count - 2, -1, -1):
            label_start, dot = dots[k] + 1, dots[k + 1]
            if not self._label_ok(label_start, dot):
                continue
            if self.deepest[k + 1] >= 0:
                self.deepest[k] = self.deepest[k + 1]
            elif dot in tld_ends and self.last_underscore(k + 1) < label_start:
                self.deepest[k] = dot

    def _label_ok(self, start: int, dot: int) -> bool:
        # A label: at least one character, first and last a domain character (not "-" or "_":
        # inside a run every other character is one).
        return start < dot and self.text[start] not in "-_" and self.text[dot - 1] not in "-_"

    def last_underscore(self, k: int) -> int:
        """The last "_" of the label that ends at dots[k] (-1 when none)."""
        if k not in self._underscore:
            label_start = self.dots[k - 1] + 1 if k else self.start
            self._underscore[k] = self.text.rfind("_", label_start, self.dots[k])
        return self._underscore[k]

    def domain_end_dot(self, start: int) -> tuple[int, int]:
        """For a domain starting at ``start``: (the dot before its top-level domain, -1), or
        (-1, the next start worth trying) when no domain starts there."""
        text = self.text
        if text[start] in "-_.":
            return -1, start + 1
        k = bisect_left(self.dots, start)
        if k == len(self.dots):
            return -1, self.end
        dot = self.dots[k]
        if text[dot - 1] in "-_":
            return -1, dot + 1
        deepest = self.deepest[k]
        if deepest >= 0:
            return deepest, -1
        if dot not in self.tld_ends:
            return -1, dot + 1
        underscore = self.last_underscore(k)
        if underscore >= start:
            return -1, underscore + 1
        return dot, -1


class _Scan:
    """``finditer`` of twitter-text's expression over one text, in linear time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.patterns = _patterns()
        self.dots = [m.start() for m in re.finditer(r"\.", text)]
        self.tld_ends = _tld_ends(text)
        self.matches: list[_Raw] = []
        self.searched_from = 0  # finditer's position: where the last match ended
        self._preceding: dict[str, bool] = {}
        self._reverse = ""

    def run(self) -> list[_Raw]:
        useful = sorted(self.tld_ends)
        cursor = 0  # runs before it hold no match
        run: _Run | None = None
        while True:
            index = bisect_left(useful, max(self.searched_from + 1, cursor))
            if index == len(useful):
                return self.matches
            dot = useful[index]
            if run is None or not run.start <= dot < run.end:
                run = self._run_around(dot)
            found = self._first_in(run)
            if found is None:
                cursor = run.end
            else:
                self._record(*found)

    def _run_around(self, dot: int) -> _Run:
        text, pattern = self.text, self.patterns.run
        if not self._reverse:
            self._reverse = text[::-1]
        left = pattern.match(self._reverse, len(text) - 1 - dot)
        right = pattern.match(text, dot)
        assert left is not None and right is not None  # a dot belongs to a run
        start, end = dot + 1 - (left.end() - left.start()), right.end()
        dots = self.dots[bisect_left(self.dots, start) : bisect_left(self.dots, end)]
        return _Run(text, start, end, dots, self.tld_ends)

    def _may_start(self, position: int) -> bool:
        """Whether group 2 may start at ``position``: after a group-1 character at or after
        where the search stands, or at the very start of the text (``^``)."""
        if position == 0:
            return not self.matches
        if position - 1 < self.searched_from:
            return False
        char = self.text[position - 1]
        if char not in self._preceding:
            self._preceding[char] = self.patterns.preceding.fullmatch(char) is not None
        return self._preceding[char]

    def _first_in(self, run: _Run) -> tuple[int, int, int] | None:
        """The first (group 2 start, domain start, dot before the top-level domain) in ``run``
        that the search has not passed yet."""
        # With a protocol: "http://" or "https://" ends right where the run starts (":" and
        # "/" are no domain characters).
        for position in (run.start - 8, run.start - 7):
            if position >= 0 and self._may_start(position):
                protocol = self.patterns.protocol.match(self.text, position)
                if protocol is not None and protocol.end() == run.start:
                    dot, _ = run.domain_end_dot(run.start)
                    if dot >= 0:
                        return position, run.start, dot
        # (Without its protocol, a domain cannot start on "http": a ":" ends that label.)
        position = max(run.start, self.searched_from + 1 if self.matches else 0)
        if position == 0:
            # At the very start, group 1 first tries to take text[0]; only then may ``^``
            # leave it empty.
            if run.last_useful > 1 and self._may_start(1):
                dot, _ = run.domain_end_dot(1)
                if dot >= 0:
                    return 1, 1, dot
            dot, _ = run.domain_end_dot(0)
            if dot >= 0:
                return 0, 0, dot
            position = 1
        while position < run.last_useful:
            dot, following = run.domain_end_dot(position)
            if dot < 0:
                position = following
            elif self._may_start(position):
                return position, position, dot
            else:
                position += 1
        return None

    def _record(self, position: int, domain_start: int, dot: int) -> None:
        text = self.text
        domain_end = self.tld_ends[dot]
        tail = self.patterns.tail.match(text, domain_end)
        assert tail is not None  # every part of the tail is optional
        self.matches.append(
            _Raw(
                before=text[position - 1] if position else "",
                start=position,
                end=tail.end(),
                protocol=text[position:domain_start],
                domain=text[domain_start:domain_end],
                path=tail.group(2) or "",
            )
        )
        self.searched_from = tail.end()


def _ascii_domains(domain: str) -> list[tuple[int, int]]:
    """``finditer`` of ``(?:[-a-z0-9…]+\\.)+tld_or_puny`` over ``domain``, in linear time: the
    same reasoning as for whole domains, with one kind of label."""
    dots = [m.start() for m in re.finditer(r"\.", domain)]
    if not dots:
        return []
    label_char = _patterns().ascii_label_char
    tld_ends = _tld_ends(domain)
    count = len(dots)
    # last_bad[k]: the last character before dots[k], after the previous dot, that no label
    # may hold (-1 when none).
    last_bad = [-1] * count
    previous = 0
    for k, dot in enumerate(dots):
        for i in range(dot - 1, previous - 1, -1):
            if label_char.fullmatch(domain[i]) is None:
                last_bad[k] = i
                break
        previous = dot + 1
    # deepest[k]: the last dot of the chain of labels from dots[k] on (itself included) that
    # a top-level domain follows, or -1.
    deepest = [-1] * count
    for k in range(count - 1, -1, -1):
        if k + 1 < count and dots[k] + 1 < dots[k + 1] and last_bad[k + 1] <= dots[k]:
            deepest[k] = deepest[k + 1]
        if deepest[k] < 0 and dots[k] in tld_ends:
            deepest[k] = dots[k]
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(domain):
        k = bisect_left(dots, position)
        if k == count:
            break
        if dots[k] == position:  # an empty label
            position += 1
        elif last_bad[k] >= position:
            position = last_bad[k] + 1
        elif deepest[k] < 0:
            position = dots[k] + 1
        else:
            end = tld_ends[deepest[k]]
            spans.append((position, end))
            position = end
    return spans


def extract_urls(text: str, *, without_protocol: bool = True) -> list[UrlSpan]:
    """Every link of ``text`` with its [start, end) offsets, in order."""
    tco = _patterns().tco
    spans: list[UrlSpan] = []
    for match in _Scan(text).run():
        before, url, protocol, domain, path = (
            match.before,
            text[match.start : match.end],
            match.protocol,
            match.domain,
            match.path,
        )
        start, end = match.start, match.end
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
        for sub_start, sub_end in _ascii_domains(domain):
            found.append(
                UrlSpan(domain[sub_start:sub_end], start + sub_start, start + sub_end, False)
            )
        if not found:
            continue
        if path:
            last = found[-1]
            found[-1] = UrlSpan(text[last.start : end], last.start, end, False)
        spans.extend(found)
    return spans
