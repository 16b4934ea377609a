"""Inbox workflows a person starts: status, assignment, labels, notes, replies, settings.

Each function is keyword-only, checks the caller's role (contributors and up answer; viewers
read), writes the audit log, and leaves the tree of rows consistent. Network calls happen only
in :func:`reply_send`, with the same exactly-once care as publishing.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.core.audit import audit_record
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
from parvis.networks.contracts import Draft, PublishResult
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
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
# A person waits for the answer in the page: fail fast, the task retries transient errors.
INTERACTIVE_POLICY = HttpPolicy(timeout=10.0, connect_timeout=5.0, retries=1, backoff_seconds=0.2)


def _require(membership: Membership, minimum: str = Role.CONTRIBUTOR) -> None:
    if not membership.can(minimum):
        raise PermissionDenied(_("Your role does not allow this."))


def _same_org(membership: Membership, conversation: Conversation) -> None:
    if conversation.organisation_id != membership.organisation_id:
        raise PermissionDenied


# --- triage -------------------------------------------------------------------------------------


def conversation_set_status(
    *, membership: Membership, conversation: Conversation, status: str
) -> Conversation:
    """Done, reopen, file as spam or take it back from spam (spam is never deleted)."""
    _require(membership)
    _same_org(membership, conversation)
    if status not in Conversation.Status.values:
        raise ValidationError(_("Unknown status."))
    before = conversation.status
    if before == status:
        return conversation
    conversation.status = status
    conversation.save(update_fields=["status"])
    audit_record(
        action=f"inbox.conversation.{status}",
        organisation=membership.organisation,
        actor=membership.user,
        target=conversation,
        before=before,
    )
    return conversation


def conversation_assign(
    *, membership: Membership, conversation: Conversation, assignee: User | None
) -> Conversation:
    _require(membership)
    _same_org(membership, conversation)
    if (
        assignee is not None
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, user=assignee
        ).exists()
    ):
        raise ValidationError(_("This person is not a member of the organisation."))
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee"])
    audit_record(
        action="inbox.conversation.assigned",
        organisation=membership.organisation,
        actor=membership.user,
        target=conversation,
        assignee=assignee.email if assignee else "",
    )
    return conversation


def conversation_set_labels(
    *, membership: Membership, conversation: Conversation, names: list[str]
) -> list[Label]:
    """Replace the conversation's labels; unknown names become new labels of the organisation."""
    _require(membership)
    _same_org(membership, conversation)
    cleaned = sorted({" ".join(n.split())[:50] for n in names if n.strip()})[:20]
    labels = []
    for name in cleaned:
        label, _created = Label.objects.get_or_create(
            organisation_id=membership.organisation_id, name=name
        )
        labels.append(label)
    conversation.labels.set(labels)
    audit_record(
        action="inbox.conversation.labelled",
        organisation=membership.organisation,
        actor=membership.user,
        target=conversation,
        labels=cleaned,
    )
    return labels


