"""Publishing tasks: thin, loaded by id, safe to run twice (claims are compare-and-set)."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from parvis.core.heartbeat import heartbeat_alive
from parvis.networks.models import SocialAccount
from parvis.publishing.config import DEFAULT_MAX_HOLD_S
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.metrics import accounts_with_recent_posts, engagement_collect
from parvis.publishing.recurring import evergreen_recycle
from parvis.publishing.settle import release_held
from parvis.publishing.watchdog import watchdog_check

# A sweep stops claiming after this long so it ends well inside its time limit.
SWEEP_BUDGET_S = 40
# A publish may last as long as a worker keeps its lease (a long video upload, the lease renewed
# meanwhile); the task's limits must not kill it sooner, or the upload starts over elsewhere.
MAX_HOLD_S = int(settings.PUBLISHING.get("MAX_HOLD_S", DEFAULT_MAX_HOLD_S))
PUBLISH_TIME_LIMIT_S = max(180, MAX_HOLD_S + SWEEP_BUDGET_S + 60)


@shared_task(
    name="publishing.dispatch_due",
    ignore_result=True,
    time_limit=PUBLISH_TIME_LIMIT_S,
    soft_time_limit=PUBLISH_TIME_LIMIT_S - 30,
)
def dispatch_due_task() -> None:
    """The beat sweep: release targets whose account came back, then — only when no
    ``parvis dispatcher`` is alive — publish what is due. A sweep publishes its batch one post
    after the other: next to a live dispatcher it would only make the last ones late."""
    release_held()
    if heartbeat_alive("dispatcher"):
        return
    started = time.monotonic()
    batch = int(settings.PUBLISHING["BATCH"])
    while time.monotonic() - started < SWEEP_BUDGET_S:
        outcomes = dispatch_batch(limit=batch)
        if not outcomes:
            return


@shared_task(name="publishing.watchdog", ignore_result=True, time_limit=60, soft_time_limit=50)
def watchdog_task() -> None:
    watchdog_check()


@shared_task(name="publishing.recycle_evergreen", ignore_result=True, time_limit=300)
def recycle_evergreen_task() -> None:
    evergreen_recycle()


@shared_task(name="publishing.collect_engagement", ignore_result=True, time_limit=60, expires=3000)
def collect_engagement_task() -> None:
    """Hourly: one task per account whose posts of the last 30 days have counters to read."""
    for account_id in accounts_with_recent_posts():
        collect_account_engagement_task.delay(account_id)


@shared_task(
    name="publishing.collect_account_engagement",
    ignore_result=True,
    time_limit=240,
    soft_time_limit=200,
    expires=3000,
)
def collect_account_engagement_task(account_id: int) -> None:
    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is not None:
        engagement_collect(account=account)
