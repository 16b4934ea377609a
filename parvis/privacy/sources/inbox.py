"""The inbox as a person-data source: a commenter's messages and the conversations with them.

A person is one author on one connected account: ``<account id>:id:<network author id>``, or
``<account id>:handle:<handle>`` for the rare items a network delivers without an author id.
Keeping the account in the key keeps ids from different servers apart (two Mastodon servers
may give the same number to two people).

Erasure keeps each message as an empty tombstone: its remote id stays, so that polling and the
30-day backfill, which skip ids already stored, do not bring the text back from the network.
The team's own words (our replies, internal notes) stay: they are the company's records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.core.vocabulary import Intent, Sentiment
from parvis.inbox.ingest import SNIPPET_CHARS
from parvis.inbox.models import Conversation, InternalNote, Message, Reply
from parvis.networks.models import SocialAccount
from parvis.privacy.registry import PersonExport, PersonMatch

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

BY_ID = "id"
BY_HANDLE = "handle"


def _key(account_id: int, by: str, value: str) -> str:
    return f"{account_id}:{by}:{value}"


def _parse(key: str) -> tuple[int, str, str] | None:
    account, _sep, rest = key.partition(":")
    by, _sep, value = rest.partition(":")
    if not account.isdigit() or len(account) > 18 or by not in (BY_ID, BY_HANDLE) or not value:
        return None
    return int(account), by, value


def _their_messages(organisation: Organisation, key: str) -> QuerySet[Message]:
    """The person's inbound messages (none for a malformed key or another organisation's)."""
    parsed = _parse(key)
    if parsed is None:
        return Message.objects.none()
    account_id, by, value = parsed
    messages = Message.objects.for_organisation(organisation).filter(
        account_id=account_id, direction=Message.Direction.IN
    )
    if by == BY_ID:
        return messages.filter(author_id=value)
    return messages.filter(author_id="", author_handle=value)


def _their_conversations(organisation: Organisation, key: str) -> QuerySet[Conversation]:
    """Conversations holding one of their messages or opened by them."""
    parsed = _parse(key)
    if parsed is None:
        return Conversation.objects.none()
    account_id, by, value = parsed
    opened_by = Q(participant_id=value) if by == BY_ID else Q(participant_handle=value)
    holding = Q(pk__in=_their_messages(organisation, key).values("conversation_id"))
    return Conversation.objects.for_organisation(organisation).filter(
        Q(account_id=account_id) & (opened_by | holding)
    )


def _others_inbound(conversation: Conversation, key: str, organisation: Organisation) -> Any:
    return conversation.messages.filter(direction=Message.Direction.IN).exclude(
        pk__in=_their_messages(organisation, key).values("pk")
    )


class InboxPersonData:
    name = "inbox"
    label: str | Promise = gettext_lazy("Inbox")

    def find(self, organisation: Organisation, query: str, *, limit: int) -> list[PersonMatch]:
        text = query.strip()
        bare = text.lstrip("@")
        if not bare:
            return []
        inbound = Message.objects.for_organisation(organisation).filter(
            direction=Message.Direction.IN
        )
        condition = (
            Q(author_id=text)
            | Q(author_handle__iexact=bare)
            | Q(author_handle__iexact=f"@{bare}")
            | Q(author_handle__icontains=bare)
            | Q(author_name__icontains=bare)
        )
        rows: list[dict[str, Any]] = []
        # With an author id, that id is the person (their handle and name may change).
        rows += [
            {**row, "by": BY_ID, "value": row["author_id"]}
            for row in inbound.filter(condition)
            .exclude(author_id="")
            .values("account_id", "author_id")
            .annotate(count=Count("id"), handle=Max("author_handle"), display=Max("author_name"))
            .order_by("-count", "account_id", "author_id")[:limit]
        ]
        rows += [
            {**row, "by": BY_HANDLE, "value": row["author_handle"], "handle": row["author_handle"]}
            for row in inbound.filter(condition, author_id="")
            .exclude(author_handle="")
            .values("account_id", "author_handle")
            .annotate(count=Count("id"), display=Max("author_name"))
            .order_by("-count", "account_id", "author_handle")[:limit]
        ]
        accounts = {
            account.pk: account
            for account in SocialAccount.objects.for_organisation(organisation).filter(
                pk__in={row["account_id"] for row in rows}
            )
        }
        matches = []
        for row in sorted(rows, key=lambda r: -int(r["count"]))[:limit]:
            account = accounts.get(row["account_id"])
            if account is None:
                continue
            handle = str(row.get("handle") or "")
            display = str(row.get("display") or "")
            who = f"@{handle.lstrip('@')}" if handle else str(row["value"])
            if display and display != handle:
                who = f"{who} ({display})"
            detail = _("%(network)s · %(account)s · %(count)s message(s)") % {
                "network": account.get_kind_display(),
                "account": account.handle,
                "count": row["count"],
            }
            matches.append(
                PersonMatch(
                    source=self.name,
                    key=_key(account.pk, str(row["by"]), str(row["value"])),
                    label=who,
                    detail=detail,
                )
            )
        return matches

    def export(self, organisation: Organisation, key: str) -> PersonExport:
        messages = list(
            _their_messages(organisation, key).select_related("account", "conversation")
        )
        if not messages:
            return PersonExport()
        account = messages[0].account
        conversations = []
        for conversation in _their_conversations(organisation, key).prefetch_related("labels"):
            entry: dict[str, Any] = {
                "id": conversation.pk,
                "kind": conversation.kind,
                "about_post": conversation.subject_url,
                "status": conversation.status,
                "labels": sorted(label.name for label in conversation.labels.all()),
                "intent": conversation.intent,
                "sentiment": conversation.sentiment,
                "priority": conversation.priority_level,
                "is_lead": conversation.is_lead,
                "started_at": conversation.created_at.isoformat(),
            }
            # What the team wrote in an exchange with them alone is about them; in a thread
            # shared with other people it could be about anyone, so it is left out.
            if not _others_inbound(conversation, key, organisation).exists():
                entry["our_messages"] = [
                    {"created_at": m.created_at.isoformat(), "text": m.text, "url": m.url}
                    for m in conversation.messages.filter(direction=Message.Direction.OUT)
                ]
                entry["our_replies"] = [
                    {"created_at": r.created_at.isoformat(), "text": r.text, "status": r.status}
                    for r in Reply.objects.filter(conversation=conversation)
                ]
                entry["internal_notes"] = [
                    {"created_at": n.created_at.isoformat(), "text": n.text}
                    for n in InternalNote.objects.filter(conversation=conversation)
                ]
            conversations.append(entry)
        data = {
            "network": account.kind,
            "our_account": account.handle,
            "identity": {
                "author_id": sorted({m.author_id for m in messages if m.author_id}),
                "handles": sorted({m.author_handle for m in messages if m.author_handle}),
                "names": sorted({m.author_name for m in messages if m.author_name}),
            },
            "messages": [
                {
                    "id": m.remote_id,
                    "conversation": m.conversation_id,
                    "created_at": m.created_at.isoformat(),
                    "text": m.text,
                    "url": m.url,
                    "language": m.language,
                    "analysis": {
                        "sentiment": m.sentiment,
                        "intent": m.intent,
                        "reasons": m.reasons,
                    },
                }
                for m in messages
            ],
            "conversations": conversations,
        }
        return PersonExport(data=data)

    def erase(self, organisation: Organisation, key: str) -> dict[str, int]:
        with transaction.atomic():
            conversations = list(_their_conversations(organisation, key))
            their = _their_messages(organisation, key)
            erased_ids = list(their.values_list("pk", flat=True))
            # Emptied in place, not deleted: the remote id stays so that nothing re-imports it.
            messages = Message.objects.filter(pk__in=erased_ids).update(
                text="",
                author_id="",
                author_handle="",
                author_name="",
                author_followers=None,
                url="",
                language="",
                sentiment="",
                sentiment_score=0,
                intent="",
                intents={},
                reasons=[],
            )
            anonymised = 0
            for conversation in conversations:
                anonymised += _erase_from_conversation(conversation, key, erased_ids)
        return {"messages": messages, "conversations": anonymised}


def _erase_from_conversation(conversation: Conversation, key: str, erased_ids: list[int]) -> int:
    """Remove the person from one conversation; 1 if they were its only other party."""
    parsed = _parse(key)
    assert parsed is not None  # the conversation was found through this key
    _account_id, by, value = parsed
    others = (
        conversation.messages.filter(direction=Message.Direction.IN)
        .exclude(pk__in=erased_ids)
        .exclude(text="", author_id="", author_handle="")
        .order_by("-created_at", "-id")
    )
    latest_other = others.first()
    opened_by_them = (by == BY_ID and conversation.participant_id == value) or (
        by == BY_HANDLE and conversation.participant_handle == value
    )
    fields: dict[str, Any] = {
        "snippet": " ".join(latest_other.text.split())[:SNIPPET_CHARS] if latest_other else ""
    }
    if opened_by_them:
        fields.update(participant_id="", participant_handle="", participant_name="")
    if latest_other is None:
        # Nobody else spoke here: what the conversation says about its party is about them.
        # The thread key names their network id; a new message from them starts a new one.
        fields.update(
            participant_id="",
            participant_handle="",
            participant_name="",
            thread_key=f"erased:{conversation.pk}",
            intent=Intent.OTHER.value,
            sentiment=Sentiment.NEUTRAL.value,
            priority_reasons=[],
            is_lead=False,
        )
    Conversation.objects.filter(pk=conversation.pk).update(**fields)
    return 1 if latest_other is None else 0
