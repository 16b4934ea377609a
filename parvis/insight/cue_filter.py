"""A cheap, exact pre-check for the cue patterns: which cues cannot match a text.

Running the ~34 cue expressions on every message was half of :func:`prepare`'s time, while a
message matches few of them. Every match of ``\\b(devis|quote)\\b`` contains ``devis`` or
``quote``: :func:`required_pieces` reads such literal pieces out of a compiled pattern (one of
which *every* match contains), and a cue none of whose pieces is in the text is skipped
without running its expression (a substring test is much cheaper than a regular expression
search). The result is the same as running every expression: the pre-check only ever skips a
pattern that could not match. A pattern whose pieces cannot be read (case-insensitive, or a
branch without a literal run of two characters) is always run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

MIN_PIECE = 2  # a single character would let almost every text through
_LITERAL = sre_constants.LITERAL
_SUBPATTERN = sre_constants.SUBPATTERN
_BRANCH = sre_constants.BRANCH


def required_pieces(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal strings of which every match of ``pattern`` contains at least one, or None when
    they cannot be read from it (the pattern must then always run)."""
    if pattern.flags & re.IGNORECASE:
        return None
    found = _sequence(sre_parser.parse(pattern.pattern, pattern.flags))
    if found is None:
        return None
    # A piece that contains another is redundant: "acheter" is in a text only if "achete" is.
    return tuple(sorted(p for p in found if not any(q != p and q in p for q in found)))


def _sequence(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """Every literal run of the sequence, mandatory group and alternation whose branches all
    have pieces is a valid answer; the most selective one (longest shortest piece) is kept."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, argument in items:
        if op is _LITERAL:
            run.append(chr(argument))
            continue
        if len(run) >= MIN_PIECE:
            options.append({"".join(run)})
        run = []
        if op is _SUBPATTERN:
            _group, add_flags, del_flags, inner = argument
            found = None if add_flags or del_flags else _sequence(inner)
            if found is not None:
                options.append(found)
        elif op is _BRANCH:
            union: set[str] = set()
            for branch in argument[1]:
                found = _sequence(branch)
                if found is None:
                    break
                union |= found
            else:
                options.append(union)
        # Anything else (a boundary, a class, a repeat, an optional part) ends the literal run;
        # what follows is still part of every match, so the scan goes on.
    if len(run) >= MIN_PIECE:
        options.append({"".join(run)})
    if not options:
        return None
    return max(options, key=lambda option: (min(map(len, option)), -len(option)))
