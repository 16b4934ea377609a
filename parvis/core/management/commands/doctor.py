"""`parvis doctor`: every health check plus the configuration and the encryption keys, in plain
words, with every detail (`/healthz` gives anonymous callers only up/down)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from parvis.core.health import Check, run_health_checks
from parvis.core.keycheck import DOCTOR_SAMPLE, doctor_lines, key_census
from parvis.core.models import Heartbeat
from parvis.core.tasks import ping_task


def configuration_notes() -> list[tuple[bool, str]]:
    """(ok, sentence) pairs about settings an operator should know about."""
    notes: list[tuple[bool, str]] = []
    mode = _("embedded (SQLite, file broker under var/)") if settings.EMBEDDED else _("scaled")
    notes.append((True, _("Mode: %(mode)s.") % {"mode": mode}))
    notes.append((True, _("Data folder: %(folder)s.") % {"folder": settings.VAR_DIR}))
    notes.append((True, _("Public address: %(url)s.") % {"url": settings.PUBLIC_BASE_URL}))
    if settings.PRODUCTION:
        if not settings.PUBLIC_BASE_URL.startswith("https://"):
            notes.append(
                (False, _("PARVIS_PUBLIC_BASE_URL should start with https:// in production."))
            )
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            notes.append(
                (False, _("EMAIL_URL is not set: invitations and resets are not e-mailed."))
            )
    elif settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        notes.append((True, _("E-mails are printed on the console (set EMAIL_URL to send them).")))
    if settings.DEBUG:
        notes.append((False, _("PARVIS_DEBUG is on: never in production.")))
    return notes


def key_notes() -> list[tuple[bool, str]]:
    """Which configured key decrypts a sample of each encrypted column, which key is missing,
    which is unused (see ``parvis.core.keycheck``)."""
    try:
        census = key_census(limit=DOCTOR_SAMPLE)
    except DatabaseError:
        return [(False, _("Encryption keys: not checked, the database cannot be read."))]
    return doctor_lines(census)


class Command(BaseCommand):
    help = "Check the database, the broker, the worker, the scheduler and the configuration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--roundtrip",
            action="store_true",
            help="Also send a task through the broker and wait for a worker to run it.",
        )

    def handle(self, *args: Any, roundtrip: bool = False, **options: Any) -> None:
        report = run_health_checks()
        checks = list(report.checks)
        if roundtrip:
            checks.append(task_roundtrip())
        for check in checks:
            mark = self.style.SUCCESS("ok  ") if check.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        for ok, sentence in configuration_notes():
            mark = self.style.SUCCESS("ok  ") if ok else self.style.WARNING("warn")
            self.stdout.write(f"{mark} {sentence}")
        keys = key_notes()
        for ok, sentence in keys:
            mark = self.style.SUCCESS("ok  ") if ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {sentence}")
        processes_ok = all(check.ok for check in checks)
        if not processes_ok:
            self.stdout.write(
                _(
                    "Start what is missing: `make run` (embedded) or `parvis worker` and "
                    "`parvis scheduler` (scaled). docs/deploy.md explains each setting."
                )
            )
        if not processes_ok or not all(ok for ok, _sentence in keys):
            raise SystemExit(1)


def task_roundtrip(timeout_s: float = 15.0) -> Check:
    """Enqueue ``core.ping`` and wait until a worker has written its row."""
    token = secrets.token_hex(6)
    started = time.monotonic()
    ping_task.delay(token)
    while time.monotonic() - started < timeout_s:
        if Heartbeat.objects.filter(name=f"ping:{token}").exists():
            Heartbeat.objects.filter(name=f"ping:{token}").delete()
            elapsed = time.monotonic() - started
            return Check(
                "task roundtrip",
                ok=True,
                detail=_("a worker ran a task in %(seconds).1f s") % {"seconds": elapsed},
            )
        time.sleep(0.2)
    return Check(
        "task roundtrip",
        ok=False,
        detail=_("no worker ran the task within %(seconds)d s") % {"seconds": round(timeout_s)},
    )
