"""Sending a reply exactly once: the inbox's kind of :mod:`parvis.core.sending`.

A reply is claimed by its task (compare-and-set on its status: the task run twice sends
once), sent through its account's connector, and its remote id stored the moment the network
returns it. A reply that may already be on the network (an earlier send timed out, or its
worker died) is looked up first (``Connector.reconcile_reply``); after a timeout it is looked up
at once. When the network cannot tell, it stays « unconfirmed » and only a person may send it
again (:func:`parvis.inbox.services.reply_resend`). :data:`ERRORS` says what every other error
means for a reply a person is waiting for; retries follow :data:`RETRY_BACKOFF`.

Retries are tasks sent by name (``inbox.reply_send``, :mod:`parvis.core.enqueue`) once the
transaction commits: this module never imports the tasks module, which imports it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.core.enqueue import task_send_on_commit
from parvis.core.sending.attempts import Stopwatch
from parvis.core.sending.backoff import Steps
from parvis.core.sending.claims import claim_one
from parvis.core.sending.delivery import (
    Delivered,
    Lookup,
    LostClaim,
    NotDelivered,
    deliver,
)
from parvis.core.sending.rules import ErrorTable, Rule, Then
from parvis.core.sending.unstick import unstick
from parvis.inbox.models import Message, Reply, ReplyAttempt
from parvis.networks.base import Connector
from parvis.networks.contracts import PublishResult
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.models import SocialAccount
from parvis.networks.services import account_record_error
from parvis.networks.transport import HttpPolicy

log = logging.getLogger("parvis.inbox")

REPLY_SEND_TASK = "inbox.reply_send"
RETRY_BACKOFF = (60, 300, 900, 3600)  # seconds, then give up and show the error
BACKOFF = Steps(RETRY_BACKOFF)
SENDING_STALE_AFTER = timedelta(minutes=10)
# A reply the lookup did not find right after a timeout is looked up once more after this
# pause (the network may still be writing it), and sent only if still absent.
UNCONFIRMED_RECHECK = timedelta(seconds=30)
# X and others round ``start_time`` to the second: look a little before the reply was written.
RECONCILE_SLACK = timedelta(seconds=5)
# A person waits for the answer in the page: fail fast, the task retries transient errors.
INTERACTIVE_POLICY = HttpPolicy(timeout=10.0, connect_timeout=5.0, retries=1, backoff_seconds=0.2)

# Error class → what happens to the reply (the most specific class wins). Any other exception
# propagates: the task fails, the reply stays « sending » and the watchdog
# (:func:`replies_unstick`) makes it « unconfirmed ».
ERRORS = ErrorTable(
    {
        Unconfirmed: Rule(Then.RECHECK, Unconfirmed.code),
        RateLimited: Rule(Then.RETRY, RateLimited.code, tell_account=True),
        Transient: Rule(Then.RETRY, Transient.code),
        AuthExpired: Rule(Then.FAIL, AuthExpired.code, tell_account=True),
        Rejected: Rule(Then.FAIL, Rejected.code),
    }
)


def enqueue_reply_send(reply_id: int, *, eta: datetime | None = None) -> None:
    """Queue the ``inbox.reply_send`` task for ``reply_id`` once the transaction commits."""
    task_send_on_commit(REPLY_SEND_TASK, (reply_id,), eta=eta)


def _claim(reply_id: int) -> Reply | None:
    """Move a sendable reply to SENDING atomically; None when another worker has it or it is
    no longer sendable (sent, demo, unconfirmed…): this is what makes the task safe to run twice.
    """
    claimed = claim_one(
        Reply,
        reply_id,
        claimable=Q(status__in=[Reply.Status.PENDING, Reply.Status.RETRY]),
        claim={"status": Reply.Status.SENDING, "claimed_at": timezone.now()},
    )
    if not claimed:
        return None
    reply: Reply = Reply.objects.select_related(
        "conversation",
        "conversation__account",
        "conversation__organisation",
        "in_reply_to",
        "author",
    ).get(pk=reply_id)
    return reply


class ReplyDelivery:
    """One claimed reply as :func:`~parvis.core.sending.delivery.deliver` sees it."""

    errors = ERRORS
    timeout = Unconfirmed

    def __init__(self, reply: Reply, connector: Connector, parent_id: str) -> None:
        self.reply = reply
        self.connector = connector
        self.parent_id = parent_id

    def prepare(self) -> None:
        pass

    def may_be_out(self) -> bool:
        """An earlier send of this reply timed out (or its worker died): it may have arrived."""
        return self.reply.attempts.filter(outcome=Unconfirmed.code).exists()

    def may_resend_unseen(self) -> bool:
        """Only on a person's decision (a clear ``next_attempt_at``, see ``reply_resend``), or
        when the last attempt after that decision ended in a plain error: automatic retries
        never re-send blindly."""
        decided = self.reply.next_attempt_at is None
        return decided or _last_outcome(self.reply) != Unconfirmed.code

    def about_to_send(self) -> bool:
        return True  # the attempt log says when a send may have arrived (``may_be_out``)

    def send(self) -> PublishResult:
        return self.connector.reply(parent_id=self.parent_id, text=self.reply.text)

    def look_up(self, *, after_timeout: bool) -> PublishResult | Lookup:
        try:
            found = self.connector.reconcile_reply(
                parent_id=self.parent_id,
                text=self.reply.text,
                since=self.reply.created_at - RECONCILE_SLACK,
            )
        except NotSupported:
            return Lookup.CANNOT_TELL
        if found is None:
            return Lookup.ABSENT
        return PublishResult(found.remote_id, found.url, reconciled=True)

    def lookup_failed(
        self, error: Exception, *, timeout: BaseException | None
    ) -> NotDelivered | None:
        """The lookup failed this time, which tells nothing either way: look again later,
        unless it was refused for good (an expired token): then a person decides."""
        if not isinstance(error, ConnectorError):
            return None
        log.info(
            "inbox.reply_reconcile_failed", extra={"reply_id": self.reply.pk, "error": repr(error)}
        )
        return NotDelivered(
            then=Then.ASK if error.permanent else Then.RECHECK,
            outcome=Unconfirmed.code,
            error=error,
            tell_account=isinstance(error, (RateLimited, AuthExpired)),
        )


def reply_send(
    *, reply_id: int, connector: Connector | None = None, now: datetime | None = None
) -> Reply | None:
    """Send one reply through its account's connector, exactly once.

    The remote id is stored the moment the network returns it. After a timeout
    (``Unconfirmed``) the reply is looked up on the network (``reconcile_reply``) before
    anything else: found, it is marked sent; absent, it is looked up again a little later and
    sent only if still absent; when the network cannot tell, it stays « unconfirmed » and only
    a person may send it again. Transient failures and rate limits are retried later by the
    task; a refusal stays in the reply box with the network's reason. Demo conversations are
    never sent: the reply is recorded as « demo: not sent ».
    """
    reply = _claim(reply_id)
    if reply is None:
        return None
    conversation = reply.conversation
    account = conversation.account
    clock = Stopwatch(started_at=now or timezone.now())
    if conversation.is_demo or account.is_demo:
        with transaction.atomic():
            Reply.objects.filter(pk=reply.pk).update(
                status=Reply.Status.DEMO, sent_at=clock.started_at, error=""
            )
            _record_answer(reply, None, clock.started_at)
        reply.refresh_from_db()
        return reply
    parent_id = reply.in_reply_to.remote_id if reply.in_reply_to else conversation.subject_remote_id
    connector = connector or account.connector(policy=INTERACTIVE_POLICY)
    verdict = deliver(ReplyDelivery(reply, connector, parent_id))
    return _settle(reply, account, clock, verdict)


def _settle(
    reply: Reply,
    account: SocialAccount,
    clock: Stopwatch,
    verdict: Delivered[PublishResult] | NotDelivered | LostClaim,
) -> Reply:
    if isinstance(verdict, Delivered):
        return _sent(reply, clock, verdict.result, reconciled=verdict.reconciled)
    if isinstance(verdict, LostClaim):  # pragma: no cover - a reply's claim is not leased
        return reply
    if not verdict.outcome:  # nothing was attempted: the network cannot tell, nobody decided
        message = Unconfirmed().user_message
        return _set(reply, status=Reply.Status.UNCONFIRMED, error=message, next_attempt_at=None)
    if verdict.then in (Then.RECHECK, Then.ASK):
        # Decided by a lookup (after a timeout) or by a failed lookup (its error).
        error = verdict.error if verdict.looked is None else None
        return _still_unconfirmed(
            reply,
            account,
            clock,
            error=error if isinstance(error, ConnectorError) else None,
            recheck=verdict.then is Then.RECHECK,
        )
    error = verdict.error
    assert isinstance(error, ConnectorError)  # the table lists connector errors only
    tries = reply.attempts.count()
    _attempt(reply, clock, error.code, error=error.user_message)
    if verdict.tell_account:
        account_record_error(account=account, error=error)
    if verdict.then is Then.FAIL:
        return _set(reply, status=Reply.Status.FAILED, error=error.user_message)
    next_at = _retry_at(tries, clock.started_at, error)
    if next_at is None:
        return _set(
            reply, status=Reply.Status.FAILED, error=error.user_message, next_attempt_at=None
        )
    reply = _set(
        reply, status=Reply.Status.RETRY, error=error.user_message, next_attempt_at=next_at
    )
    enqueue_reply_send(reply.pk, eta=next_at)
    return reply


def _retry_at(tries: int, started_at: datetime, error: ConnectorError | None) -> datetime | None:
    """When attempt ``tries + 1`` failed: the backoff, at least the network's own reset."""
    delay = BACKOFF.delay(tries + 1)
    if delay is None:
        return None
    if isinstance(error, RateLimited):
        delay = max(delay, timedelta(seconds=int(error.retry_after_seconds(started_at)) + 1))
    return started_at + delay


