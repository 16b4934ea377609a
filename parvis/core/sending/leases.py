"""Lease renewal: a process keeps alive the claims it is still working on.

A claimed row carries a lease (``claimed_until``); a worker killed mid-call loses it and
another worker takes over. A worker that is alive and busy — a long video upload, a slow CRM —
must not lose it, so each process runs **one** renewal thread per kind that extends, in a single
``UPDATE`` every third of the lease, the lease of every row its threads hold. One thread and
one query per beat whatever the number of rows in flight: a thread per send would open a
database connection each (measured: a 4-process publishing benchmark ran out of PostgreSQL's
100 connections).

Only rows that still carry one of this process's claim tokens are touched: renewal never
revives a lease another worker took over. A row held longer than ``max_hold`` is no longer
renewed: a call hung that long is handed over, and the new owner looks the thing up before
sending anything. If the process dies, the thread dies with it and the leases run out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, models
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass
class _Held:
    token: str
    since: float  # time.monotonic() when the send started
    warned: bool = False


class LeaseRenewer:
    """Renews the leases of the ``model`` rows (status ``live_status`` while claimed) held in
    this process (see the module's docstring)."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        live_status: str,
        lease: timedelta,
        max_hold: timedelta,
        every: float | None = None,
    ) -> None:
        self.model = model
        self.live_status = live_status
        self.lease = lease
        self.max_hold = max_hold
        self.every = every if every is not None else max(0.05, lease.total_seconds() / 3)
        self._held: dict[int, _Held] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @contextmanager
    def holding(self, pk: int, token: str) -> Iterator[None]:
        """Keep row ``pk``'s lease (claimed with ``token``) alive while the block runs."""
        with self._lock:
            self._held[pk] = _Held(token=token, since=time.monotonic())
            self._start()
        try:
            yield
        finally:
            with self._lock:
                held = self._held.get(pk)
                if held is not None and held.token == token:
                    del self._held[pk]

    def renew(self, now: datetime | None = None) -> int:
        """Extend now the leases still ours and held for less than ``max_hold``; returns how
        many rows were extended (a row finished or taken over meanwhile is not)."""
        cutoff = time.monotonic() - self.max_hold.total_seconds()
        with self._lock:
            live: dict[int, str] = {}
            for pk, held in self._held.items():
                if held.since >= cutoff:
                    live[pk] = held.token
                elif not held.warned:
                    held.warned = True
                    log.warning("lease no longer renewed", extra={"row": pk})
        if not live:
            return 0
        # Our tokens are unique per claim: a row in ``live`` whose token is one of ours is a
        # claim of this process, whichever of our threads holds it.
        return self.model._default_manager.filter(
            pk__in=live, claim_token__in=set(live.values()), status=self.live_status
        ).update(claimed_until=(now or timezone.now()) + self.lease)

    def held(self) -> int:
        with self._lock:
            return len(self._held)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="lease-renewer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            if not self.held():
                continue
            try:
                close_old_connections()  # honour CONN_MAX_AGE and health checks in this thread
                self.renew()
            except Exception:  # noqa: BLE001 - a database hiccup: try again next beat
                log.warning("lease renewal failed", exc_info=True)


_renewers: dict[tuple[str, str, timedelta, timedelta], LeaseRenewer] = {}
_renewers_lock = threading.Lock()


def renewer_for(
    *, model: type[models.Model], live_status: str, lease: timedelta, max_hold: timedelta
) -> LeaseRenewer:
    """The process's renewer for this kind and lease length (made on first use)."""
    key = (model._meta.label, live_status, lease, max_hold)
    with _renewers_lock:
        renewer = _renewers.get(key)
        if renewer is None:
            renewer = _renewers[key] = LeaseRenewer(
                model=model, live_status=live_status, lease=lease, max_hold=max_hold
            )
        return renewer
