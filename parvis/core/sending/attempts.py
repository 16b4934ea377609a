"""The attempt log's clock: when an attempt started (wall time, stored) and how long it took
(monotonic, so a clock change during a call cannot make a negative duration)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone


@dataclass(frozen=True)
class Stopwatch:
    started_at: datetime = field(default_factory=timezone.now)
    started: float = field(default_factory=time.monotonic)

    def duration_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)
