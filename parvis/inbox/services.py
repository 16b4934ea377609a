"""Inbox workflows a person starts: status, assignment, labels, notes, replies, settings.

Each function is keyword-only, checks the caller's role (contributors and up answer; viewers
read), writes the audit log, and leaves the tree of rows consistent. The caller is an
:class:`Actor` (a member from the pages, ``Actor.of(membership)``, or an API key from the
REST API). Network calls happen only in :func:`reply_send`, with the same exactly-once
care as publishing: a reply that may already be on the network is looked up before any new
send (``Connector.reconcile_reply``), never re-sent blindly.
"""

from __future__ import annotations

import enum
import logging
import re
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import (
    Conversation,
    InboxSettings,
    InternalNote,
    Label,
    Message,
    Reply,
    ReplyAttempt,
    SavedReply,
)
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
from parvis.networks.transport import HttpPolicy

if TYPE_CHECKING:
    from parvis.networks.base import Connector
    from parvis.networks.models import SocialAccount

log = logging.getLogger("parvis.inbox")

MAX_REPLY_CHARS = 5000
RETRY_BACKOFF = (60, 300, 900, 3600)  # seconds, then give up and show the error
SENDING_STALE_AFTER = timedelta(minutes=10)
# A reply the lookup did not find right after a timeout is looked up once more after this
# pause (the network may still be writing it), and sent only if still absent.
UNCONFIRMED_RECHECK = timedelta(seconds=30)
# X and others round ``start_time`` to the second: look a little before the reply was written.
RECONCILE_SLACK = timedelta(seconds=5)
# A person waits for the answer in the page: fail fast, the task retries transient errors.
INTERACTIVE_POLICY = HttpPolicy(timeout=10.0, connect_timeout=5.0, retries=1, backoff_seconds=0.2)


def _require(actor: Actor, minimum: str = Role.CONTRIBUTOR) -> None:
    actor.require(minimum)


def _same_org(actor: Actor, row: Conversation | Reply | SavedReply) -> None:
    if row.organisation_id != actor.organisation.pk:
        raise PermissionDenied


# --- triage -------------------------------------------------------------------------------------


def conversation_set_status(
    *,
    conversation: Conversation,
    status: str,
    actor: Actor,
) -> Conversation:
    """Done, reopen, file as spam or take it back from spam (spam is never deleted)."""
    _require(actor)
    _same_org(actor, conversation)
    if status not in Conversation.Status.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")
    before = conversation.status
    if before == status:
        return conversation
    conversation.status = status
    conversation.save(update_fields=["status"])
    actor.audit(f"inbox.conversation.{status}", conversation, before=before)
    return conversation


def conversation_assign(
    *,
    conversation: Conversation,
    assignee: User | None,
    actor: Actor,
) -> Conversation:
    _require(actor)
    _same_org(actor, conversation)
    if (
        assignee is not None
        and not Membership.objects.filter(
            organisation_id=actor.organisation.pk, user=assignee
        ).exists()
    ):
        raise ValidationError(
            _("This person is not a member of the organisation."), code="not_a_member"
        )
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee"])
    actor.audit(
        "inbox.conversation.assigned", conversation, assignee=assignee.email if assignee else ""
    )
    return conversation


def conversation_set_labels(
    *,
    conversation: Conversation,
    names: list[str],
    actor: Actor,
) -> list[Label]:
    """Replace the conversation's labels; unknown names become new labels of the organisation."""
    _require(actor)
    _same_org(actor, conversation)
    cleaned = sorted({" ".join(n.split())[:50] for n in names if n.strip()})[:20]
    labels = []
    for name in cleaned:
        label, _created = Label.objects.get_or_create(
            organisation_id=actor.organisation.pk, name=name
        )
        labels.append(label)
    conversation.labels.set(labels)
    actor.audit("inbox.conversation.labelled", conversation, labels=cleaned)
    return labels


def note_add(
    *,
    conversation: Conversation,
    text: str,
    actor: Actor,
) -> InternalNote:
    """An internal note: for the team only, never sent to the network."""
    _require(actor)
    _same_org(actor, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="empty_note")
    note = InternalNote.objects.create(
        organisation_id=actor.organisation.pk,
        conversation=conversation,
        author=actor.user,
        text=text[:MAX_REPLY_CHARS],
    )
    actor.audit("inbox.note.added", conversation)
    return note


# --- saved replies and settings ---------------------------------------------------------------


def saved_reply_create(
    *,
    name: str,
    text: str,
    intent: str,
    actor: Actor,
) -> SavedReply:
    _require(actor, Role.MANAGER)
    saved = SavedReply.objects.create(
        organisation_id=actor.organisation.pk,
        name=name.strip()[:100],
        text=text.strip(),
        intent=intent,
    )
    actor.audit("inbox.saved_reply.created", saved)
    return saved


