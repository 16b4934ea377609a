"""French typography for user-facing text: no-break spaces where French puts them.

Source strings are written with ordinary spaces (readable in code review); every French text
the engine builds passes through :func:`french` once, when its :class:`~.text.Text` is made.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
# A narrow no-break space: between thousands in French numbers (``10 000``).
NNBSP = "\u202f"

_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»])")
_AFTER_OPENING_QUOTE = re.compile(r"« ")


def french(text: str) -> str:
    """Replace the ordinary space before « : ; ? ! » » and after « « » by a no-break space.

    Idempotent; leaves times (``08:30``) and URLs alone since they have no space before ``:``.
    """
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text)
    return _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
