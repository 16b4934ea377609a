"""Reading the networks: polling with per-account cursors, and the 30-day backfill.

Networks page their inbound timelines newest first. Polling therefore reads from the top and
stops at the first page holding something already stored (or after ``POLL_MAX_PAGES``); the
cursor row remembers the newest id seen and the last error. The backfill walks down the same
pages until it passes 30 days, saving its cursor after every page so that a worker that dies
mid-way resumes where it stopped, and shows its progress as a percentage of the 30 days.

A network error stops that account only (recorded on the account by the networks services);
other accounts go on. Items a network returns malformed are skipped by the ingestion.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from parvis.core.enqueue import task_send_on_commit
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import BackfillJob, IngestCursor
from parvis.networks.base import Connector
from parvis.networks.contracts import InboundKind
from parvis.networks.errors import ConnectorError, NotSupported, RateLimited, Transient
from parvis.networks.models import SocialAccount
from parvis.networks.registry import ConnectorUnavailable, provider
from parvis.networks.services import account_record_error

log = logging.getLogger("parvis.inbox")

POLL_MAX_PAGES = 5
PAGE_LIMIT = 50
BACKFILL_DAYS = 30
BACKFILL_PAGES_PER_RUN = 20  # then the task re-enqueues itself: bounded time per task
BACKFILL_TASK = "inbox.backfill"  # parvis/inbox/tasks.py


def readable_kinds(account: SocialAccount) -> list[InboundKind]:
    """The kinds the account's network lets us read (its capabilities say so in advance), each
    feed once: where comments come in the mentions feed, reading MENTION brings both."""
    try:
        caps = provider(account.kind).capabilities
    except ConnectorUnavailable:
        return []
    wanted = [
        (InboundKind.COMMENT, caps.can_read_comments and not caps.comments_with_mentions),
        (InboundKind.MENTION, caps.can_read_mentions),
        (InboundKind.DM, caps.can_read_dms),
    ]
    return [kind for kind, allowed in wanted if allowed]


def pollable_accounts() -> Iterator[SocialAccount]:
    return (
        SocialAccount.objects.filter(status=SocialAccount.Status.CONNECTED, is_demo=False)
        .order_by("pk")
        .iterator()
    )


def _record_error(account: SocialAccount, error: ConnectorError) -> None:
    account_record_error(account=account, error=error)


@dataclass
class PollResult:
    pages: int = 0
    stored: int = 0
    error: str = ""


def account_poll(
    *, account: SocialAccount, connector: Connector | None = None, now: datetime | None = None
) -> PollResult:
    """Read what is new on ``account`` (every readable kind) into the inbox."""
    now = now or timezone.now()
    result = PollResult()
    # Not connected (e.g. marked « must reconnect » because its token cannot be decrypted):
    # nothing to read, and the other accounts go on.
    if (
        account.is_demo
        or account.is_rate_limited(now)
        or account.status != account.Status.CONNECTED
    ):
        return result
    kinds = readable_kinds(account)
    if not kinds:
        return result
    connector = connector or account.connector()
    for kind in kinds:
        cursor_row, _ = IngestCursor.objects.get_or_create(
            account=account, kind=kind.value, defaults={"organisation_id": account.organisation_id}
        )
        if cursor_row.unsupported:
            continue
        cursor: str | None = None
        newest = ""
        try:
            for _page in range(POLL_MAX_PAGES):
                page = connector.read_inbound(kind, cursor=cursor, limit=PAGE_LIMIT)
                result.pages += 1
                newest = newest or (page.items[0].remote_id if page.items else "")
                ingested = inbox_ingest(account, page.items, now=now)
                result.stored += ingested.stored
                if ingested.duplicates or not page.next_cursor:
                    break
                cursor = page.next_cursor
        except NotSupported:
            cursor_row.unsupported = True
            cursor_row.save(update_fields=["unsupported"])
            continue
        except ConnectorError as exc:
            cursor_row.last_error = exc.user_message
            cursor_row.save(update_fields=["last_error"])
            _record_error(account, exc)
            result.error = exc.user_message
            return result  # this account only; the others are separate tasks
        cursor_row.newest_remote_id = newest or cursor_row.newest_remote_id
        cursor_row.last_polled_at = now
        cursor_row.last_error = ""
        cursor_row.save(update_fields=["newest_remote_id", "last_polled_at", "last_error"])
    return result


# --- backfill -----------------------------------------------------------------------------------


def backfill_start(*, account: SocialAccount, now: datetime | None = None) -> BackfillJob:
    """Create the account's backfill job (one at a time) and enqueue it after commit."""
    now = now or timezone.now()
    running: BackfillJob | None = BackfillJob.objects.filter(
        account=account, status=BackfillJob.Status.RUNNING
    ).first()
    if running is not None:
        return running
    job = BackfillJob.objects.create(
        organisation_id=account.organisation_id,
        account=account,
        since=now - timedelta(days=BACKFILL_DAYS),
    )
    # Sent by name: the tasks module imports this one.
    task_send_on_commit(BACKFILL_TASK, (job.pk,))
    return job


