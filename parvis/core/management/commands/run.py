"""`parvis run`: web server, one worker, one dispatcher and the scheduler, started and stopped
together."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.core.preflight import preflight_or_exit
from parvis.core.supervisor import Program, Supervisor


class Command(BaseCommand):
    help = (
        "Start Parvis: web server, one Celery worker, the publishing dispatcher and the "
        "scheduler. Ctrl-C stops them all."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PARVIS_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("PARVIS_WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker.")
        parser.add_argument("--no-scheduler", action="store_true", help="Do not start beat.")
        parser.add_argument(
            "--no-dispatcher", action="store_true", help="Do not start the publishing dispatcher."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        preflight_or_exit()
        python = sys.executable
        programs = [
            Program(
                "web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "parvis.wsgi",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["web_workers"]),
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    "-",
                ],
            )
        ]
        if not options["no_worker"]:
            programs.append(Program("worker", [python, "-m", "parvis.cli", "worker"]))
        if not options["no_dispatcher"]:
            programs.append(Program("dispatcher", [python, "-m", "parvis.cli", "dispatcher"]))
        if not options["no_scheduler"]:
            programs.append(Program("scheduler", [python, "-m", "parvis.cli", "scheduler"]))
        self.stdout.write(f"Parvis on http://{options['bind']}/ — Ctrl-C to stop.")
        raise SystemExit(Supervisor(programs).run())
