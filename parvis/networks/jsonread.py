"""Defensive reading of the networks' JSON answers and webhook payloads, for every connector.

Networks change shapes, omit fields and send ``null``; a connector must never crash on a
``KeyError`` or a ``TypeError`` over an odd answer. These helpers return an empty value ("",
``{}``, ``None``, the epoch) instead, and the connector decides whether that empty value means
a :class:`~parvis.networks.errors.Transient` error.

Timestamps: every network sends UTC, most with an offset or ``Z``. One without any offset is
read as UTC too — never as the server's local time, which would shift it by the machine's zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

EPOCH = datetime.fromtimestamp(0, UTC)


def nested(item: Any, *keys: str) -> Any:
    """``item[k1][k2]...``; None as soon as a level is missing or not an object."""
    for key in keys:
        item = item.get(key) if isinstance(item, dict) else None
    return item


def text(item: Any, *keys: str) -> str:
    """The string at ``keys`` (``text(comment, "message", "text")``); "" when absent or odd."""
    value = nested(item, *keys)
    return value if isinstance(value, str) else ""


def text_or_number(item: Any, *keys: str) -> str:
    """A string, or an integer written as one (ids that some servers send as numbers)."""
    value = nested(item, *keys)
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def obj(item: Any, *keys: str) -> dict[str, Any]:
    """The object at ``keys``; ``{}`` when absent or not an object."""
    value = nested(item, *keys)
    return value if isinstance(value, dict) else {}


def integer(value: Any) -> int | None:
    """An integer (a JSON ``true`` is not 1); None for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def counters(
    raw: Any, names: Mapping[str, str] | None = None, *, digit_strings: bool = False
) -> dict[str, int]:
    """Integer counters of an object.

    Without ``names``, every integer field (floats such as LinkedIn's ``engagement`` are left
    out); with ``names``, only those fields, renamed (``{"likeCount": "like_count"}``).
    ``digit_strings`` also reads counters sent as decimal strings (YouTube's ``"1234"``).
    """
    if not isinstance(raw, dict):
        return {}
    fields = names if names is not None else {key: key for key in raw if isinstance(key, str)}
    found: dict[str, int] = {}
    for field, name in fields.items():
        value = raw.get(field)
        number = integer(value)
        if number is None and digit_strings and isinstance(value, str) and value.isdigit():
            number = int(value)
        if number is not None:
            found[name] = number
    return found


def parse_time(value: object) -> datetime:
    """An ISO 8601 / RFC 3339 timestamp (``2026-11-26T06:00:00.000Z``, Graph's
    ``2026-11-01T08:00:00+0000``) as aware UTC. Naive is UTC; garbage is the epoch, not a crash."""
    if not isinstance(value, str):
        return EPOCH
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return EPOCH
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def epoch_millis(value: object) -> datetime:
    """Milliseconds since the epoch as UTC; missing or garbage is the epoch, not a crash."""
    number = integer(value)
    if number is None:
        return EPOCH
    try:
        return datetime.fromtimestamp(number / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return EPOCH


def epoch_seconds(value: object) -> datetime:
    """Seconds since the epoch as UTC (an integer or a string of digits); else the epoch."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    number = integer(value)
    if number is None:
        return EPOCH
    try:
        return datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        return EPOCH
