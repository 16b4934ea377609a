"""The exactly-once publishing pipeline: claim due targets, publish, record every attempt.

Claiming is a compare-and-set ``UPDATE`` on the target's own columns (status, due time,
lease), which is atomic on SQLite and PostgreSQL alike; on PostgreSQL the candidate rows are
first locked with ``SELECT ... FOR UPDATE SKIP LOCKED`` so workers do not even contend. A claim
is a lease: a worker killed mid-call loses it after ``LEASE_S`` and another worker takes over.
While a worker is alive and busy (a long video upload), its process renews the lease
(:mod:`parvis.publishing.leases`) so nobody takes over a target that is still in progress.

Never a double post: ``sent_since`` is committed *before* a publish request leaves; from then
on every later attempt (after a timeout, a crash, a lost lease) first asks the network whether
the post exists (``connector.reconcile``) and only publishes again when it does not. Every
write after the claim is conditioned on our ``claim_token``, so a worker that lost its lease
cannot overwrite the one that took over.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from parvis.core.guarded_http import guarded_client
from parvis.networks.contracts import PublishResult
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.models import SocialAccount
from parvis.networks.services import account_record_error
from parvis.networks.transport import HttpPolicy
from parvis.publishing.leases import renewer_for
from parvis.publishing.models import Post, PostTarget, PublishAttempt
from parvis.publishing.notify import managers_of, notify

log = logging.getLogger(__name__)

Status = PostTarget.Status
# X and others round ``start_time`` to the second: look a little before the send.
RECONCILE_SLACK = timedelta(seconds=5)
_JITTER = random.Random()
# A dispatcher looks for expired leases (a worker killed mid-publish) this often; due targets
# at every claim. Leases last minutes in production: a second more changes nothing.
ABANDONED_EVERY_S = 1.0


# A worker keeps renewing a target's lease for at most this long: a call hung beyond it is
# given up to another worker (which looks the post up before sending anything).
DEFAULT_MAX_HOLD_S = 3600


@dataclass(frozen=True)
class Config:
    lease: timedelta
    http_timeout: float
    max_attempts: int
    retry_base: float
    retry_cap: float
    recheck: timedelta
    max_hold: timedelta = timedelta(seconds=DEFAULT_MAX_HOLD_S)

    @classmethod
    def from_settings(cls) -> Config:
        conf = settings.PUBLISHING
        return cls(
            lease=timedelta(seconds=conf["LEASE_S"]),
            http_timeout=float(conf["HTTP_TIMEOUT_S"]),
            max_attempts=int(conf["MAX_ATTEMPTS"]),
            retry_base=float(conf["RETRY_BASE_S"]),
            retry_cap=float(conf["RETRY_CAP_S"]),
            recheck=timedelta(seconds=float(conf["UNCONFIRMED_RECHECK_S"])),
            max_hold=timedelta(seconds=float(conf.get("MAX_HOLD_S", DEFAULT_MAX_HOLD_S))),
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{threading.get_native_id()}"


def backoff(attempt: int, config: Config, rng: random.Random | None = None) -> float:
    """Seconds before retry number ``attempt`` (1-based): exponential, capped, with "equal
    jitter" (half fixed, half random) so retries of one outage do not stampede together."""
    delay = min(config.retry_cap, config.retry_base * 2.0 ** max(0, attempt - 1))
    jitter: float = (rng or _JITTER).uniform(0, delay / 2)
    return delay / 2 + jitter


def _due(now: datetime, ahead: timedelta = timedelta(0)) -> Q:
    waiting = Q(status__in=[Status.SCHEDULED, Status.UNCONFIRMED], next_attempt_at__lte=now + ahead)
    abandoned = Q(status=Status.PUBLISHING, claimed_until__lt=now)
    return waiting | abandoned


