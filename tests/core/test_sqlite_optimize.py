"""The nightly refresh of SQLite's planner statistics (embedded mode)."""

from __future__ import annotations

import pytest
from django.db import connection

from parvis.core.tasks import sqlite_optimize_task
from tests.conftest import Cast


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: autovacuum elsewhere")
def test_the_planner_statistics_exist_after_the_task(cast: Cast) -> None:
    sqlite_optimize_task()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        assert cursor.fetchone()[0] > 0


def test_the_task_is_scheduled_nightly() -> None:
    from parvis.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["core-sqlite-optimize"]["task"] == "core.sqlite_optimize"
