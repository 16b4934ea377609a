"""Reads for the inbox: the list with its filters, one conversation, response-time figures.

The list reads only ``Conversation`` rows (denormalised on ingestion) plus their account,
assignee and labels in a fixed number of queries, whatever the number of rows shown.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from parvis.accounts.models import Membership, Organisation, User
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import (
    RAISED_INTENTS,
    Conversation,
    InternalNote,
    Label,
    Message,
    Reply,
    SavedReply,
)
from parvis.inbox.search import matching_conversation_ids
from parvis.inbox.templating import render_saved_reply, reply_variables

PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxFilters:
    status: str = Conversation.Status.OPEN
    network: str = ""
    account: int | None = None
    intent: str = ""
    sentiment: str = ""
    assignee: str = ""  # a user id, "me", "none" or ""
    label: int | None = None
    over_goal: bool = False
    q: str = ""
    order: str = "priority"  # or "newest"


@dataclass
class InboxPage:
    conversations: list[Conversation]
    offset: int
    has_more: bool
    goal: timedelta
    now: datetime
    over_goal_ids: set[int] = field(default_factory=set)


def _base(
    organisation: Organisation, filters: InboxFilters, user: User | None
) -> QuerySet[Conversation]:
    qs = Conversation.objects.for_organisation(organisation)
    if filters.status in Conversation.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.network:
        qs = qs.filter(account__kind=filters.network)
    if filters.account:
        qs = qs.filter(account_id=filters.account)
    if filters.intent:
        qs = qs.filter(intent=filters.intent)
    if filters.sentiment:
        qs = qs.filter(sentiment=filters.sentiment)
    if filters.assignee == "me":
        # An API key is nobody: "assigned to me" matches nothing for it.
        qs = qs.filter(assignee=user) if user is not None else qs.none()
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.label:
        qs = qs.filter(labels__id=filters.label)
    return qs


def _decorate(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.select_related("account", "assignee").prefetch_related(
        Prefetch("labels", queryset=Label.objects.order_by("name"))
    )


def inbox_page(
    *,
    organisation: Organisation,
    user: User | None,
    filters: InboxFilters,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> InboxPage:
    """One page of the inbox.

    Priority order puts complaints and leads waiting longer than the goal first (oldest
    first), then everything else by priority score. It is computed as two index-friendly
    queries rather than one ``CASE`` sort, which would sort every open conversation.
    """
    now = now or timezone.now()
    goal = inbox_settings_for(organisation.pk).goal
    cutoff = now - goal
    qs = _base(organisation, filters, user)
    if filters.q.strip():
        qs = qs.filter(pk__in=matching_conversation_ids(organisation.pk, filters.q))
    overdue = Q(awaiting_since__lt=cutoff)
    raised = overdue & Q(intent__in=RAISED_INTENTS)
    if filters.over_goal:
        qs = qs.filter(overdue)
    rows: list[Conversation]
    if filters.order == "newest":
        rows = list(_decorate(qs.order_by("-last_message_at", "-id"))[offset : offset + limit + 1])
    else:
        first = qs.filter(raised).order_by("awaiting_since", "id")
        rest = qs.exclude(raised).order_by("-priority_score", "-last_message_at", "-id")
        # Counting the raised rows is only needed when paging past all of them.
        rows = list(_decorate(first)[offset : offset + limit + 1])
        if not rows and offset:
            start = offset - first.count()
            rows = list(_decorate(rest)[start : start + limit + 1])
        elif len(rows) <= limit:
            rows += list(_decorate(rest)[: limit + 1 - len(rows)])
    over = {c.pk for c in rows if c.awaiting_since is not None and c.awaiting_since < cutoff}
    return InboxPage(
        conversations=rows[:limit],
        offset=offset,
        has_more=len(rows) > limit,
        goal=goal,
        now=now,
        over_goal_ids=over,
    )


@dataclass
class ConversationView:
    conversation: Conversation
    messages: list[Message]
    notes: list[InternalNote]
    replies: list[Reply]  # not yet confirmed as sent (failed, unconfirmed, retrying…)
    last_inbound: Message | None
    suggestions: list[tuple[SavedReply, str]]
    members: list[Membership]
    labels: list[Label]
    over_goal: bool


def conversation_detail(
    *, conversation: Conversation, now: datetime | None = None
) -> ConversationView:
    now = now or timezone.now()
    messages = list(conversation.messages.order_by("created_at", "id")[:200])
    notes = list(conversation.notes.select_related("author"))
    replies = list(
        conversation.replies.exclude(status__in=[Reply.Status.SENT, Reply.Status.DEMO]).order_by(
            "-created_at"
        )
    )
    last_inbound = next(
        (m for m in reversed(messages) if m.direction == Message.Direction.IN), None
    )
    saved = SavedReply.objects.for_organisation(conversation.organisation).filter(
        Q(intent=conversation.intent) | Q(intent="")
    )
    variables = reply_variables(conversation, last_inbound)
    suggestions = [
        (s, render_saved_reply(s.text, variables))
        for s in sorted(saved, key=lambda s: (s.intent != conversation.intent, s.name))
    ][:5]
    goal = inbox_settings_for(conversation.organisation_id).goal
    return ConversationView(
        conversation=conversation,
        messages=messages,
        notes=notes,
        replies=replies,
        last_inbound=last_inbound,
        suggestions=suggestions,
        members=list(
            Membership.objects.filter(organisation_id=conversation.organisation_id)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        ),
        labels=list(Label.objects.for_organisation(conversation.organisation)),
        over_goal=conversation.awaiting_since is not None
        and conversation.awaiting_since + goal < now,
    )


@dataclass
class ConversationThread:
    """One conversation for the REST API: everything said, noted and attempted in it."""

    conversation: Conversation
    labels: list[Label]
    messages: list[Message]
    notes: list[InternalNote]
    replies: list[Reply]  # every reply written in Parvis, sent or not
    over_goal: bool


def conversation_thread(
    *, conversation: Conversation, now: datetime | None = None
) -> ConversationThread:
    """Messages (the first 200, oldest first, as the page shows them), notes and replies."""
    now = now or timezone.now()
    goal = inbox_settings_for(conversation.organisation_id).goal
    return ConversationThread(
        conversation=conversation,
        labels=list(conversation.labels.order_by("name")),
        messages=list(conversation.messages.order_by("created_at", "id")[:200]),
        notes=list(conversation.notes.select_related("author")),
        replies=list(conversation.replies.select_related("author").order_by("created_at", "id")),
        over_goal=conversation.is_over_goal(goal, now),
    )


def member_user(organisation: Organisation, user_id: int) -> User | None:
    """The member of ``organisation`` with this user id (None for anyone else)."""
    membership = (
        Membership.objects.filter(organisation=organisation, user_id=user_id)
        .select_related("user")
        .first()
    )
    return membership.user if membership is not None else None


# --- response-time goals ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseStats:
    """Figures for one group (a network, a member, or everything)."""

    key: str
    conversations: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    within_goal: int

    @property
    def response_rate(self) -> float:
        return self.answered / self.conversations if self.conversations else 0.0


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def _stats(key: str, rows: list[dict[str, Any]], goal: timedelta) -> ResponseStats:
    delays = [
        (r["first_response_at"] - r["first_inbound_at"]).total_seconds() / 3600
        for r in rows
        if r["first_response_at"] is not None
    ]
    delays = [max(0.0, d) for d in delays]
    return ResponseStats(
        key=key,
        conversations=len(rows),
        answered=len(delays),
        median_hours=statistics.median(delays) if delays else None,
        p90_hours=_percentile(delays, 0.9),
        within_goal=sum(1 for d in delays if d <= goal.total_seconds() / 3600),
    )


@dataclass
class ResponseReport:
    goal: timedelta
    since: datetime
    overall: ResponseStats
    by_network: list[ResponseStats]
    by_member: list[ResponseStats]  # key: the member's display name (first responder)


def response_report(
    *, organisation: Organisation, days: int = 30, now: datetime | None = None
) -> ResponseReport:
    """Response rate, median and p90 first-response time over the conversations that started
    in the last ``days`` days (spam excluded), per network and per first responder."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    goal = inbox_settings_for(organisation.pk).goal
    rows = list(
        Conversation.objects.for_organisation(organisation)
        .exclude(status=Conversation.Status.SPAM)
        .filter(first_inbound_at__gte=since)
        .values(
            "account__kind",
            "first_inbound_at",
            "first_response_at",
            "first_responder__full_name",
            "first_responder__email",
        )
    )
    by_network: dict[str, list[dict[str, Any]]] = {}
    by_member: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_network.setdefault(row["account__kind"], []).append(row)
        if row["first_responder__email"]:
            name = row["first_responder__full_name"] or row["first_responder__email"]
            by_member.setdefault(name, []).append(row)
    return ResponseReport(
        goal=goal,
        since=since,
        overall=_stats("all", rows, goal),
        by_network=[_stats(k, v, goal) for k, v in sorted(by_network.items())],
        by_member=[_stats(k, v, goal) for k, v in sorted(by_member.items())],
    )


def waiting_for(
    *, membership: Membership, now: datetime | None = None, limit: int = 20
) -> tuple[list[Conversation], int]:
    """What waits for a member (assigned to them, or unassigned), over-goal complaints and
    leads first; and how many wait in all."""
    now = now or timezone.now()
    goal = inbox_settings_for(membership.organisation_id).goal
    qs = Conversation.objects.for_organisation(membership.organisation).filter(
        Q(assignee=membership.user) | Q(assignee__isnull=True),
        status=Conversation.Status.OPEN,
        awaiting_since__isnull=False,
    )
    total = qs.count()
    rows = list(qs.select_related("account").order_by("awaiting_since")[:500])
    cutoff = now - goal

    def rank(c: Conversation) -> tuple[int, float]:
        raised = (
            c.intent in RAISED_INTENTS
            and c.awaiting_since is not None
            and c.awaiting_since < cutoff
        )
        return (0 if raised else 1, -c.priority_score)

    rows.sort(key=rank)
    return rows[:limit], total
