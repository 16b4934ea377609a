"""Inbox workflows a person starts: status, assignment, labels, notes, replies, settings.

Each function is keyword-only, checks the caller's role (contributors and up answer; viewers
read), writes the audit log, and leaves the tree of rows consistent. The caller is an
:class:`Actor` (a member from the pages, ``Actor.of(membership)``, or an API key from the
REST API). Sending a reply to the network is :mod:`parvis.inbox.reply_sending` (exactly once,
through :mod:`parvis.core.sending`); filling a saved reply is :mod:`parvis.inbox.templating`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
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
    SavedReply,
)
from parvis.inbox.reply_sending import enqueue_reply_send

MAX_REPLY_CHARS = 5000


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


# --- replies ------------------------------------------------------------------------------------


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
        enqueue_reply_send(reply.pk)
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
        enqueue_reply_send(reply.pk)
    return reply