def saved_reply_delete(*, saved_reply: SavedReply, actor: Actor) -> None:
    _require(actor, Role.MANAGER)
    _same_org(actor, saved_reply)
    actor.audit("inbox.saved_reply.deleted", saved_reply)
    saved_reply.delete()


def inbox_settings_update(
    *,
    goal_hours: int,
    job_applications_to: User | None,
    llm_base_url: str,
    llm_model: str,
    llm_api_key: str | None,
    actor: Actor,
) -> InboxSettings:
    """``llm_api_key`` None keeps the stored key; an empty string removes it."""
    _require(actor, Role.MANAGER)
    settings = inbox_settings_for(actor.organisation.pk)
    settings.goal_hours = max(1, min(goal_hours, 24 * 30))
    settings.job_applications_to = job_applications_to
    settings.llm_base_url = llm_base_url.strip()
    settings.llm_model = llm_model.strip()
    if llm_api_key is not None:
        settings.llm_api_key = llm_api_key.strip()
    settings.save()
    actor.audit(
        "inbox.settings.updated",
        settings,
        goal_hours=settings.goal_hours,
        llm=bool(settings.llm_configured),
    )
    return settings


_VARIABLE = re.compile(r"\{(\w+)\}")
_ORDER_NUMBER = re.compile(
    r"(?:commande|cde|order|dossier|facture)\s*(?:n[°o]\.?|num[ée]ro|#)?\s*:?\s*#?([A-Z0-9-]{3,20})",
    re.IGNORECASE,
)


def reply_variables(conversation: Conversation, last_inbound: Message | None) -> dict[str, str]:
    """What saved replies may use: first name, handle, order number found in the message…"""
    name = conversation.participant_name or ""
    text = last_inbound.text if last_inbound is not None else ""
    order = _ORDER_NUMBER.search(text)
    return {
        "first_name": name.split()[0] if name.split() else conversation.participant_handle,
        "name": name or conversation.participant_handle,
        "handle": conversation.participant_handle,
        "order_number": order.group(1) if order else "",
        "organisation": conversation.organisation.name,
    }


def render_saved_reply(text: str, variables: dict[str, str]) -> str:
    """Fill ``{variable}``; an unknown or empty one stays visible for the person to complete.

    A regular expression, not ``str.format``: saved replies are written by users and
    ``format`` would let ``{0.__class__}`` reach into Python objects.
    """
    return _VARIABLE.sub(lambda m: variables.get(m.group(1)) or m.group(0), text)


# --- replies ------------------------------------------------------------------------------------


def _enqueue(reply: Reply) -> None:
    from parvis.inbox.tasks import enqueue_reply

    enqueue_reply(reply.pk)


def reply_create(
    *,
    conversation: Conversation,
    text: str,
    actor: Actor,
    enqueue: bool = False,
) -> Reply:
    """Record the reply a person clicked « Send » for. Nothing is sent without that click.

    ``enqueue``: the worker sends it once the transaction commits (the REST API); the page
    calls :func:`reply_send` itself to show the outcome at once. Either way the send claims
    the reply first, so it reaches the network once.
    """
    _require(actor)
    _same_org(actor, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("The reply is empty."), code="empty_reply")
    if len(text) > MAX_REPLY_CHARS:
        raise ValidationError(_("The reply is too long."), code="reply_too_long")
    last_inbound = (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.IN)
        .order_by("-created_at", "-id")
        .first()
    )
    reply = Reply.objects.create(
        organisation_id=actor.organisation.pk,
        conversation=conversation,
        in_reply_to=last_inbound,
        author=actor.user,
        text=text,
    )
    actor.audit("inbox.reply.created", conversation, reply_id=reply.pk)
    if enqueue:
        _enqueue(reply)
    return reply


RESENDABLE = (Reply.Status.UNCONFIRMED, Reply.Status.FAILED)


def reply_resend(
    *,
    reply: Reply,
    actor: Actor,
    enqueue: bool = False,
) -> Reply:
    """A person decides to send again a reply that failed or that the network did not confirm.

    The next send still looks it up first when the network can tell (it may have arrived);
    when the network cannot tell, this decision is what allows sending it again. A clear
    ``next_attempt_at`` marks the decision (automatic retries always set one).
    """
    _require(actor)
    _same_org(actor, reply)
    if reply.status not in RESENDABLE:
        return reply
    Reply.objects.filter(pk=reply.pk, status=reply.status).update(
        status=Reply.Status.RETRY, error="", next_attempt_at=None
    )
    actor.audit("inbox.reply.resent", reply.conversation, reply_id=reply.pk)
    reply.refresh_from_db()
    if enqueue:
        _enqueue(reply)
    return reply


