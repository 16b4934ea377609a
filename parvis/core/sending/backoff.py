"""Backoff schedules: how long to wait before the next attempt, and when to stop trying.

Both schedules answer the same question, :meth:`Backoff.delay`: attempt number ``done``
(1-based, the one that just failed) failed; how long until the next one, or ``None`` when the
budget is spent and the thing is given up. :class:`Exponential` suits machines (publishing
retries within seconds); :class:`Steps` suits what a person waits for in a page (replies: a
minute, five, a quarter of an hour, an hour).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

_JITTER = random.Random()


class Backoff(Protocol):
    def delay(self, done: int) -> timedelta | None:
        """The wait after attempt ``done`` (1-based) failed; None: give up."""


@dataclass(frozen=True)
class Exponential:
    """``base × 2^(done−1)`` seconds, at most ``cap``, with "equal jitter" (half fixed, half
    random) so that the retries of one outage do not stampede together; ``attempts`` tries in
    all."""

    base: float
    cap: float
    attempts: int
    rng: random.Random = field(default=_JITTER, compare=False, repr=False)

    def seconds(self, done: int) -> float:
        delay = min(self.cap, self.base * 2.0 ** max(0, done - 1))
        jitter: float = self.rng.uniform(0, delay / 2)
        return delay / 2 + jitter

    def delay(self, done: int) -> timedelta | None:
        if done >= self.attempts:
            return None
        return timedelta(seconds=self.seconds(done))


@dataclass(frozen=True)
class Steps:
    """A fixed table of waits: after attempt 1 the first, after attempt 2 the second… and
    after the last one, give up (``len(seconds) + 1`` tries in all)."""

    seconds: tuple[float, ...]

    def delay(self, done: int) -> timedelta | None:
        if done < 1 or done > len(self.seconds):
            return None
        return timedelta(seconds=self.seconds[done - 1])
