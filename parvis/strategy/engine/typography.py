"""French typography for user-facing text: no-break spaces where French puts them.

Source strings are written with ordinary spaces (readable in code review); every dataclass
that carries user-facing text passes it through :func:`french` once, at construction.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"

_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»])")
_AFTER_OPENING_QUOTE = re.compile(r"« ")


def french(text: str) -> str:
    """Replace the ordinary space before « : ; ? ! » » and after « « » by a no-break space.

    Idempotent; leaves times (``08:30``) and URLs alone since they have no space before ``:``.
    """
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text)
    return _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)


def plural(count: float, singular: str, plural_form: str) -> str:
    """French agreement: singular below 2 (``0,5 publication``, ``1 publication``)."""
    return singular if abs(count) < 2 else plural_form


def per_week(minutes: int) -> str:
    """``90 minutes par semaine``, with French agreement (``0 minute par semaine``)."""
    return f"{minutes} {plural(minutes, 'minute', 'minutes')} par semaine"


def join_french(items: list[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``; empty string for no item."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]
