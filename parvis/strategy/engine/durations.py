"""Durations as people type them: « 3h », « 1 h 30 », « 90 min », « 1,5 h », « 2 heures ».

The diagnostic asks for the time a week the company can spend; a bakery owner thinks in hours
and writes them in many ways. :func:`parse_duration` turns the text into whole minutes or
raises :class:`DurationError` with a message in both languages; :func:`format_duration`
writes minutes back the French way (« 1 h 30 »), so what is shown can be typed again.

A number without a unit counts in hours: the question asks for a time a week and shows « h »
beside the field, and an hour is what a leader means by « 3 ».
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from parvis.strategy.engine.text import Text, format_number
from parvis.strategy.engine.typography import NBSP

_HOURS = r"(?:h|hr|hrs|heures?|hours?)"
_MINUTES = r"(?:m|mn|min|mins|minutes?)"
_NUMBER = r"\d+(?:[.,]\d+)?"
# One pass over the normalised text (lower case, single spaces): linear in its length.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # « 1 h 30 », « 1h30 », « 1 h 30 min », « 1 heure 30 minutes »
    (re.compile(rf"^(?P<h>\d+) ?{_HOURS} ?(?P<m>\d{{1,2}}) ?(?:{_MINUTES})?$"), "hm"),
    # « 3h », « 1,5 h », « 2 heures »
    (re.compile(rf"^(?P<h>{_NUMBER}) ?{_HOURS}$"), "h"),
    # « 90 min », « 45 minutes »
    (re.compile(rf"^(?P<m>{_NUMBER}) ?{_MINUTES}$"), "m"),
    # « 3 », « 2,5 »: hours (see the module's docstring)
    (re.compile(rf"^(?P<h>{_NUMBER})$"), "h"),
)
# Anything longer is not a duration someone typed; it is refused before any matching.
MAX_INPUT_LENGTH = 40

MSG_NOT_A_DURATION = Text(
    "Indiquez une durée, par exemple « 3\u00a0h », « 1\u00a0h\u00a030 » ou « 90\u00a0min ».",
    "Enter a duration, for example “3 h”, “1 h 30” or “90 min”.",
)
MSG_MINUTES_OVER_59 = Text(
    "Après les heures, indiquez moins de 60\u00a0minutes (par exemple « 1\u00a0h\u00a030 »).",
    "After the hours, give fewer than 60 minutes (for example “1 h 30”).",
)


class DurationError(ValueError):
    """The text is not a duration; ``message`` says why, in both languages."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.fr)
        self.message = message


def _decimal(raw: str) -> Decimal:
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        raise DurationError(MSG_NOT_A_DURATION) from None


def parse_duration(text: str) -> int:
    """Whole minutes for ``text``; raises :class:`DurationError` when it is not a duration.

    Fractions of a minute are rounded to the nearest minute (« 1,33 h » = 80 minutes).
    """
    cleaned = text.replace(NBSP, " ").replace("\u202f", " ").strip().lower()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not cleaned or len(cleaned) > MAX_INPUT_LENGTH:
        raise DurationError(MSG_NOT_A_DURATION)
    for pattern, shape in _PATTERNS:
        match = pattern.match(cleaned)
        if match is None:
            continue
        if shape == "hm":
            minutes = int(match["m"])
            if minutes >= 60:
                raise DurationError(MSG_MINUTES_OVER_59)
            return int(match["h"]) * 60 + minutes
        if shape == "h":
            return int((_decimal(match["h"]) * 60).to_integral_value())
        return int(_decimal(match["m"]).to_integral_value())
    raise DurationError(MSG_NOT_A_DURATION)


def format_duration(minutes: int) -> Text:
    """« 3 h », « 1 h 30 », « 45 min » (French) / "3 h", "1 h 30", "45 min" (English)."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours == 0:
        fr, en = f"{rest}{NBSP}min", f"{rest} min"
    elif rest == 0:
        fr, en = f"{format_number(hours, 'fr')}{NBSP}h", f"{format_number(hours, 'en')} h"
    else:
        fr, en = f"{hours}{NBSP}h{NBSP}{rest:02d}", f"{hours} h {rest:02d}"
    return Text(fr, en)
