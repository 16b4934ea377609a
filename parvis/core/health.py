"""Health of the running installation: database, broker, worker and scheduler heartbeats.

Used by ``/healthz`` (JSON, 503 when anything is down) and by ``parvis doctor`` (plain words).
Each check catches the specific errors its dependency raises and turns them into a red line;
a broken dependency must never turn into a crashed process.

Anyone may call ``/healthz``, so what it tells an anonymous caller is only up or down per
component (:meth:`HealthReport.as_public_dict`); details (engine, errors, addresses, ages) are
for staff and for ``parvis doctor`` (:meth:`HealthReport.as_dict`).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu import Connection
from kombu.exceptions import OperationalError

from parvis.core.models import Heartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    age_s: float | None = None


@dataclass(frozen=True)
class HealthReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, object]:
        """Everything, details included: for staff and the command line only."""
        return {
            "status": "ok" if self.healthy else "error",
            "checks": {check.name: asdict(check) for check in self.checks},
        }

    def as_public_dict(self) -> dict[str, object]:
        """Up or down per component, nothing else: no versions, counts, error texts, hostnames
        or ages for whoever asks."""
        return {
            "status": "ok" if self.healthy else "error",
            "checks": {
                check.name: {"ok": check.ok, "status": "up" if check.ok else "down"}
                for check in self.checks
            },
        }


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connection.close_if_unusable_or_obsolete()
        return Check(
            "database",
            ok=False,
            detail=_("unreachable: %(error)s") % {"error": str(exc).strip()[:200]},
        )
    return Check("database", ok=True, detail=connection.vendor)


def check_broker() -> Check:
    if not settings.BROKER_URL:
        return _check_file_broker(Path(settings.CELERY_BROKER_DIR))
    try:
        with Connection(settings.BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except (TimeoutError, OperationalError, OSError) as exc:
        return Check(
            "broker", ok=False, detail=_("unreachable: %(error)s") % {"error": str(exc)[:200]}
        )
    return Check("broker", ok=True, detail=str(transport))


def _check_file_broker(folder: Path) -> Check:
    queue = folder / "queue"
    try:
        queue.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Check(
            "broker",
            ok=False,
            detail=_("%(folder)s cannot be created: %(error)s")
            % {"folder": queue, "error": exc.strerror},
        )
    if not os.access(queue, os.W_OK):
        return Check("broker", ok=False, detail=_("%(folder)s is not writable") % {"folder": queue})
    return Check("broker", ok=True, detail=f"filesystem ({queue})")


def _heartbeat_check(kind: str, label: str) -> Check:
    try:
        latest: datetime | None = (
            Heartbeat.objects.filter(kind=kind)
            .order_by("-seen_at")
            .values_list("seen_at", flat=True)
            .first()
        )
    except DatabaseError:
        return Check(label, ok=False, detail=_("unknown: the database is unreachable"))
    if latest is None:
        return Check(label, ok=False, detail=_("never seen: is it running?"))
    age = max(0.0, (timezone.now() - latest).total_seconds())
    stale = age > settings.HEARTBEAT_STALE_S
    detail = (
        _("last seen %(age)d s ago, too long ago") if stale else _("last seen %(age)d s ago")
    ) % {"age": round(age)}
    return Check(label, ok=not stale, detail=detail, age_s=round(age, 1))


def run_health_checks() -> HealthReport:
    return HealthReport(
        checks=[
            check_database(),
            check_broker(),
            _heartbeat_check("worker", "worker"),
            _heartbeat_check("scheduler", "scheduler"),
            _heartbeat_check("dispatcher", "dispatcher"),
        ]
    )
