"""Short forms of a text for titles and lists."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut between two words (a title that
    ends in « travaill » reads as a typo) and ended with an ellipsis when something was left out.
    A single word longer than the limit is cut where it must be."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ELLIPSIS)]
    ends_a_word = flat[len(cut)] == " "
    space = cut.rfind(" ")
    if not ends_a_word and space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.!?-–—") + ELLIPSIS