def _still_unconfirmed(
    reply: Reply,
    account: SocialAccount,
    clock: Stopwatch,
    *,
    error: ConnectorError | None,
    recheck: bool,
) -> Reply:
    """The reply may be on the network and we do not know, or know it is absent for now.

    ``recheck``: the network can tell; look it up again later (and send only if still absent),
    within the usual retry budget. Otherwise a person decides (« unconfirmed »). The attempt
    is recorded as unconfirmed either way, so that every later send looks the reply up first.
    """
    message = Unconfirmed().user_message
    detail = error.user_message if error is not None else message
    tries = reply.attempts.count()
    _attempt(reply, clock, Unconfirmed.code, error=detail)
    if isinstance(error, (RateLimited, AuthExpired)):
        account_record_error(account=account, error=error)
    next_at = _retry_at(tries, clock.started_at, error) if recheck else None
    if next_at is None:
        return _set(reply, status=Reply.Status.UNCONFIRMED, error=message, next_attempt_at=None)
    if error is None:  # absent right after the timeout: look again soon, not after a backoff
        next_at = clock.started_at + UNCONFIRMED_RECHECK
    reply = _set(reply, status=Reply.Status.RETRY, error=message, next_attempt_at=next_at)
    enqueue_reply_send(reply.pk, eta=next_at)
    return reply


