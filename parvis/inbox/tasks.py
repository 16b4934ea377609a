"""Inbox tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.db import transaction

from parvis.accounts.models import Membership
from parvis.inbox.digest import digest_deliver, digest_due
from parvis.inbox.models import BackfillJob
from parvis.inbox.polling import (
    account_poll,
    accounts_needing_backfill,
    backfill_run,
    backfill_start,
    pollable_accounts,
)
from parvis.inbox.reply_sending import replies_unstick, reply_send
from parvis.inbox.webhooks import BATCH, webhook_events_process
from parvis.networks.models import SocialAccount

log = logging.getLogger("parvis.inbox")


def enqueue_backfill(job_id: int, *, countdown: int = 0) -> None:
    backfill_task.apply_async((job_id,), countdown=countdown)


@shared_task(name="inbox.reply_send", time_limit=120, soft_time_limit=100)
def reply_send_task(reply_id: int) -> None:
    reply_send(reply_id=reply_id)


@shared_task(name="inbox.poll_account", time_limit=240, soft_time_limit=200, expires=600)
def poll_account_task(account_id: int) -> None:
    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is not None:
        account_poll(account=account)


@shared_task(name="inbox.poll_all", time_limit=60, soft_time_limit=50, expires=240)
def poll_all_task() -> None:
    """Every few minutes (BEAT_SCHEDULE): one poll task per account, backfill for new
    connections, replies left « sending » by a dead worker marked unconfirmed, and the webhook
    deliveries a lost message left unprocessed (each is normally processed on arrival)."""
    for account in pollable_accounts():
        poll_account_task.delay(account.pk)
    for account in accounts_needing_backfill():
        with transaction.atomic():
            backfill_start(account=account)
    replies_unstick()
    webhooks_process_task.delay()


@shared_task(name="inbox.backfill", time_limit=280, soft_time_limit=240)
def backfill_task(job_id: int) -> None:
    job = backfill_run(job_id=job_id)
    if job.status == BackfillJob.Status.RUNNING:
        # More pages, or a passing network error: continue shortly (the state is saved).
        enqueue_backfill(job.pk, countdown=60 if job.error else 1)


@shared_task(name="inbox.webhooks_process", time_limit=120, soft_time_limit=100)
def webhooks_process_task() -> None:
    """Sent by the webhook receiver once a delivery is stored (and by the poll): processes
    every pending delivery, a batch at a time, sending itself again while batches are full."""
    if webhook_events_process() >= BATCH:
        webhooks_process_task.delay()


@shared_task(name="inbox.digest_due", time_limit=600, soft_time_limit=540)
def digest_due_task() -> None:
    for membership_id, day in digest_due():
        digest_member_task.delay(membership_id, day.isoformat())


@shared_task(name="inbox.digest_member", time_limit=60, soft_time_limit=50)
def digest_member_task(membership_id: int, day: str) -> None:
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is not None:
        digest_deliver(membership=membership, day=date.fromisoformat(day))
