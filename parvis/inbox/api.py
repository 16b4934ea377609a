"""REST endpoints of the inbox: conversations, one thread, replies, triage, response times.

Thin, like the pages (``views.py``): each resolves the caller with ``org_access`` (viewers
read; contributors and up answer, assign, label, note and triage), loads rows inside that
organisation and calls the selectors and services the pages call. A refusal of a service
(``ValidationError``) becomes a 400 ``ErrorOut`` with its code and message; bodies are strict
(``InputSchema``: an unknown field such as ``lables`` is a 422, it never leaves the labels
unchanged).

Replies are recorded by ``services.reply_create`` and sent by the worker (the page sends at
once to show the outcome): the answer is 202 with the reply, whose ``status`` then moves from
``pending`` to ``sent`` (or ``retry``, ``unconfirmed``, ``failed`` with ``error``), readable
on the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from parvis.accounts.actor import Actor
from parvis.accounts.api_auth import OrgAccess, org_access
from parvis.accounts.models import User
from parvis.accounts.roles import Role
from parvis.core.api_schemas import (
    ErrorOut,
    Id,
    InputSchema,
    Offset,
    OrgSlug,
    QuerySchema,
    responses,
)
from parvis.core.scoping import get_scoped_or_404
from parvis.inbox import selectors, services
from parvis.inbox.forms import FilterForm
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import Conversation, InternalNote, Label, Message, Reply
from parvis.inbox.selectors import InboxFilters, ResponseStats

router = Router(tags=["inbox"])

MAX_LIMIT = 100
MAX_DAYS = 365


# --- schemas ------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    email: str


class ConversationOut(Schema):
    id: int
    network: str
    account_id: int
    account: str
    kind: str
    status: str
    participant_id: str
    participant_handle: str
    participant_name: str
    snippet: str
    subject_url: str
    message_count: int
    last_message_at: datetime
    first_inbound_at: datetime | None
    awaiting_since: datetime | None
    first_response_at: datetime | None
    over_goal: bool
    priority_score: float
    priority_level: str
    priority_reasons: list[Any]
    intent: str
    sentiment: str
    is_lead: bool
    is_demo: bool
    assignee: PersonOut | None
    labels: list[str]


class ConversationPageOut(Schema):
    items: list[ConversationOut]
    offset: int
    limit: int
    has_more: bool
    next_offset: int | None


class MessageOut(Schema):
    id: int
    remote_id: str
    parent_remote_id: str
    direction: str
    author_id: str
    author_handle: str
    author_name: str
    text: str
    url: str
    created_at: datetime
    language: str
    sentiment: str
    intent: str


class NoteOut(Schema):
    id: int
    author: PersonOut | None  # None: written with an API key
    text: str
    created_at: datetime


class ReplyOut(Schema):
    id: int
    conversation_id: int
    status: str
    text: str
    author: PersonOut | None  # None: written with an API key
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    remote_id: str
    url: str
    error: str


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
    notes: list[NoteOut]
    replies: list[ReplyOut]


class FiltersIn(QuerySchema):
    """The inbox page's filters. ``status`` is ``open`` by default; ``all`` (or empty) for
    every status. ``assignee``: a member's user id, ``me``, ``none``, or empty for anyone."""

    q: str = ""
    order: str = "priority"
    status: str = Conversation.Status.OPEN
    network: str = ""
    account: Id | None = None
    intent: str = ""
    sentiment: str = ""
    assignee: str = ""
    label: Id | None = None
    over_goal: bool = False
    offset: Offset = 0
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = selectors.PAGE_SIZE


# Bodies have defaults so that a missing field is answered by the service's own message
# (and so that an organisation check always comes before body validation).
class ReplyIn(InputSchema):
    text: str = ""


class StatusIn(InputSchema):
    status: str = ""


class AssignIn(InputSchema):
    assignee_id: Id | None = None  # None: nobody


class LabelsIn(InputSchema):
    labels: list[str] = []


class NoteIn(InputSchema):
    text: str = ""


class StatsOut(Schema):
    key: str
    conversations: int
    answered: int
    response_rate: float
    median_hours: float | None
    p90_hours: float | None
    within_goal: int


class ResponseReportOut(Schema):
    goal_hours: int
    days: int
    since: datetime
    overall: StatsOut
    by_network: list[StatsOut]
    by_member: list[StatsOut]


# --- helpers ------------------------------------------------------------------------------------


def _person(user: User | None) -> PersonOut | None:
    if user is None:
        return None
    return PersonOut(id=user.pk, name=user.display_name, email=user.email)


