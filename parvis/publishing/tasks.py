"""Publishing tasks: thin, loaded by id, safe to run twice (claims are compare-and-set)."""

from __future__ import annotations

import time

from django.conf import settings

from parvis.celery import app
from parvis.core.heartbeat import heartbeat_alive
from parvis.publishing import dispatcher
from parvis.publishing.recurring import evergreen_recycle
from parvis.publishing.watchdog import watchdog_check

# A sweep stops claiming after this long so it ends well inside its time limit.
SWEEP_BUDGET_S = 40
# A publish may last as long as a worker keeps its lease (a long video upload, the lease renewed
# meanwhile); the task's limits must not kill it sooner, or the upload starts over elsewhere.
MAX_HOLD_S = int(settings.PUBLISHING.get("MAX_HOLD_S", dispatcher.DEFAULT_MAX_HOLD_S))
PUBLISH_TIME_LIMIT_S = max(180, MAX_HOLD_S + SWEEP_BUDGET_S + 60)


@app.task(
    name="publishing.dispatch_due",
    ignore_result=True,
    time_limit=PUBLISH_TIME_LIMIT_S,
    soft_time_limit=PUBLISH_TIME_LIMIT_S - 30,
)
def dispatch_due_task() -> None:
    """The beat sweep: release targets whose account came back, then — only when no
    ``parvis dispatcher`` is alive — publish what is due. A sweep publishes its batch one post
    after the other: next to a live dispatcher it would only make the last ones late."""
    dispatcher.release_held()
    if heartbeat_alive("dispatcher"):
        return
    started = time.monotonic()
    batch = int(settings.PUBLISHING["BATCH"])
    while time.monotonic() - started < SWEEP_BUDGET_S:
        outcomes = dispatcher.dispatch_batch(limit=batch)
        if not outcomes:
            return


@app.task(name="publishing.watchdog", ignore_result=True, time_limit=60, soft_time_limit=50)
def watchdog_task() -> None:
    watchdog_check()


@app.task(name="publishing.recycle_evergreen", ignore_result=True, time_limit=300)
def recycle_evergreen_task() -> None:
    evergreen_recycle()


@app.task(name="publishing.collect_engagement", ignore_result=True, time_limit=60, expires=3000)
def collect_engagement_task() -> None:
    """Hourly: one task per account whose posts of the last 30 days have counters to read."""
    from parvis.publishing.metrics import accounts_with_recent_posts

    for account_id in accounts_with_recent_posts():
        collect_account_engagement_task.delay(account_id)


@app.task(
    name="publishing.collect_account_engagement",
    ignore_result=True,
    time_limit=240,
    soft_time_limit=200,
    expires=3000,
)
def collect_account_engagement_task(account_id: int) -> None:
    from parvis.networks.models import SocialAccount
    from parvis.publishing.metrics import engagement_collect

    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is not None:
        engagement_collect(account=account)
