"""The Celery application and the one place where periodic jobs are declared.

Embedded mode uses Kombu's filesystem transport under ``var/broker``; scaled mode uses
``BROKER_URL`` (Redis or RabbitMQ). Tasks live in each app's ``tasks.py``, are thin (load by id,
call a service) and safe to run twice.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from celery import Celery, bootsteps
from celery.beat import PersistentScheduler
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

app = Celery("parvis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,  # a task whose worker dies mid-way is delivered again
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    timezone="UTC",
)
app.autodiscover_tasks()

# Periodic jobs, all of them. Each entry names a task by its explicit name.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Embedded mode: SQLite's planner statistics, refreshed nightly (PostgreSQL: autovacuum).
    "core-sqlite-optimize": {
        "task": "core.sqlite_optimize",
        "schedule": crontab(hour="4", minute="10"),
    },
    # Tokens that expire within 30 minutes are refreshed (X access tokens live 2 hours).
    "networks-refresh-due-tokens": {"task": "networks.refresh_due_tokens", "schedule": 300.0},
    # Publishing: the due-post sweep (near-due posts also get their own ETA task), the
    # stalled-dispatch watchdog, and evergreen recycling.
    "publishing-dispatch": {"task": "publishing.dispatch_due", "schedule": 5.0},
    "publishing-watchdog": {"task": "publishing.watchdog", "schedule": 30.0},
    "publishing-evergreen": {"task": "publishing.recycle_evergreen", "schedule": 3600.0},
    # Publishing: the engagement of recent posts, which « best time » learns from.
    "publishing-engagement": {"task": "publishing.collect_engagement", "schedule": 3600.0},
    # Inbox: read every connected account, start backfills, process webhook deliveries.
    "inbox-poll": {"task": "inbox.poll_all", "schedule": float(settings.INBOX_POLL_INTERVAL_S)},
    # Inbox: each member's digest of what waits for them, once a day in their organisation's
    # morning (looked for every quarter of an hour; a delivery row makes it go out once).
    "inbox-digest": {"task": "inbox.digest_due", "schedule": crontab(minute="*/15")},
    # Strategy: the alignment score follows new posts and replies (a few queries per
    # organisation; it is computed again only when something happened since the last score).
    "strategy-alignment": {
        "task": "strategy.recompute_alignment",
        "schedule": float(settings.ALIGNMENT_INTERVAL_S),
    },
    # Privacy: organisations whose deletion delay has run out are deleted (each claimed once);
    # raw webhook payloads go once processed; old inbox messages and activity log every night.
    "privacy-deletions": {"task": "privacy.deletions_due", "schedule": crontab(minute="*/15")},
    "privacy-webhook-purge": {"task": "privacy.webhook_events_purge", "schedule": 3600.0},
    "privacy-retention": {
        "task": "privacy.retention_purge",
        "schedule": crontab(hour="3", minute="40"),
    },
    # Watch (« Veille »): collect every organisation's sources within per-network budgets;
    # items older than each organisation's retention go every night.
    "watch-collect": {"task": "watch.collect_all", "schedule": float(settings.WATCH_INTERVAL_S)},
    "watch-purge": {"task": "watch.purge", "schedule": crontab(hour="3", minute="55")},
    # Alert e-mails held back by the quiet hours leave when they end.
    "watch-alerts-mail": {"task": "watch.alerts_mail", "schedule": 300.0},
    # The Monday digest: hourly, each organisation's is sent in its own Monday morning.
    "watch-digest": {"task": "watch.digest_due", "schedule": crontab(minute="5")},
}
app.conf.beat_schedule = BEAT_SCHEDULE


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Write the worker's heartbeat from its own timer, so /healthz sees a dead worker at once."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        # Imported here: this module is loaded before Django's apps (``celery -A``, web.apps),
        # and the heartbeat writes a model.
        from parvis.core.heartbeat import heartbeat_beat

        name = f"worker:{worker.hostname or socket.gethostname()}"
        heartbeat_beat(name=name, kind="worker")
        self.tref = worker.timer.call_repeatedly(
            settings.HEARTBEAT_INTERVAL_S, heartbeat_beat, kwargs={"name": name, "kind": "worker"}
        )

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()


app.steps["worker"].add(WorkerHeartbeat)


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's scheduler, plus a heartbeat row at every tick (at most every few seconds)."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        # Imported here: see WorkerHeartbeat.start.
        from parvis.core.heartbeat import heartbeat_beat

        heartbeat_beat(name=f"scheduler:{socket.gethostname()}", kind="scheduler")
        delay: float = super().tick(*args, **kwargs)
        return min(delay, float(settings.HEARTBEAT_INTERVAL_S))
