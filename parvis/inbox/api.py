"""REST endpoints of the inbox: conversations, one thread, replies, triage, response times.

Thin, like the pages (``views.py``): each resolves the caller with ``org_access`` (viewers
read; contributors and up answer, assign, label, note and triage), loads rows inside that
organisation and calls the selectors and services the pages call. A refusal of a service
(``ValidationError``) becomes a 400 ``ErrorOut`` with its code and message. Shapes and bodies
are in ``api_schemas.py``; bodies are strict (``InputSchema``: an unknown field such as
``lables`` is a 422, it never leaves the labels unchanged).

Replies are recorded by ``services.reply_create`` and sent by the worker (the page sends at
once to show the outcome): the answer is 202 with the reply, whose ``status`` then moves from
``pending`` to ``sent`` (or ``retry``, ``unconfirmed``, ``failed`` with ``error``), readable
on the conversation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from parvis.accounts.actor import Actor
from parvis.accounts.api_auth import OrgAccess, org_access
from parvis.accounts.roles import Role
from parvis.core.api_schemas import ErrorOut, Id, OrgSlug, refusal, refused, responses
from parvis.core.scoping import get_scoped_or_404
from parvis.inbox import selectors, services
from parvis.inbox.api_schemas import (
    AssignIn,
    ConversationDetailOut,
    ConversationOut,
    ConversationPageOut,
    FiltersIn,
    LabelsIn,
    NoteIn,
    NoteOut,
    ReplyIn,
    ReplyOut,
    ResponseReportOut,
    StatusIn,
    conversation_fields,
    message_out,
    note_out,
    reply_out,
    stats_out,
)
from parvis.inbox.forms import FilterForm
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import Conversation, Reply
from parvis.inbox.selectors import InboxFilters

router = Router(tags=["inbox"])

MAX_DAYS = 365


# --- helpers ------------------------------------------------------------------------------------


def _conversation_out(c: Conversation) -> ConversationOut:
    """One conversation after a change: labels and goal read again."""
    goal = inbox_settings_for(c.organisation_id).goal
    labels = list(c.labels.order_by("name"))
    over_goal = c.is_over_goal(goal, timezone.now())
    return ConversationOut(**conversation_fields(c, labels, over_goal=over_goal))


def _conversation(access: OrgAccess, conversation_id: Id) -> Conversation:
    return get_scoped_or_404(Conversation, access.organisation, pk=conversation_id)


def _filters(access: OrgAccess, given: FiltersIn) -> InboxFilters | str:
    """The page's own filter form validates the values (accounts and members of this
    organisation only); the message when they are not valid."""
    data: dict[str, Any] = {
        "q": given.q,
        "order": given.order,
        "status": "" if given.status == "all" else given.status,
        "network": given.network,
        "account": "" if given.account is None else str(given.account),
        "intent": given.intent,
        "sentiment": given.sentiment,
        "assignee": given.assignee,
        "label": "" if given.label is None else str(given.label),
        "over_goal": given.over_goal,
    }
    form = FilterForm(data, organisation=access.organisation)
    if given.label is not None and "label" not in form.fields:  # the organisation has none
        return _("label: this organisation has no such label.")
    if not form.is_valid():
        return "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
    if given.assignee == "me" and access.user is None:
        return _("assignee: an API key is not a member; use a member's id.")
    return form.filters()


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/o/{org}/inbox/conversations/",
    response=responses({200: ConversationPageOut, 400: ErrorOut}),
    summary="Conversations, filtered and ordered as in the inbox (priority or newest first)",
)
def conversation_list(request: HttpRequest, org: OrgSlug, filters: Query[FiltersIn]) -> Any:
    access = org_access(request, org, Role.VIEWER)
    chosen = _filters(access, filters)
    if isinstance(chosen, str):
        return refusal(400, "invalid_filter", chosen)
    page = selectors.inbox_page(
        organisation=access.organisation,
        user=access.user,
        filters=chosen,
        offset=filters.offset,
        limit=filters.limit,
    )
    items = [
        ConversationOut(**conversation_fields(c, over_goal=c.pk in page.over_goal_ids))
        for c in page.conversations
    ]
    return ConversationPageOut(
        items=items,
        offset=filters.offset,
        limit=filters.limit,
        has_more=page.has_more,
        next_offset=filters.offset + len(items) if page.has_more else None,
    )


@router.get(
    "/o/{org}/inbox/conversations/{conversation_id}/",
    response=responses({200: ConversationDetailOut}),
    summary="One conversation: its messages, internal notes and replies",
)
def conversation_detail(request: HttpRequest, org: OrgSlug, conversation_id: Id) -> Any:
    access = org_access(request, org, Role.VIEWER)
    thread = selectors.conversation_thread(conversation=_conversation(access, conversation_id))
    return ConversationDetailOut(
        **conversation_fields(thread.conversation, thread.labels, over_goal=thread.over_goal),
        messages=[message_out(m) for m in thread.messages],
        notes=[note_out(n) for n in thread.notes],
        replies=[reply_out(r) for r in thread.replies],
    )


@router.get(
    "/o/{org}/inbox/stats/",
    response=responses({200: ResponseReportOut, 400: ErrorOut}),
    summary="Response times over the last days (the goals page's figures)",
)
def response_stats(request: HttpRequest, org: OrgSlug, days: int = 30) -> Any:
    access = org_access(request, org, Role.VIEWER)
    if not 1 <= days <= MAX_DAYS:
        return refusal(
            400, "invalid_days", _("days must be between 1 and %(max)d.") % {"max": MAX_DAYS}
        )
    report = selectors.response_report(organisation=access.organisation, days=days)
    return ResponseReportOut(
        goal_hours=int(report.goal.total_seconds() // 3600),
        days=days,
        since=report.since,
        overall=stats_out(report.overall),
        by_network=[stats_out(s) for s in report.by_network],
        by_member=[stats_out(s) for s in report.by_member],
    )


# --- answering and triage -----------------------------------------------------------------------


@router.post(
    "/o/{org}/inbox/conversations/{conversation_id}/replies/",
    response=responses({202: ReplyOut, 400: ErrorOut}),
    summary="Answer: the reply is recorded and sent once by the worker",
)
def reply_create(
    request: HttpRequest, org: OrgSlug, conversation_id: Id, payload: ReplyIn | None = None
) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    payload = payload or ReplyIn()
    conversation = _conversation(access, conversation_id)
    try:
        reply = services.reply_create(
            actor=Actor.of_access(access),
            conversation=conversation,
            text=payload.text,
            enqueue=True,
        )
    except ValidationError as exc:
        return refused(exc)
    return Status(202, reply_out(reply))


@router.post(
    "/o/{org}/inbox/conversations/{conversation_id}/replies/{reply_id}/resend",
    response=responses({202: ReplyOut, 409: ErrorOut}),
    summary="Send again a reply that failed or was not confirmed (looked up first)",
)
def reply_resend(request: HttpRequest, org: OrgSlug, conversation_id: Id, reply_id: Id) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    conversation = _conversation(access, conversation_id)
    reply = get_scoped_or_404(Reply, access.organisation, pk=reply_id, conversation=conversation)
    if reply.status not in services.RESENDABLE:
        return refusal(
            409,
            "not_resendable",
            f"Only a failed or unconfirmed reply is sent again ({reply.status}).",
        )
    reply = services.reply_resend(actor=Actor.of_access(access), reply=reply, enqueue=True)
    return Status(202, reply_out(reply))


@router.post(
    "/o/{org}/inbox/conversations/{conversation_id}/status",
    response=responses({200: ConversationOut, 400: ErrorOut}),
    summary="Mark done, reopen (open) or file as spam",
)
def conversation_status(
    request: HttpRequest, org: OrgSlug, conversation_id: Id, payload: StatusIn | None = None
) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    payload = payload or StatusIn()
    conversation = _conversation(access, conversation_id)
    try:
        services.conversation_set_status(
            actor=Actor.of_access(access),
            conversation=conversation,
            status=payload.status,
        )
    except ValidationError as exc:
        return refused(exc)
    return _conversation_out(conversation)


@router.post(
    "/o/{org}/inbox/conversations/{conversation_id}/assign",
    response=responses({200: ConversationOut, 400: ErrorOut}),
    summary="Assign to a member (assignee_id: their user id), or to nobody (null)",
)
def conversation_assign(
    request: HttpRequest, org: OrgSlug, conversation_id: Id, payload: AssignIn | None = None
) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    payload = payload or AssignIn()
    conversation = _conversation(access, conversation_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = selectors.member_user(access.organisation, payload.assignee_id)
        if assignee is None:
            return refusal(
                400, "not_a_member", _("This person is not a member of the organisation.")
            )
    try:
        services.conversation_assign(
            actor=Actor.of_access(access),
            conversation=conversation,
            assignee=assignee,
        )
    except ValidationError as exc:
        return refused(exc)
    return _conversation_out(conversation)


@router.put(
    "/o/{org}/inbox/conversations/{conversation_id}/labels",
    response=responses({200: ConversationOut}),
    summary="Replace the labels (new names become labels of the organisation)",
)
def conversation_labels(
    request: HttpRequest, org: OrgSlug, conversation_id: Id, payload: LabelsIn | None = None
) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    payload = payload or LabelsIn()
    conversation = _conversation(access, conversation_id)
    services.conversation_set_labels(
        actor=Actor.of_access(access),
        conversation=conversation,
        names=payload.labels,
    )
    return _conversation_out(conversation)


@router.post(
    "/o/{org}/inbox/conversations/{conversation_id}/notes/",
    response=responses({201: NoteOut, 400: ErrorOut}),
    summary="Add an internal note (for the team only, never sent)",
)
def note_add(
    request: HttpRequest, org: OrgSlug, conversation_id: Id, payload: NoteIn | None = None
) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    payload = payload or NoteIn()
    conversation = _conversation(access, conversation_id)
    try:
        note = services.note_add(
            actor=Actor.of_access(access),
            conversation=conversation,
            text=payload.text,
        )
    except ValidationError as exc:
        return refused(exc)
    return Status(201, note_out(note))
