"""What an attempt leaves behind: the target's new state, its post's status, the people told.

:func:`settle` writes the outcome of :func:`parvis.core.sending.delivery.deliver` into a
target's columns. Every write is conditioned on the claim token (``mine``): a worker that lost
its lease writes nothing. What each error means is decided upstream, in the table of
:mod:`parvis.publishing.publish`; here each :class:`~parvis.core.sending.rules.Then` has one
function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parvis.core.sending.attempts import Stopwatch
from parvis.core.sending.claims import mine
from parvis.core.sending.delivery import Delivered, LostClaim, NotDelivered
from parvis.core.sending.rules import Then
from parvis.networks.contracts import PublishResult
from parvis.networks.errors import AuthExpired, ConnectorError, RateLimited, Transient
from parvis.networks.models import SocialAccount
from parvis.networks.services import account_record_error
from parvis.publishing.config import Config
from parvis.publishing.models import Post, PostTarget, PublishAttempt
from parvis.publishing.notify import managers_of, notify
from parvis.publishing.recurring import schedule_next_occurrence

log = logging.getLogger(__name__)

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome


def _mine(target_id: int, token: str) -> Any:
    return mine(PostTarget, target_id, token)


def finish_attempt(attempt: PublishAttempt, outcome: str, clock: Stopwatch, **fields: Any) -> None:
    PublishAttempt.objects.filter(pk=attempt.pk).update(
        outcome=outcome, finished_at=timezone.now(), duration_ms=clock.duration_ms(), **fields
    )


def settle(
    target: PostTarget,
    token: str,
    attempt: PublishAttempt,
    clock: Stopwatch,
    verdict: Delivered[PublishResult] | NotDelivered | LostClaim,
    config: Config,
) -> str:
    """Record what happened to ``target``; returns the attempt's outcome."""
    if isinstance(verdict, LostClaim):
        finish_attempt(attempt, Outcome.ERROR, clock, error="lost claim")
        return "lost_claim"
    if isinstance(verdict, Delivered):
        published(target, token, attempt, clock, verdict.result, reconciled=verdict.reconciled)
        return Outcome.RECONCILED if verdict.reconciled else Outcome.PUBLISHED
    error = verdict.error
    connector_error = error if isinstance(error, ConnectorError) else None
    if verdict.unexpected:
        log.error("publish crashed", extra={"target": target.pk}, exc_info=error)
    finish_attempt(
        attempt,
        verdict.outcome,
        clock,
        error=repr(error)[:2000],
        http_status=connector_error.status if connector_error else None,
    )
    if verdict.tell_account and connector_error is not None:
        account_record_error(account=target.account, error=connector_error)  # audited
    message = connector_error.user_message if connector_error else Transient().user_message
    code = connector_error.code if connector_error else "error"
    _THEN[verdict.then](target, token, error, message, code, config)
    return verdict.outcome


def _retry(
    target: PostTarget, token: str, _e: object, message: str, code: str, config: Config
) -> None:
    delay = config.backoff.delay(target.attempts)
    if delay is None:
        fail(target, token, message, code)
        return
    _mine(target.pk, token).update(
        status=_waiting(target),
        next_attempt_at=timezone.now() + delay,
        claim_token="",
        last_error=message,
        error_code=code,
    )


def _wait(
    target: PostTarget, token: str, error: object, message: str, code: str, config: Config
) -> None:
    reset = error.retry_at if isinstance(error, RateLimited) else timezone.now()
    _mine(target.pk, token).update(
        status=_waiting(target),
        next_attempt_at=reset,
        claim_token="",
        attempts=F("attempts") - 1,  # the network's pace, not a failure of ours
        last_error=message,
        error_code=code,
    )


def _recheck(
    target: PostTarget, token: str, _e: object, message: str, code: str, config: Config
) -> None:
    """Sent, outcome unknown, not found yet: look it up again after ``recheck``. Publishing's
    lookups always tell, so « ask a person » is a recheck too."""
    _mine(target.pk, token).update(
        status=Status.UNCONFIRMED,
        next_attempt_at=timezone.now() + config.recheck,
        claim_token="",
        last_error=message,
        error_code=code,
    )


def _hold(
    target: PostTarget, token: str, _e: object, message: str, code: str, config: Config
) -> None:
    hold(target, token, message, code=code)


def _fail(
    target: PostTarget, token: str, _e: object, message: str, code: str, config: Config
) -> None:
    fail(target, token, message, code)


_THEN: dict[Then, Callable[[PostTarget, str, object, str, str, Config], None]] = {
    Then.RETRY: _retry,
    Then.WAIT: _wait,
    Then.RECHECK: _recheck,
    Then.ASK: _recheck,
    Then.HOLD: _hold,
    Then.FAIL: _fail,
}


def _waiting(target: PostTarget) -> str:
    """After a send, a retry must reconcile first: the target stays "unconfirmed"."""
    return Status.UNCONFIRMED if target.sent_since is not None else Status.SCHEDULED


def published(
    target: PostTarget,
    token: str,
    attempt: PublishAttempt,
    clock: Stopwatch,
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
    finish_attempt(
        attempt,
        Outcome.RECONCILED if reconciled else Outcome.PUBLISHED,
        clock,
        remote_id=result.remote_id,
    )
    post_refresh_status(target.post_id)


def fail(target: PostTarget, token: str, message: str, code: str) -> None:
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


def reconnect_message(account: SocialAccount) -> str:
    return AuthExpired(network=account.kind).user_message


def hold(target: PostTarget, token: str, message: str, code: str = "auth_expired") -> None:
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
                schedule_next_occurrence(Post.objects.get(pk=post_id))
        return post