def note_add(*, membership: Membership, conversation: Conversation, text: str) -> InternalNote:
    """An internal note: for the team only, never sent to the network."""
    _require(membership)
    _same_org(membership, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."))
    note = InternalNote.objects.create(
        organisation_id=membership.organisation_id,
        conversation=conversation,
        author=membership.user,
        text=text[:MAX_REPLY_CHARS],
    )
    audit_record(
        action="inbox.note.added",
        organisation=membership.organisation,
        actor=membership.user,
        target=conversation,
    )
    return note


# --- saved replies and settings ---------------------------------------------------------------


def saved_reply_create(*, membership: Membership, name: str, text: str, intent: str) -> SavedReply:
    _require(membership, Role.MANAGER)
    saved = SavedReply.objects.create(
        organisation_id=membership.organisation_id,
        name=name.strip()[:100],
        text=text.strip(),
        intent=intent,
    )
    audit_record(
        action="inbox.saved_reply.created",
        organisation=membership.organisation,
        actor=membership.user,
        target=saved,
    )
    return saved


def saved_reply_delete(*, membership: Membership, saved_reply: SavedReply) -> None:
    _require(membership, Role.MANAGER)
    if saved_reply.organisation_id != membership.organisation_id:
        raise PermissionDenied
    audit_record(
        action="inbox.saved_reply.deleted",
        organisation=membership.organisation,
        actor=membership.user,
        target=saved_reply,
    )
    saved_reply.delete()


def inbox_settings_update(
    *,
    membership: Membership,
    goal_hours: int,
    job_applications_to: User | None,
    llm_base_url: str,
    llm_model: str,
    llm_api_key: str | None,
) -> InboxSettings:
    """``llm_api_key`` None keeps the stored key; an empty string removes it."""
    _require(membership, Role.MANAGER)
    settings = inbox_settings_for(membership.organisation_id)
    settings.goal_hours = max(1, min(goal_hours, 24 * 30))
    settings.job_applications_to = job_applications_to
    settings.llm_base_url = llm_base_url.strip()
    settings.llm_model = llm_model.strip()
    if llm_api_key is not None:
        settings.llm_api_key = llm_api_key.strip()
    settings.save()
    audit_record(
        action="inbox.settings.updated",
        organisation=membership.organisation,
        actor=membership.user,
        target=settings,
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


def reply_create(*, membership: Membership, conversation: Conversation, text: str) -> Reply:
    """Record the reply a person clicked « Send » for. Nothing is sent without that click."""
    _require(membership)
    _same_org(membership, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("The reply is empty."))
    if len(text) > MAX_REPLY_CHARS:
        raise ValidationError(_("The reply is too long."))
    last_inbound = (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.IN)
        .order_by("-created_at", "-id")
        .first()
    )
    reply = Reply.objects.create(
        organisation_id=membership.organisation_id,
        conversation=conversation,
        in_reply_to=last_inbound,
        author=membership.user,
        text=text,
    )
    audit_record(
        action="inbox.reply.created",
        organisation=membership.organisation,
        actor=membership.user,
        target=conversation,
        reply_id=reply.pk,
    )
    return reply


def reply_resend(*, membership: Membership, reply: Reply) -> Reply:
    """A person decides to send again a reply the network did not confirm (after checking)."""
    _require(membership)
    if reply.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if reply.status not in {Reply.Status.UNCONFIRMED, Reply.Status.FAILED}:
        return reply
    Reply.objects.filter(pk=reply.pk, status=reply.status).update(
        status=Reply.Status.RETRY, error=""
    )
    audit_record(
        action="inbox.reply.resent",
        organisation=membership.organisation,
        actor=membership.user,
        target=reply.conversation,
        reply_id=reply.pk,
    )
    reply.refresh_from_db()
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


def _reconcile(connector: Connector, reply: Reply, since: datetime) -> PublishResult | None:
    """Look the reply up after a timeout. Connectors that cannot find replies answer None
    (X's lookup excludes replies: the reply then stays « unconfirmed » for a person)."""
    try:
        return connector.reconcile(
            Draft(text=reply.text, idempotency_key=str(reply.idempotency_key)), since=since
        )
    except ConnectorError as exc:
        log.info("inbox.reply_reconcile_failed", extra={"reply_id": reply.pk, "error": repr(exc)})
        return None


def reply_send(
    *, reply_id: int, connector: Connector | None = None, now: datetime | None = None
) -> Reply | None:
    """Send one reply through its account's connector, exactly once.

    The remote id is stored the moment the network returns it. A timeout (``Unconfirmed``) is
    looked up before anything else and, when not found, left « unconfirmed »: only a person
    may send it again. Transient failures and rate limits are retried later by the task;
    a refusal stays in the reply box with the network's reason. Demo conversations are never
    sent: the reply is recorded as « demo: not sent ».
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
        result = connector.reply(parent_id=parent_id, text=reply.text)
    except Unconfirmed as exc:
        found = _reconcile(connector, reply, started_at - timedelta(minutes=1))
        if found is None:
            _attempt(reply, started, started_at, exc.code, error=exc.user_message)
            Reply.objects.filter(pk=reply.pk).update(
                status=Reply.Status.UNCONFIRMED, error=exc.user_message
            )
            reply.refresh_from_db()
            return reply
        result = PublishResult(found.remote_id, found.url, reconciled=True)
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
        Reply.objects.filter(pk=reply.pk).update(
            status=status, error=exc.user_message, next_attempt_at=next_at
        )
        reply.refresh_from_db()
        if status == Reply.Status.RETRY:
            from parvis.inbox.tasks import enqueue_reply

            enqueue_reply(reply.pk, eta=next_at)
        return reply
    except (AuthExpired, Rejected) as exc:
        _attempt(reply, started, started_at, exc.code, error=exc.user_message)
        if isinstance(exc, AuthExpired):
            _account_error(account, exc)
        Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.FAILED, error=exc.user_message)
        reply.refresh_from_db()
        return reply
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
    them, so they become « unconfirmed » (a person decides), never re-sent blindly."""
    cutoff = (now or timezone.now()) - SENDING_STALE_AFTER
    stale = Reply.objects.filter(status=Reply.Status.SENDING, claimed_at__lt=cutoff)
    return stale.update(
        status=Reply.Status.UNCONFIRMED,
        error=Unconfirmed().user_message,
    )
