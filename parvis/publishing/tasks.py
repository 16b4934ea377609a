"""Publishing tasks: thin, loaded by id, safe to run twice (claims are compare-and-set)."""

from __future__ import annotations

import time

from django.conf import settings

from parvis.celery import app
from parvis.publishing import dispatcher
from parvis.publishing.recurring import evergreen_recycle
from parvis.publishing.watchdog import watchdog_check

# A sweep stops claiming after this long so it ends well inside its time limit.
SWEEP_BUDGET_S = 40


@app.task(name="publishing.dispatch_due", ignore_result=True, time_limit=180, soft_time_limit=150)
def dispatch_due_task() -> None:
    """The beat sweep: release targets whose account came back, then publish what is due."""
    dispatcher.release_held()
    started = time.monotonic()
    batch = int(settings.PUBLISHING["BATCH"])
    while time.monotonic() - started < SWEEP_BUDGET_S:
        outcomes = dispatcher.dispatch_batch(limit=batch)
        if not outcomes:
            return


@app.task(name="publishing.publish_target", ignore_result=True, time_limit=180, soft_time_limit=150)
def publish_target_task(target_id: int) -> None:
    """Enqueued at schedule time with ETA = due time; a no-op when the sweep got there first."""
    dispatcher.dispatch_batch(limit=1, target_ids=[target_id])


@app.task(name="publishing.watchdog", ignore_result=True, time_limit=60, soft_time_limit=50)
def watchdog_task() -> None:
    watchdog_check()


@app.task(name="publishing.recycle_evergreen", ignore_result=True, time_limit=300)
def recycle_evergreen_task() -> None:
    evergreen_recycle()
