"""The inbox API's shapes: what a conversation, a message, a note, a reply and the response
figures look like over HTTP, the bodies the endpoints accept, and how a row becomes its shape.

Refusals are the API's one :class:`~parvis.core.api_schemas.ErrorOut`; bodies derive from
``InputSchema`` (an unknown field is a 422).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from parvis.accounts.models import User
from parvis.core.api_schemas import Id, InputSchema, Offset, QuerySchema
from parvis.inbox.models import Conversation, InternalNote, Label, Message, Reply
from parvis.inbox.selectors import PAGE_SIZE, ResponseStats

MAX_LIMIT = 100


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
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = PAGE_SIZE


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


# --- rows as shapes -------------------------------------------------------------------------------


def person_out(user: User | None) -> PersonOut | None:
    if user is None:
        return None
    return PersonOut(id=user.pk, name=user.display_name, email=user.email)


def conversation_fields(
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
        "assignee": person_out(c.assignee),
        "labels": [label.name for label in (labels if labels is not None else c.labels.all())],
    }


def message_out(m: Message) -> MessageOut:
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


def note_out(n: InternalNote) -> NoteOut:
    return NoteOut(id=n.pk, author=person_out(n.author), text=n.text, created_at=n.created_at)


def reply_out(r: Reply) -> ReplyOut:
    return ReplyOut(
        id=r.pk,
        conversation_id=r.conversation_id,
        status=r.status,
        text=r.text,
        author=person_out(r.author),
        created_at=r.created_at,
        sent_at=r.sent_at,
        next_attempt_at=r.next_attempt_at,
        remote_id=r.remote_id,
        url=r.url,
        error=r.error,
    )


def stats_out(s: ResponseStats) -> StatsOut:
    return StatsOut(
        key=s.key,
        conversations=s.conversations,
        answered=s.answered,
        response_rate=s.response_rate,
        median_hours=s.median_hours,
        p90_hours=s.p90_hours,
        within_goal=s.within_goal,
    )
