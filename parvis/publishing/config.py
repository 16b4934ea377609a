"""The dispatcher's knobs (``settings.PUBLISHING``) and the name a worker claims under."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from parvis.core.sending.backoff import Exponential

# A worker keeps renewing a target's lease for at most this long: a call hung beyond it is
# given up to another worker (which looks the post up before sending anything).
DEFAULT_MAX_HOLD_S = 3600
# X and others round ``start_time`` to the second: look a little before the send.
RECONCILE_SLACK = timedelta(seconds=5)


@dataclass(frozen=True)
class Config:
    lease: timedelta
    http_timeout: float
    max_attempts: int
    retry_base: float
    retry_cap: float
    recheck: timedelta
    max_hold: timedelta = timedelta(seconds=DEFAULT_MAX_HOLD_S)

    @classmethod
    def from_settings(cls) -> Config:
        conf = settings.PUBLISHING
        return cls(
            lease=timedelta(seconds=conf["LEASE_S"]),
            http_timeout=float(conf["HTTP_TIMEOUT_S"]),
            max_attempts=int(conf["MAX_ATTEMPTS"]),
            retry_base=float(conf["RETRY_BASE_S"]),
            retry_cap=float(conf["RETRY_CAP_S"]),
            recheck=timedelta(seconds=float(conf["UNCONFIRMED_RECHECK_S"])),
            max_hold=timedelta(seconds=float(conf.get("MAX_HOLD_S", DEFAULT_MAX_HOLD_S))),
        )

    @property
    def backoff(self) -> Exponential:
        """After attempt ``n`` failed: ``retry_base × 2^(n−1)`` s (capped, jittered); the
        ``max_attempts``-th failure is final."""
        return Exponential(base=self.retry_base, cap=self.retry_cap, attempts=self.max_attempts)


def worker_name() -> str:
    return f"{socket.gethostname()}:{threading.get_native_id()}"