def claim_due(
    *,
    worker: str,
    limit: int,
    now: datetime | None = None,
    target_ids: list[int] | None = None,
    config: Config | None = None,
    ahead: timedelta = timedelta(0),
    abandoned: bool = True,
) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due targets for ``worker``; returns (claim token, claimed ids).

    Two workers never get the same target: the final ``UPDATE`` re-checks due-ness on each row,
    and a row only one of them can still match. ``ahead`` also claims targets due within that
    time (a polling dispatcher takes what falls due before its next poll); ``publish_target``
    waits for their minute before sending anything. ``abandoned=False`` skips the look for
    expired leases (a dispatcher looks for them once a second, not at every claim).
    """
    config = config or Config.from_settings()
    now = now or timezone.now()
    token = uuid.uuid4().hex
    eligible = PostTarget.objects.filter(
        Q(account__rate_limited_until__isnull=True) | Q(account__rate_limited_until__lte=now),
        account__status=SocialAccount.Status.CONNECTED,
        account__is_demo=False,
    )
    if target_ids is not None:
        eligible = eligible.filter(pk__in=target_ids)
    # Two simple queries rather than one OR: each walks its partial index in order and stops
    # at ``limit`` rows, however large the backlog.
    expired = eligible.filter(status=Status.PUBLISHING, claimed_until__lt=now).order_by(
        "claimed_until"
    )
    waiting = eligible.filter(
        status__in=[Status.SCHEDULED, Status.UNCONFIRMED], next_attempt_at__lte=now + ahead
    ).order_by("next_attempt_at")
    candidates = (expired, waiting) if abandoned else (waiting,)
    claim = {
        "status": Status.PUBLISHING,
        "claim_token": token,
        "claimed_by": worker[:200],
        "claimed_until": now + config.lease,
    }
    ids: list[int] = []
    if connection.vendor == "postgresql":
        for queryset in candidates:
            if len(ids) < limit:
                ids += _claim_postgres(queryset, limit - len(ids), claim)
        return token, ids
    # SQLite: read without a transaction (an IMMEDIATE one would take the write lock on
    # every idle poll); the single conditional UPDATE is the atomic compare-and-set.
    for queryset in candidates:
        if len(ids) < limit:
            ids += list(queryset.values_list("pk", flat=True)[: limit - len(ids)])
    if not ids:
        return token, ids
    count = (
        PostTarget.objects.filter(pk__in=ids)
        .filter(_due(now, ahead))
        .update(**claim, attempts=F("attempts") + 1)
    )
    if count == len(ids):
        return token, ids
    claimed = list(
        PostTarget.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True)
    )
    return token, claimed


def _claim_postgres(candidates: Any, limit: int, claim: dict[str, Any]) -> list[int]:
    """One statement: lock up to ``limit`` candidate rows nobody else holds (``FOR UPDATE
    SKIP LOCKED``), claim them and return their ids. A busy dispatcher claims several times a
    second: one round trip instead of a transaction of four statements.
    The candidates' ``SELECT`` is Django's; a row another worker claimed meanwhile is either
    locked (skipped) or re-checked by PostgreSQL against that ``WHERE`` once unlocked."""
    table = connection.ops.quote_name(PostTarget._meta.db_table)
    select, params = candidates.values_list("pk", flat=True)[:limit].query.sql_with_params()
    # Only a quoted table name and Django's own compiled SQL are interpolated; values are params.
    sql = (
        f"UPDATE {table} SET status = %s, claim_token = %s, claimed_by = %s,"  # noqa: S608
        f" claimed_until = %s, attempts = attempts + 1"
        f" WHERE id IN ({select} FOR UPDATE OF {table} SKIP LOCKED) RETURNING id"
    )
    values = (claim["status"], claim["claim_token"], claim["claimed_by"], claim["claimed_until"])
    with connection.cursor() as cursor:
        cursor.execute(sql, (*values, *params))
        return [row[0] for row in cursor.fetchall()]


_local = threading.local()


def _http_client() -> httpx.Client:
    """One HTTP client per thread, kept: building one (TLS context, pool) costs more CPU than
    the publish call itself. Timeouts are set per request by the transport. It is the guarded
    client, so accounts on a server a person typed (Mastodon, Bluesky) can use it too."""
    client: httpx.Client | None = getattr(_local, "http", None)
    if client is None or client.is_closed:
        client = guarded_client()
        _local.http = client
    return client


def _mine(target_id: int, token: str) -> Any:
    return PostTarget.objects.filter(pk=target_id, claim_token=token)


def _finish_attempt(attempt: PublishAttempt, outcome: str, started: float, **fields: Any) -> None:
    PublishAttempt.objects.filter(pk=attempt.pk).update(
        outcome=outcome,
        finished_at=timezone.now(),
        duration_ms=int((time.monotonic() - started) * 1000),
        **fields,
    )


def publish_target(
    target_id: int,
    token: str,
    *,
    worker: str = "",
    config: Config | None = None,
    connector_options: dict[str, Any] | None = None,
) -> str:
    """Publish one claimed target and record the outcome. Returns the attempt outcome.

    Safe to call with a stale token: every write is conditioned on it and simply does nothing.
    """
    config = config or Config.from_settings()
    # A slice, not .first(): no ORDER BY to build for a primary-key lookup on the hot path.
    found = list(
        PostTarget.objects.select_related("post", "account").filter(
            pk=target_id, claim_token=token
        )[:1]
    )
    if not found:
        return "lost_claim"
    target = found[0]
    _wait_until(target.next_attempt_at, limit=config.lease / 3)
    account = target.account
    now = timezone.now()
    if account.status != SocialAccount.Status.CONNECTED:
        _hold(target, token, _reconnect_message(account))
        return PublishAttempt.Outcome.AUTH_EXPIRED
    if account.is_rate_limited(now):
        _mine(target_id, token).update(
            status=Status.SCHEDULED, next_attempt_at=account.rate_limited_until, claim_token=""
        )
        return PublishAttempt.Outcome.RATE_LIMITED
    attempt = PublishAttempt.objects.create(
        organisation_id=target.organisation_id, target=target, worker=worker[:200]
    )
    renewer = renewer_for(lease=config.lease, max_hold=config.max_hold)
    with renewer.holding(target_id, token):
        return _attempt(target, token, attempt, config, connector_options)


def _wait_until(moment: datetime | None, *, limit: timedelta) -> None:
    """Never before its time: a target claimed ahead waits here for its minute (at most
    ``limit``, well inside the lease, whatever the clock says)."""
    if moment is None:
        return
    early = (moment - timezone.now()).total_seconds()
    if early > 0:
        time.sleep(min(early, limit.total_seconds()))


def _attempt(
    target: PostTarget,
    token: str,
    attempt: PublishAttempt,
    config: Config,
    connector_options: dict[str, Any] | None,
) -> str:
    """Prepare the media, send (or find) the post and record the outcome, lease kept alive."""
    from parvis.publishing.services import target_draft

    target_id = target.pk
    account = target.account
    started = time.monotonic()
    policy = HttpPolicy(timeout=config.http_timeout, connect_timeout=min(5.0, config.http_timeout))
    options = {"policy": policy, **(connector_options or {})}
    try:
        # Inside the guard: a copy that cannot be made (storage error) is retried like any
        # other error, and the time it takes is covered by the lease keeper.
        draft = target_draft(target, render=True)
        connector = account.connector(http=_http_client(), **options)
        if target.sent_since is not None:
            found = connector.reconcile(draft, since=target.sent_since - RECONCILE_SLACK)
            if found is not None:
                _published(target, token, attempt, started, found, reconciled=True)
                return PublishAttempt.Outcome.RECONCILED
            since = target.sent_since
        else:
            since = timezone.now()
            if not _mine(target_id, token).update(sent_since=since):
                _finish_attempt(attempt, PublishAttempt.Outcome.ERROR, started, error="lost claim")
                return "lost_claim"
        result = connector.publish_and_confirm(draft, started_at=since - RECONCILE_SLACK)
    except Unconfirmed as exc:
        _finish_attempt(
            attempt,
            PublishAttempt.Outcome.UNCONFIRMED,
            started,
            error=repr(exc),
            http_status=exc.status,
        )
        _mine(target_id, token).update(
            status=Status.UNCONFIRMED,
            next_attempt_at=timezone.now() + config.recheck,
            claim_token="",
            last_error=exc.user_message,
            error_code=exc.code,
        )
        return PublishAttempt.Outcome.UNCONFIRMED
    except RateLimited as exc:
        _finish_attempt(
            attempt,
            PublishAttempt.Outcome.RATE_LIMITED,
            started,
            error=repr(exc),
            http_status=exc.status,
        )
        account_record_error(account=account, error=exc)
        _mine(target_id, token).update(
            status=_waiting(target),
            next_attempt_at=exc.retry_at,
            claim_token="",
            attempts=F("attempts") - 1,  # the network's pace, not a failure of ours
            last_error=exc.user_message,
            error_code=exc.code,
        )
        return PublishAttempt.Outcome.RATE_LIMITED
    except AuthExpired as exc:
        _finish_attempt(
            attempt,
            PublishAttempt.Outcome.AUTH_EXPIRED,
            started,
            error=repr(exc),
            http_status=exc.status,
        )
        account_record_error(account=account, error=exc)  # status "reconnect", audited
        _hold(target, token, exc.user_message, code=exc.code)
        return PublishAttempt.Outcome.AUTH_EXPIRED
    except Rejected as exc:
        _finish_attempt(
            attempt,
            PublishAttempt.Outcome.REJECTED,
            started,
            error=repr(exc),
            http_status=exc.status,
        )
        _fail(target, token, exc.user_message, exc.code)
        return PublishAttempt.Outcome.REJECTED
    except (Transient, ConnectorError, Exception) as exc:  # noqa: BLE001 - recorded, retried
        outcome = (
            PublishAttempt.Outcome.TRANSIENT
            if isinstance(exc, ConnectorError)
            else PublishAttempt.Outcome.ERROR
        )
        if not isinstance(exc, ConnectorError):
            log.exception("publish crashed", extra={"target": target_id})
        status = exc.status if isinstance(exc, ConnectorError) else None
        _finish_attempt(attempt, outcome, started, error=repr(exc)[:2000], http_status=status)
        message = exc.user_message if isinstance(exc, ConnectorError) else Transient().user_message
        code = exc.code if isinstance(exc, ConnectorError) else "error"
        if target.attempts >= config.max_attempts:
            _fail(target, token, message, code)
        else:
            _mine(target_id, token).update(
                status=_waiting(target),
                next_attempt_at=timezone.now()
                + timedelta(seconds=backoff(target.attempts, config)),
                claim_token="",
                last_error=message,
                error_code=code,
            )
        return outcome
    _published(target, token, attempt, started, result, reconciled=result.reconciled)
    return (
        PublishAttempt.Outcome.RECONCILED if result.reconciled else PublishAttempt.Outcome.PUBLISHED
    )


def _waiting(target: PostTarget) -> str:
    """After a send, a retry must reconcile first: the target stays "unconfirmed"."""
    return Status.UNCONFIRMED if target.sent_since is not None else Status.SCHEDULED


def _published(
    target: PostTarget,
    token: str,
    attempt: PublishAttempt,
    started: float,
    result: PublishResult,
    *,
    reconciled: bool,
) -> None:
    now = timezone.now()
    # The remote id first, alone: if anything below fails, we still know the post is live.
    updated = _mine(target.pk, token).update(
        status=Status.PUBLISHED,
        remote_id=result.remote_id,
        remote_url=result.url,
        first_comment_id=result.first_comment_id or "",
        published_at=now,
        claim_token="",
        claimed_until=None,
        last_error=result.first_comment_error and "first comment failed",
        error_code="first_comment" if result.first_comment_error else "",
    )
    if not updated:
        log.error("published without a claim", extra={"target": target.pk})
    _finish_attempt(
        attempt,
        PublishAttempt.Outcome.RECONCILED if reconciled else PublishAttempt.Outcome.PUBLISHED,
        started,
        remote_id=result.remote_id,
    )
    post_refresh_status(target.post_id)


def _fail(target: PostTarget, token: str, message: str, code: str) -> None:
    if _mine(target.pk, token).update(
        status=Status.FAILED,
        claim_token="",
        claimed_until=None,
        last_error=message,
        error_code=code,
    ):
        post = post_refresh_status(target.post_id)
        notify(
            organisation=post.organisation,
            users=[post.author],
            kind="failed",
            message=f"{target.account}\u202f: {message}",
            post=post,
            email_subject=f"Parvis\u202f: {target.account}",
        )


def _reconnect_message(account: SocialAccount) -> str:
    return AuthExpired(network=account.kind).user_message


def _hold(target: PostTarget, token: str, message: str, code: str = "auth_expired") -> None:
    """Keep the target (never lost) until its account is reconnected; tell the people."""
    if _mine(target.pk, token).update(
        status=Status.HELD,
        claim_token="",
        claimed_until=None,
        last_error=message,
        error_code=code,
        attempts=F("attempts") - 1,
    ):
        post = post_refresh_status(target.post_id)
        notify(
            organisation=post.organisation,
            users=[post.author, *managers_of(post.organisation)],
            kind="reconnect",
            message=f"{target.account}\u202f: {message}",
            post=post,
            email_subject=f"Parvis\u202f: {target.account}",
        )


def release_held(*, account: SocialAccount | None = None, now: datetime | None = None) -> int:
    """Held targets whose account is connected again go back to the schedule (at once if
    their time has passed). Called by the beat sweep and after a reconnection."""
    now = now or timezone.now()
    held = PostTarget.objects.filter(
        status=Status.HELD, account__status=SocialAccount.Status.CONNECTED
    )
    if account is not None:
        held = held.filter(account=account)
    count = 0
    for target in held.only("pk", "sent_since", "due_at"):
        count += PostTarget.objects.filter(pk=target.pk, status=Status.HELD).update(
            status=Status.UNCONFIRMED if target.sent_since else Status.SCHEDULED,
            next_attempt_at=max(now, target.due_at or now),
            last_error="",
            error_code="",
        )
    return count


def post_refresh_status(post_id: int) -> Post:
    """Derive the post's status from its targets (one transaction, post row locked).

    The post returned carries only the columns the status needs; any other loads on access
    (the rare failure paths that notify its author)."""
    with transaction.atomic():
        # Only the columns the status needs: this runs after every publication.
        post: Post = (
            Post.objects.select_for_update()
            .only("organisation_id", "status", "published_at", "recurrence")
            .get(pk=post_id)
        )
        states = set(post.targets.values_list("status", flat=True)) - {Status.CANCELLED}
        new = post.status
        if not states:
            return post
        if states <= {Status.PUBLISHED}:
            new = Post.Status.PUBLISHED
        elif states <= {Status.PUBLISHED, Status.FAILED}:
            new = Post.Status.PARTIALLY_FAILED if Status.PUBLISHED in states else Post.Status.FAILED
        elif states & {Status.PUBLISHING, Status.UNCONFIRMED, Status.PUBLISHED, Status.HELD}:
            new = Post.Status.PUBLISHING
        if new != post.status:
            post.status = new
            if new == Post.Status.PUBLISHED:
                post.published_at = timezone.now()
            post.save(update_fields=["status", "published_at"])
            if new == Post.Status.PUBLISHED and post.recurrence:
                from parvis.publishing.recurring import schedule_next_occurrence

                schedule_next_occurrence(Post.objects.get(pk=post_id))
        return post


def dispatch_batch(
    *,
    worker: str | None = None,
    limit: int = 20,
    target_ids: list[int] | None = None,
    config: Config | None = None,
    connector_options: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Claim due targets and publish them one after the other (what a Celery task runs)."""
    worker = worker or worker_name()
    token, ids = claim_due(worker=worker, limit=limit, target_ids=target_ids, config=config)
    outcomes: dict[str, int] = {}
    for target_id in ids:
        outcome = publish_target(
            target_id, token, worker=worker, config=config, connector_options=connector_options
        )
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def run_worker(
    *,
    worker: str | None = None,
    concurrency: int = 8,
    poll: float = 0.2,
    stop: threading.Event | None = None,
    config: Config | None = None,
) -> None:
    """A long-running dispatcher (what ``parvis dispatcher`` runs): claims as many targets as
    it has free threads, publishes them in parallel, and polls the database every ``poll``
    seconds when it has taken everything due.

    Each poll also claims what falls due before the next one (``ahead``), and the publishing
    thread waits for the target's minute: posts go out at their time, not up to a poll later.
    Measured: waking for each post as it falls due instead cost more queries than it saved
    lag (p99 2.04 s -> 2.64 s at 83 posts/s on 2 cores)."""
    worker = worker or worker_name()
    stop = stop or threading.Event()
    running: set[Future[str]] = set()
    # A little more than a poll: the claim itself takes time, nothing must fall between two.
    ahead = timedelta(seconds=poll * 1.5)

    def _run(target_id: int, token: str) -> str:
        try:
            return publish_target(target_id, token, worker=worker, config=config)
        finally:
            close_old_connections()

    # After a claim that filled every thread, more may be due: claim again once a quarter of
    # the threads are free (or a poll has passed), not at each finished publish. Measured: a
    # claim per publish took 38 % of a busy dispatcher's CPU and made it fall behind.
    batch = max(1, concurrency // 4)
    look_for_abandoned_at = 0.0
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        while not stop.is_set():
            running = {f for f in running if not f.done()}
            free = concurrency - len(running)
            if free > 0:
                abandoned = time.monotonic() >= look_for_abandoned_at
                if abandoned:
                    look_for_abandoned_at = time.monotonic() + ABANDONED_EVERY_S
                token, ids = claim_due(
                    worker=worker, limit=free, config=config, ahead=ahead, abandoned=abandoned
                )
                running.update(pool.submit(_run, target_id, token) for target_id in ids)
                if len(ids) < free:  # everything due before the next poll is taken
                    stop.wait(poll)
                    continue
            running = _until_free(running, concurrency=concurrency, want=batch, timeout=poll)


def _until_free(
    running: set[Future[str]], *, concurrency: int, want: int, timeout: float
) -> set[Future[str]]:
    """Wait until ``want`` threads are free or ``timeout`` passed; returns what still runs."""
    deadline = time.monotonic() + timeout
    while True:
        running = {f for f in running if not f.done()}
        left = deadline - time.monotonic()
        if concurrency - len(running) >= want or left <= 0:
            return running
        wait(running, timeout=left, return_when=FIRST_COMPLETED)
