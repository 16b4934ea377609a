"""Local wall-clock times to UTC instants, honest about DST. Pure: no Django models.

A time typed in the organisation's zone can be missing (spring forward: Europe/Paris has no
02:30 on 2026-03-29) or happen twice (fall back: 02:30 on 2026-10-25 is 00:30 UTC *and*
01:30 UTC). We never guess: :func:`local_to_utc` raises :class:`LocalTimeProblem` with the valid
choices, and the caller passes ``fold`` (0 = first occurrence, 1 = second) to pick one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Choice:
    """One valid instant to offer instead of the one typed."""

    utc: datetime
    local: datetime  # aware, in the zone, with the right fold
    fold: int | None  # what to send back to pick this choice (None: plain local time)

    @property
    def label(self) -> str:
        offset = self.local.utcoffset() or timedelta(0)
        hours = int(offset.total_seconds() // 3600)
        return f"{self.local:%d/%m/%Y %H:%M} (UTC{hours:+d})"


class LocalTimeProblem(ValueError):
    """``code`` is ``nonexistent``, ``ambiguous`` or ``past``; ``choices`` are valid instants.

    Pure code carries no wording: the service turns the code into a translated sentence.
    """

    def __init__(self, code: str, local: datetime, choices: Sequence[Choice] = ()) -> None:
        super().__init__(f"{code}: {local:%Y-%m-%d %H:%M}")
        self.code = code
        self.local = local
        self.choices = tuple(choices)


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def _is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    first = local.replace(tzinfo=zone, fold=0).utcoffset()
    second = local.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second


def local_to_utc(
    local: datetime,
    zone: ZoneInfo,
    *,
    fold: int | None = None,
    now: datetime | None = None,
) -> datetime:
    """The UTC instant of the naive wall-clock ``local`` in ``zone``.

    Raises :class:`LocalTimeProblem` when the time does not exist, is ambiguous and ``fold``
    is None, or (when ``now`` is given) is not in the future.
    """
    local = local.replace(tzinfo=None, second=0, microsecond=0)
    if not _exists(local, zone):
        # Read with the offset before, then after the gap: one hour earlier, one hour later.
        readings = {local.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}
        choices = [Choice(r, r.astimezone(zone), None) for r in sorted(readings)]
        raise LocalTimeProblem("nonexistent", local, choices)
    if _is_ambiguous(local, zone) and fold is None:
        doubled = [local.replace(tzinfo=zone, fold=f) for f in (0, 1)]
        choices = [Choice(r.astimezone(UTC), r, r.fold) for r in doubled]
        raise LocalTimeProblem("ambiguous", local, choices)
    instant = local.replace(tzinfo=zone, fold=fold or 0).astimezone(UTC)
    if now is not None and instant <= now:
        raise LocalTimeProblem("past", local)
    return instant


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone)


def slot_instants(
    slots: Iterable[tuple[int, time]], zone: ZoneInfo, *, after: datetime, weeks: int = 8
) -> list[datetime]:
    """UTC instants of weekly ``(weekday, local time)`` slots strictly after ``after``, sorted.

    A slot that falls in a DST gap that day is skipped; one that happens twice uses its first
    occurrence (the one people expect from "every Sunday at 02:30").
    """
    start = after.astimezone(zone).date()
    found: list[datetime] = []
    slot_list = list(slots)
    for offset in range(weeks * 7 + 1):
        day = start + timedelta(days=offset)
        for weekday, at in slot_list:
            if day.weekday() != weekday:
                continue
            local = datetime.combine(day, at)
            if not _exists(local, zone):
                continue
            instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
            if instant > after:
                found.append(instant)
    return sorted(found)


# Benchmark defaults when an account has too little history: weekday mornings and lunch breaks,
# the hours B2B audiences of French SMEs read their feeds (local time, Monday = 0).
DEFAULT_BEST_SLOTS: tuple[tuple[int, time], ...] = (
    (1, time(9, 0)),
    (2, time(12, 30)),
    (3, time(9, 0)),
    (1, time(17, 30)),
    (3, time(12, 30)),
    (0, time(9, 30)),
    (4, time(11, 0)),
)
MIN_HISTORY = 10


def best_hours(history: Iterable[tuple[datetime, int]], zone: ZoneInfo) -> list[tuple[int, time]]:
    """(weekday, hour) buckets ordered by mean engagement, from ``(published_at, engagement)``.

    Returns the benchmark defaults when fewer than :data:`MIN_HISTORY` posts are known.
    """
    buckets: dict[tuple[int, int], list[int]] = {}
    count = 0
    for published_at, engagement in history:
        local = published_at.astimezone(zone)
        buckets.setdefault((local.weekday(), local.hour), []).append(engagement)
        count += 1
    if count < MIN_HISTORY:
        return list(DEFAULT_BEST_SLOTS)
    ranked = sorted(buckets.items(), key=lambda item: -sum(item[1]) / len(item[1]))
    return [(weekday, time(hour, 0)) for (weekday, hour), _values in ranked]