def backfill_run(
    *,
    job_id: int,
    connector: Connector | None = None,
    max_pages: int = BACKFILL_PAGES_PER_RUN,
    now: datetime | None = None,
) -> BackfillJob:
    """Advance the job by up to ``max_pages`` pages. Safe to run twice: state is saved per page
    and items are deduplicated. Returns the job; ``status`` RUNNING means « call again »."""
    now = now or timezone.now()
    job: BackfillJob = BackfillJob.objects.select_related("account").get(pk=job_id)
    if job.status != BackfillJob.Status.RUNNING:
        return job
    account = job.account
    kinds = readable_kinds(account)
    try:
        connector = connector or account.connector()
    except ConnectorError as exc:  # e.g. a token no configured key decrypts: this job fails
        _record_error(account, exc)
        job.status = BackfillJob.Status.FAILED
        job.error = exc.user_message
        job.finished_at = now
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    pages = 0
    window = max((now - job.since).total_seconds(), 1.0)
    for kind in kinds:
        state = dict(job.state.get(kind.value) or {})
        while not state.get("done") and pages < max_pages:
            try:
                page = connector.read_inbound(kind, cursor=state.get("cursor"), limit=PAGE_LIMIT)
            except NotSupported:
                state["done"] = True
                break
            except (RateLimited, Transient) as exc:
                job.error = exc.user_message
                job.save(update_fields=["error"])
                return job  # the task retries later; progress so far is kept
            except ConnectorError as exc:
                _record_error(account, exc)
                job.status = BackfillJob.Status.FAILED
                job.error = exc.user_message
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
                return job
            pages += 1
            in_window = [i for i in page.items if i.created_at >= job.since]
            ingested = inbox_ingest(account, in_window, now=now)
            job.items_seen += len(page.items)
            job.items_stored += ingested.stored
            if page.items:
                oldest = min(i.created_at for i in page.items)
                state["covered"] = min(1.0, (now - oldest).total_seconds() / window)
            state["cursor"] = page.next_cursor
            if not page.next_cursor or len(in_window) < len(page.items):
                state["done"] = True
            job.state = {**job.state, kind.value: state}
            job.progress = _progress(job, kinds)
            job.error = ""
            job.save(update_fields=["state", "items_seen", "items_stored", "progress", "error"])
        job.state = {**job.state, kind.value: state}
    if all((job.state.get(k.value) or {}).get("done") for k in kinds):
        job.status = BackfillJob.Status.DONE
        job.progress = 100
        job.finished_at = now
    job.save()
    return job


def _progress(job: BackfillJob, kinds: list[InboundKind]) -> int:
    if not kinds:
        return 100
    parts = []
    for kind in kinds:
        state = job.state.get(kind.value) or {}
        parts.append(1.0 if state.get("done") else float(state.get("covered", 0.0)))
    return min(99, int(100 * sum(parts) / len(parts)))


def accounts_needing_backfill() -> list[SocialAccount]:
    """Connected accounts never backfilled: the inbox learns of new connections this way,
    since the networks app imports no domain app."""
    done = BackfillJob.objects.values("account_id")
    return list(
        SocialAccount.objects.filter(status=SocialAccount.Status.CONNECTED, is_demo=False)
        .exclude(pk__in=done)
        .order_by("pk")[:100]
    )
