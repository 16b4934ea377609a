"""Inbox tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from parvis.celery import app

log = logging.getLogger("parvis.inbox")


def enqueue_reply(reply_id: int, *, eta: datetime | None = None) -> None:
    if eta is None:
        transaction.on_commit(lambda: reply_send_task.apply_async((reply_id,)))
    else:
        transaction.on_commit(lambda: reply_send_task.apply_async((reply_id,), eta=eta))


def enqueue_backfill(job_id: int, *, countdown: int = 0) -> None:
    backfill_task.apply_async((job_id,), countdown=countdown)


@app.task(name="inbox.reply_send", time_limit=120, soft_time_limit=100)
def reply_send_task(reply_id: int) -> None:
    from parvis.inbox.services import reply_send

    reply_send(reply_id=reply_id)


@app.task(name="inbox.poll_account", time_limit=240, soft_time_limit=200, expires=600)
def poll_account_task(account_id: int) -> None:
    from parvis.inbox.polling import account_poll
    from parvis.networks.models import SocialAccount

    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is not None:
        account_poll(account=account)


@app.task(name="inbox.poll_all", time_limit=60, soft_time_limit=50, expires=240)
def poll_all_task() -> None:
    """Every few minutes (BEAT_SCHEDULE): one poll task per account, backfill for new
    connections, replies left « sending » by a dead worker marked unconfirmed, webhooks."""
    from parvis.inbox.polling import accounts_needing_backfill, backfill_start, pollable_accounts
    from parvis.inbox.services import replies_unstick

    for account in pollable_accounts():
        poll_account_task.delay(account.pk)
    for account in accounts_needing_backfill():
        with transaction.atomic():
            backfill_start(account=account)
    replies_unstick()
    webhooks_process_task.delay()


@app.task(name="inbox.backfill", time_limit=280, soft_time_limit=240)
def backfill_task(job_id: int) -> None:
    from parvis.inbox.models import BackfillJob
    from parvis.inbox.polling import backfill_run

    job = backfill_run(job_id=job_id)
    if job.status == BackfillJob.Status.RUNNING:
        # More pages, or a passing network error: continue shortly (the state is saved).
        enqueue_backfill(job.pk, countdown=60 if job.error else 1)


@app.task(name="inbox.webhooks_process", time_limit=120, soft_time_limit=100)
def webhooks_process_task() -> None:
    from parvis.inbox.webhooks import webhook_events_process

    webhook_events_process()


@app.task(name="inbox.digest_due", time_limit=600, soft_time_limit=540)
def digest_due_task() -> None:
    from parvis.inbox.digest import digest_due

    for membership_id, day in digest_due():
        digest_member_task.delay(membership_id, day.isoformat())


@app.task(name="inbox.digest_member", time_limit=60, soft_time_limit=50)
def digest_member_task(membership_id: int, day: str) -> None:
    from datetime import date

    from parvis.accounts.models import Membership
    from parvis.inbox.digest import digest_deliver

    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is not None:
        digest_deliver(membership=membership, day=date.fromisoformat(day))
