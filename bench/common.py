"""What the database benchmarks share: a throw-away database, percentiles, timing, output.

``parvis bench inbox`` and ``parvis bench watch`` both build a fresh SQLite database in a
temporary folder (or reuse ``--dir``), or point Django at ``--database-url`` for PostgreSQL,
then time selectors the pages use and print the figures as a table or one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="PostgreSQL for --mode postgres")
    parser.add_argument("--dir", default="", help="keep the SQLite database in this folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def setup_django(
    args: argparse.Namespace, *, prefix: str, env: Mapping[str, str] | None = None
) -> Path | None:
    """Point Django at the benchmark's database, then start it and migrate. Returns a folder
    to delete at the end (None when the database is kept: ``--dir`` or PostgreSQL)."""
    cleanup = None
    os.environ.update(env or {})
    if args.mode == "postgres":
        url = args.database_url or os.environ.get("DATABASE_URL", "")
        if not url:
            raise SystemExit("--mode postgres needs --database-url or DATABASE_URL")
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("PARVIS_VAR_DIR", tempfile.mkdtemp(prefix="parvis-bench-var-"))
    else:
        os.environ.pop("DATABASE_URL", None)
        if args.dir:
            folder = Path(args.dir)
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(tempfile.mkdtemp(prefix=prefix))
            cleanup = folder
        os.environ["PARVIS_VAR_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "parvis.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return cleanup


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0–1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_ms(calls: list[Callable[[], object]]) -> list[float]:
    """Milliseconds each call took, in order."""
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def summary(name: str, timings: list[float]) -> dict[str, float]:
    """``<name>_p50_ms`` and ``<name>_p95_ms``, rounded to 0.01 ms."""
    return {
        f"{name}_p50_ms": round(statistics.median(timings), 2),
        f"{name}_p95_ms": round(percentile(timings, 0.95), 2),
    }


def analyse_tables() -> None:
    """Refresh the planner's statistics after a bulk fill, as autovacuum or a DBA would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def report(figures: Mapping[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