def _claim(reply_id: int) -> Reply | None:
    """Move a sendable reply to SENDING atomically; None when another worker has it or it is
    no longer sendable (sent, demo, unconfirmed…): this is what makes the task safe to run twice.
    """
    claimed = Reply.objects.filter(
        pk=reply_id, status__in=[Reply.Status.PENDING, Reply.Status.RETRY]
    ).update(status=Reply.Status.SENDING, claimed_at=timezone.now())
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


def _attempt(reply: Reply, started: float, started_at: datetime, outcome: str, **kw: str) -> None:
    ReplyAttempt.objects.create(
        organisation_id=reply.organisation_id,
        reply=reply,
        started_at=started_at,
        duration_ms=int((time.monotonic() - started) * 1000),
        outcome=outcome,
        **kw,
    )


def _account_error(account: SocialAccount, error: ConnectorError) -> None:
    """Tell the networks app (account state); log only if that service is not there."""
    try:
        from parvis.networks.services import account_record_error
    except ImportError:  # pragma: no cover - the networks services are optional here
        log.warning("inbox.account_error", extra={"account_id": account.pk, "error": repr(error)})
        return
    account_record_error(account=account, error=error)


class Lookup(enum.Enum):
    """What a lookup of a reply that may be on the network said, when it did not find it."""

    ABSENT = "absent"  # looked, not there: safe to send
    CANNOT_TELL = "cannot_tell"  # the network offers no way to know (or not this far back)


def _look_up(connector: Connector, reply: Reply, parent_id: str) -> PublishResult | Lookup:
    """Ask the network whether the reply is there. Other connector errors propagate: the
    lookup failed this time, which tells nothing either way."""
    try:
        found = connector.reconcile_reply(
            parent_id=parent_id, text=reply.text, since=reply.created_at - RECONCILE_SLACK
        )
    except NotSupported:
        return Lookup.CANNOT_TELL
    if found is None:
        return Lookup.ABSENT
    return PublishResult(found.remote_id, found.url, reconciled=True)


def _may_be_online(reply: Reply) -> bool:
    """An earlier send of this reply timed out (or its worker died): it may have arrived."""
    return reply.attempts.filter(outcome=Unconfirmed.code).exists()


def _last_outcome(reply: Reply) -> str:
    last = reply.attempts.order_by("-started_at", "-id").values_list("outcome", flat=True).first()
    return last or ""


def _set(reply: Reply, **fields: object) -> Reply:
    Reply.objects.filter(pk=reply.pk).update(**fields)
    reply.refresh_from_db()
    return reply


