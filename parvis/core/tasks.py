"""Tasks of the shared kernel."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from parvis.core.heartbeat import heartbeat_beat


@shared_task(name="core.ping", ignore_result=True, time_limit=10, soft_time_limit=8, expires=60)
def ping_task(token: str) -> None:
    """Prove web → broker → worker → database works (`parvis doctor --roundtrip`)."""
    heartbeat_beat(name=f"ping:{token}", kind="ping")


@shared_task(name="core.sqlite_optimize", ignore_result=True, time_limit=600, soft_time_limit=540)
def sqlite_optimize_task() -> None:
    """Nightly, embedded mode: refresh SQLite's planner statistics. Without them a store of
    millions of watch items chose plans that made one collection's insert take 35 s instead
    of 0.2 s (``parvis bench watch``); PostgreSQL's autovacuum does this on its own."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # Approximate statistics from about a thousand rows per index: seconds on millions of
        # rows, and all the planner needs to pick the right index.
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