def _summary(
    c: Conversation, labels: list[Label] | None = None, *, over_goal: bool
) -> dict[str, Any]:
    """The list row; ``labels`` read from the prefetch when not given."""
    return {
        "id": c.pk,
        "network": c.account.kind,
        "account_id": c.account_id,
        "account": c.account.handle,
        "kind": c.kind,
        "status": c.status,
        "participant_id": c.participant_id,
        "participant_handle": c.participant_handle,
        "participant_name": c.participant_name,
        "snippet": c.snippet,
        "subject_url": c.subject_url,
        "message_count": c.message_count,
        "last_message_at": c.last_message_at,
        "first_inbound_at": c.first_inbound_at,
        "awaiting_since": c.awaiting_since,
        "first_response_at": c.first_response_at,
        "over_goal": over_goal,
        "priority_score": c.priority_score,
        "priority_level": c.priority_level,
        "priority_reasons": list(c.priority_reasons or []),
        "intent": c.intent,
        "sentiment": c.sentiment,
        "is_lead": c.is_lead,
        "is_demo": c.is_demo,
        "assignee": _person(c.assignee),
        "labels": [label.name for label in (labels if labels is not None else c.labels.all())],
    }


def _conversation_out(c: Conversation) -> ConversationOut:
    """One conversation after a change: labels and goal read again."""
    goal = inbox_settings_for(c.organisation_id).goal
    labels = list(c.labels.order_by("name"))
    return ConversationOut(**_summary(c, labels, over_goal=c.is_over_goal(goal, timezone.now())))


def _message_out(m: Message) -> MessageOut:
    return MessageOut(
        id=m.pk,
        remote_id=m.remote_id,
        parent_remote_id=m.parent_remote_id,
        direction=m.direction,
        author_id=m.author_id,
        author_handle=m.author_handle,
        author_name=m.author_name,
        text=m.text,
        url=m.url,
        created_at=m.created_at,
        language=m.language,
        sentiment=m.sentiment,
        intent=m.intent,
    )


def _note_out(n: InternalNote) -> NoteOut:
    return NoteOut(id=n.pk, author=_person(n.author), text=n.text, created_at=n.created_at)


def _reply_out(r: Reply) -> ReplyOut:
    return ReplyOut(
        id=r.pk,
        conversation_id=r.conversation_id,
        status=r.status,
        text=r.text,
        author=_person(r.author),
        created_at=r.created_at,
        sent_at=r.sent_at,
        next_attempt_at=r.next_attempt_at,
        remote_id=r.remote_id,
        url=r.url,
        error=r.error,
    )


def _stats_out(s: ResponseStats) -> StatsOut:
    return StatsOut(
        key=s.key,
        conversations=s.conversations,
        answered=s.answered,
        response_rate=s.response_rate,
        median_hours=s.median_hours,
        p90_hours=s.p90_hours,
        within_goal=s.within_goal,
    )


def _error(status: int, code: str, message: str) -> Status[ErrorOut]:
    return Status(status, ErrorOut(code=code, detail=message))


def _refused(exc: ValidationError) -> Status[ErrorOut]:
    return _error(400, str(exc.code or "invalid"), " ".join(exc.messages))


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
        return _error(400, "invalid_filter", chosen)
    page = selectors.inbox_page(
        organisation=access.organisation,
        user=access.user,
        filters=chosen,
        offset=filters.offset,
        limit=filters.limit,
    )
    items = [
        ConversationOut(**_summary(c, over_goal=c.pk in page.over_goal_ids))
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
        **_summary(thread.conversation, thread.labels, over_goal=thread.over_goal),
        messages=[_message_out(m) for m in thread.messages],
        notes=[_note_out(n) for n in thread.notes],
        replies=[_reply_out(r) for r in thread.replies],
    )


@router.get(
    "/o/{org}/inbox/stats/",
    response=responses({200: ResponseReportOut, 400: ErrorOut}),
    summary="Response times over the last days (the goals page's figures)",
)
def response_stats(request: HttpRequest, org: OrgSlug, days: int = 30) -> Any:
    access = org_access(request, org, Role.VIEWER)
    if not 1 <= days <= MAX_DAYS:
        return _error(
            400, "invalid_days", _("days must be between 1 and %(max)d.") % {"max": MAX_DAYS}
        )
    report = selectors.response_report(organisation=access.organisation, days=days)
    return ResponseReportOut(
        goal_hours=int(report.goal.total_seconds() // 3600),
        days=days,
        since=report.since,
        overall=_stats_out(report.overall),
        by_network=[_stats_out(s) for s in report.by_network],
        by_member=[_stats_out(s) for s in report.by_member],
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
        return _refused(exc)
    return Status(202, _reply_out(reply))


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
        return _error(
            409,
            "not_resendable",
            f"Only a failed or unconfirmed reply is sent again ({reply.status}).",
        )
    reply = services.reply_resend(actor=Actor.of_access(access), reply=reply, enqueue=True)
    return Status(202, _reply_out(reply))


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
        return _refused(exc)
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
            return _error(
                400, "not_a_member", _("This person is not a member of the organisation.")
            )
    try:
        services.conversation_assign(
            actor=Actor.of_access(access),
            conversation=conversation,
            assignee=assignee,
        )
    except ValidationError as exc:
        return _refused(exc)
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
        return _refused(exc)
    return Status(201, _note_out(note))