def _still_unconfirmed(
    reply: Reply,
    account: SocialAccount,
    started: float,
    started_at: datetime,
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
    _attempt(reply, started, started_at, Unconfirmed.code, error=detail)
    if isinstance(error, (RateLimited, AuthExpired)):
        _account_error(account, error)
    if not recheck or tries >= len(RETRY_BACKOFF):
        return _set(reply, status=Reply.Status.UNCONFIRMED, error=message, next_attempt_at=None)
    wait = UNCONFIRMED_RECHECK if error is None else timedelta(seconds=RETRY_BACKOFF[tries])
    if isinstance(error, RateLimited):
        wait = max(wait, timedelta(seconds=int(error.retry_after_seconds(started_at)) + 1))
    next_at = started_at + wait
    reply = _set(reply, status=Reply.Status.RETRY, error=message, next_attempt_at=next_at)
    from parvis.inbox.tasks import enqueue_reply

    enqueue_reply(reply.pk, eta=next_at)
    return reply


def _look_up_or_wait(
    connector: Connector,
    reply: Reply,
    parent_id: str,
    started: float,
    started_at: datetime,
) -> PublishResult | Reply | Lookup:
    """The reply as found on the network, what the lookup could tell, or — when the lookup
    itself failed — the reply left unconfirmed (looked up again later unless refused)."""
    try:
        return _look_up(connector, reply, parent_id)
    except ConnectorError as exc:
        log.info("inbox.reply_reconcile_failed", extra={"reply_id": reply.pk, "error": repr(exc)})
        recheck = not exc.permanent  # a refused lookup will not work better later
        account = reply.conversation.account
        return _still_unconfirmed(reply, account, started, started_at, error=exc, recheck=recheck)


def _after_timeout(
    connector: Connector,
    reply: Reply,
    parent_id: str,
    started: float,
    started_at: datetime,
) -> PublishResult | Reply:
    """The send timed out: look the reply up at once. Found: it is sent. Absent: look again
    after :data:`UNCONFIRMED_RECHECK`, then send if still absent. Cannot tell: a person
    decides. The lookup failed: try the lookup again later (a person decides when it was
    refused for good, e.g. an expired token)."""
    found = _look_up_or_wait(connector, reply, parent_id, started, started_at)
    if not isinstance(found, Lookup):
        return found
    recheck = found is Lookup.ABSENT
    account = reply.conversation.account
    return _still_unconfirmed(reply, account, started, started_at, error=None, recheck=recheck)


def _before_resend(
    connector: Connector,
    reply: Reply,
    parent_id: str,
    started: float,
    started_at: datetime,
) -> PublishResult | Reply | None:
    """A reply that may already be on the network: look it up before sending it again.

    A result: it is there (nothing to send). None: send it. A reply: not now (its new state).
    When the network cannot tell, send only on a person's decision (or when the last attempt
    after that decision ended in a plain error): automatic retries never re-send blindly.
    """
    found = _look_up_or_wait(connector, reply, parent_id, started, started_at)
    if not isinstance(found, Lookup):
        return found
    if found is Lookup.CANNOT_TELL:
        decided = reply.next_attempt_at is None  # see reply_resend
        if not decided and _last_outcome(reply) == Unconfirmed.code:
            message = Unconfirmed().user_message
            return _set(reply, status=Reply.Status.UNCONFIRMED, error=message, next_attempt_at=None)
    return None


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
    started_at = now or timezone.now()
    if conversation.is_demo or account.is_demo:
        with transaction.atomic():
            Reply.objects.filter(pk=reply.pk).update(
                status=Reply.Status.DEMO, sent_at=started_at, error=""
            )
            _record_answer(reply, None, started_at)
        reply.refresh_from_db()
        return reply
    started = time.monotonic()
    parent_id = reply.in_reply_to.remote_id if reply.in_reply_to else conversation.subject_remote_id
    connector = connector or account.connector(policy=INTERACTIVE_POLICY)
    try:
        checked = (
            _before_resend(connector, reply, parent_id, started, started_at)
            if _may_be_online(reply)
            else None
        )
        if isinstance(checked, Reply):
            return checked
        result = (
            checked
            if checked is not None
            else connector.reply(parent_id=parent_id, text=reply.text)
        )
    except Unconfirmed:
        outcome = _after_timeout(connector, reply, parent_id, started, started_at)
        if isinstance(outcome, Reply):
            return outcome
        result = outcome
    except (RateLimited, Transient) as exc:
        tries = reply.attempts.count()
        _attempt(reply, started, started_at, exc.code, error=exc.user_message)
        if isinstance(exc, RateLimited):
            _account_error(account, exc)
        if tries >= len(RETRY_BACKOFF):
            status, next_at = Reply.Status.FAILED, None
        else:
            status = Reply.Status.RETRY
            wait = RETRY_BACKOFF[tries]
            if isinstance(exc, RateLimited):
                wait = max(wait, int(exc.retry_after_seconds(started_at)) + 1)
            next_at = started_at + timedelta(seconds=wait)
        reply = _set(reply, status=status, error=exc.user_message, next_attempt_at=next_at)
        if status == Reply.Status.RETRY:
            from parvis.inbox.tasks import enqueue_reply

            enqueue_reply(reply.pk, eta=next_at)
        return reply
    except (AuthExpired, Rejected) as exc:
        _attempt(reply, started, started_at, exc.code, error=exc.user_message)
        if isinstance(exc, AuthExpired):
            _account_error(account, exc)
        return _set(reply, status=Reply.Status.FAILED, error=exc.user_message)
    # Persist the remote id first, in its own statement: whatever fails next, we know it's out.
    done_at = timezone.now()
    Reply.objects.filter(pk=reply.pk).update(
        status=Reply.Status.SENT,
        remote_id=result.remote_id,
        url=result.url,
        sent_at=done_at,
        error="",
    )
    _attempt(
        reply,
        started,
        started_at,
        "reconciled" if result.reconciled else "sent",
        remote_id=result.remote_id,
    )
    reply.refresh_from_db()
    _record_answer(reply, result, done_at)
    return reply


def replies_unstick(*, now: datetime | None = None) -> int:
    """Replies left « sending » by a worker that died: we cannot know whether the network got
    them, so they become « unconfirmed » (a person decides), never re-sent blindly. The
    attempt is recorded as unconfirmed: a later send looks the reply up first."""
    now = now or timezone.now()
    cutoff = now - SENDING_STALE_AFTER
    message = Unconfirmed().user_message
    count = 0
    for reply in Reply.objects.filter(status=Reply.Status.SENDING, claimed_at__lt=cutoff):
        with transaction.atomic():
            moved = Reply.objects.filter(
                pk=reply.pk, status=Reply.Status.SENDING, claimed_at=reply.claimed_at
            ).update(status=Reply.Status.UNCONFIRMED, error=message, next_attempt_at=None)
            if moved:
                ReplyAttempt.objects.create(
                    organisation_id=reply.organisation_id,
                    reply=reply,
                    started_at=reply.claimed_at or now,
                    outcome=Unconfirmed.code,
                    error="the worker stopped while sending",
                )
        count += moved
    return count