def _sent(reply: Reply, clock: Stopwatch, result: PublishResult, *, reconciled: bool) -> Reply:
    # Persist the remote id first, in its own statement: whatever fails next, we know it's out.
    done_at = timezone.now()
    Reply.objects.filter(pk=reply.pk).update(
        status=Reply.Status.SENT,
        remote_id=result.remote_id,
        url=result.url,
        sent_at=done_at,
        error="",
    )
    outcome = "reconciled" if reconciled or result.reconciled else "sent"
    _attempt(reply, clock, outcome, remote_id=result.remote_id)
    reply.refresh_from_db()
    _record_answer(reply, result, done_at)
    return reply


def _record_answer(reply: Reply, result: PublishResult | None, now: datetime) -> None:
    """The conversation has been answered: an outbound message, waiting cleared."""
    conversation = reply.conversation
    Message.objects.get_or_create(
        account_id=conversation.account_id,
        remote_id=result.remote_id if result else f"demo:{reply.idempotency_key}",
        defaults={
            "organisation_id": conversation.organisation_id,
            "conversation": conversation,
            "direction": Message.Direction.OUT,
            "parent_remote_id": reply.in_reply_to.remote_id if reply.in_reply_to else "",
            "author_id": conversation.account.remote_id,
            "author_handle": conversation.account.handle,
            "author_name": conversation.account.display_name,
            "text": reply.text,
            "url": result.url if result else "",
            "created_at": now,
        },
    )
    fields = ["awaiting_since", "last_message_at", "message_count"]
    if conversation.first_response_at is None:
        conversation.first_response_at = now
        conversation.first_responder = reply.author
        fields += ["first_response_at", "first_responder"]
    conversation.awaiting_since = None
    conversation.last_message_at = max(conversation.last_message_at, now)
    conversation.message_count += 1
    conversation.save(update_fields=fields)


def _attempt(reply: Reply, clock: Stopwatch, outcome: str, **kw: str) -> None:
    ReplyAttempt.objects.create(
        organisation_id=reply.organisation_id,
        reply=reply,
        started_at=clock.started_at,
        duration_ms=clock.duration_ms(),
        outcome=outcome,
        **kw,
    )


def _last_outcome(reply: Reply) -> str:
    last = reply.attempts.order_by("-started_at", "-id").values_list("outcome", flat=True).first()
    return last or ""


def _set(reply: Reply, **fields: object) -> Reply:
    Reply.objects.filter(pk=reply.pk).update(**fields)
    reply.refresh_from_db()
    return reply


def replies_unstick(*, now: datetime | None = None) -> int:
    """Replies left « sending » by a worker that died: we cannot know whether the network got
    them, so they become « unconfirmed » (a person decides), never re-sent blindly. The
    attempt is recorded as unconfirmed: a later send looks the reply up first."""
    now = now or timezone.now()

    def record(reply: Reply) -> None:
        ReplyAttempt.objects.create(
            organisation_id=reply.organisation_id,
            reply=reply,
            started_at=reply.claimed_at or now,
            outcome=Unconfirmed.code,
            error="the worker stopped while sending",
        )

    return unstick(
        Reply.objects.filter(status=Reply.Status.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER),
        claimed_field="claimed_at",
        to={
            "status": Reply.Status.UNCONFIRMED,
            "error": Unconfirmed().user_message,
            "next_attempt_at": None,
        },
        record=record,
    )
