"""Ingestion: inbound items from any source (polling, webhooks, backfill, demo) into the inbox.

One entry point, :func:`inbox_ingest`, takes a batch of the connectors' ``InboundItem`` for one
account and does everything in bulk, because a busy account sends thousands at once:

1. drop what is malformed (logged, never blocking the rest) and what is already stored;
2. classify the new texts in one :func:`parvis.insight.analysis.analyse_many` call;
3. thread them into conversations (one per exchange, see :func:`thread_key`);
4. store messages with ``ignore_conflicts`` (a concurrent poll of the same account cannot
   double a message: ``(account, remote_id)`` is unique);
5. update each touched conversation once: waiting since, priority, intent, routing (spam filed,
   job applications to the named member, purchase intent marked as lead).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connections, router, transaction
from django.db.models import Field, Model
from django.utils import timezone

from parvis.core.rows import PLAIN_FIELD_TYPES
from parvis.core.vocabulary import Intent
from parvis.inbox.models import Conversation, InboxSettings, Message
from parvis.insight.analysis import Analysis, analyse_many
from parvis.insight.priority import priority
from parvis.networks.contracts import InboundItem, InboundKind

if TYPE_CHECKING:
    from parvis.networks.models import SocialAccount

log = logging.getLogger("parvis.inbox")

CHUNK = 500  # ids per IN (...) clause: well under SQLite's and PostgreSQL's parameter limits
SNIPPET_CHARS = 280
MAX_TEXT_CHARS = 20_000  # a 100,000-character paste is stored cut, never refused


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    conversations_created: int = 0
    conversation_ids: set[int] = field(default_factory=set)


def thread_key(item: InboundItem) -> str:
    """The conversation an item belongs to, inside its account.

    Comments and mentions: one conversation per (root post, person), so that a customer's
    mention, our answer and their follow-up stay together, while two people commenting the
    same post are two conversations. Private messages: the network's conversation id, else
    the sender.
    """
    if item.kind is InboundKind.DM:
        key = f"dm:{item.thread_id or item.author_id}"
    else:
        root = item.thread_id or item.parent_id or item.remote_id
        key = f"t:{root}:{item.author_id}"
    return key.replace("\x00", "")[:300]


def _valid(item: object) -> InboundItem | None:
    """The item if it can be stored, else None (the caller logs and skips it)."""
    if not isinstance(item, InboundItem):
        return None
    if not isinstance(item.remote_id, str) or not item.remote_id or len(item.remote_id) > 200:
        return None
    if "\x00" in item.remote_id:
        return None
    if not isinstance(item.text, str) or not isinstance(item.created_at, datetime):
        return None
    try:
        InboundKind(item.kind)
    except ValueError:
        return None
    return item


def _clean(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Cut to the stored length and drop NUL characters (PostgreSQL text cannot hold them)."""
    return text[:limit].replace("\x00", "") if isinstance(text, str) else ""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _existing_remote_ids(account: SocialAccount, remote_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(remote_ids), CHUNK):
        chunk = remote_ids[start : start + CHUNK]
        found.update(
            Message.objects.filter(account=account, remote_id__in=chunk).values_list(
                "remote_id", flat=True
            )
        )
    return found


def _conversations(account: SocialAccount, keys: Sequence[str]) -> dict[str, Conversation]:
    found: dict[str, Conversation] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for conversation in Conversation.objects.filter(account=account, thread_key__in=chunk):
            found[conversation.thread_key] = conversation
    return found


def inbox_settings_for(organisation_id: int) -> InboxSettings:
    settings, _ = InboxSettings.objects.get_or_create(organisation_id=organisation_id)
    return settings


def inbox_ingest(
    account: SocialAccount,
    items: Iterable[InboundItem],
    *,
    followers: dict[str, int] | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Store ``items`` received on ``account``; safe to call again with the same items.

    ``followers`` maps author ids to their audience when the source knows it (reach counts in
    the priority). Returns counts; never raises for a bad item (it is logged and skipped).
    """
    now = now or timezone.now()
    result = IngestResult()
    valid: dict[str, InboundItem] = {}
    for raw in items:
        result.received += 1
        item = _valid(raw)
        if item is None:
            result.skipped += 1
            log.warning(
                "inbox.item_skipped",
                extra={"account_id": account.pk, "reason": "malformed", "item": repr(raw)[:200]},
            )
            continue
        if item.remote_id in valid:
            result.duplicates += 1
            continue
        valid[item.remote_id] = item
    known = _existing_remote_ids(account, list(valid))
    result.duplicates += len(known)
    fresh = [item for remote_id, item in valid.items() if remote_id not in known]
    if not fresh:
        return result
    fresh.sort(key=lambda i: _aware(i.created_at))
    analyses = analyse_many([item.text[:MAX_TEXT_CHARS] for item in fresh])
    with transaction.atomic():
        _store(account, fresh, analyses, followers or {}, now, result)
    return result


def _store(
    account: SocialAccount,
    fresh: list[InboundItem],
    analyses: list[Analysis],
    followers: dict[str, int],
    now: datetime,
    result: IngestResult,
) -> None:
    keys = [thread_key(item) for item in fresh]
    conversations = _conversations(account, sorted(set(keys)))
    missing = {}
    for item, key in zip(fresh, keys, strict=True):
        if key not in conversations and key not in missing:
            missing[key] = Conversation(
                organisation_id=account.organisation_id,
                account=account,
                kind=InboundKind(item.kind).value,
                thread_key=key,
                subject_remote_id=_clean(item.thread_id or item.parent_id, 200),
                participant_id=_clean(item.author_id, 200),
                participant_handle=_clean(item.author_handle, 200),
                participant_name=_clean(item.author_name, 200),
                last_message_at=_aware(item.created_at),
                is_demo=account.is_demo,
            )
    if missing:
        _insert_many(list(missing.values()))
        conversations.update(_conversations(account, list(missing)))
        result.conversations_created += len(missing)

    messages: list[Message] = []
    touched: dict[str, list[tuple[InboundItem, Analysis]]] = {}
    for item, key, analysis in zip(fresh, keys, analyses, strict=True):
        conversation = conversations[key]
        messages.append(
            Message(
                organisation_id=account.organisation_id,
                conversation=conversation,
                account=account,
                remote_id=item.remote_id,
                parent_remote_id=_clean(item.parent_id, 200),
                direction=Message.Direction.IN,
                author_id=_clean(item.author_id, 200),
                author_handle=_clean(item.author_handle, 200),
                author_name=_clean(item.author_name, 200),
                author_followers=followers.get(item.author_id),
                text=_clean(item.text),
                url=item.url[:500] if item.url.startswith(("https://", "http://")) else "",
                created_at=_aware(item.created_at),
                language=analysis.language[:8],
                sentiment=analysis.sentiment.value,
                sentiment_score=round(analysis.sentiment_score, 4),
                intent=analysis.intent.value,
                intents={i.intent.value: i.score for i in analysis.intents},
                reasons=[reason for i in analysis.intents for reason in i.reasons],
            )
        )
        touched.setdefault(key, []).append((item, analysis))
    _insert_many(messages)
    result.stored += len(messages)

    settings = inbox_settings_for(account.organisation_id)
    changed = [
        _apply(conversations[key], pairs, followers, now, settings)
        for key, pairs in touched.items()
    ]
    _save_many(changed, UPDATED_FIELDS)
    result.conversation_ids.update(c.pk for c in changed)


def _values(
    objects: Sequence[Model], fields: Sequence[Field[Any, Any]], db: Any, *, adding: bool
) -> list[list[Any]]:
    """Each object's values for ``fields``, ready for the driver: ORM conversion only for the
    fields that need it (dates, JSON…), on the real connection (not the per-call proxy).
    ``adding``: an INSERT (fields such as ``auto_now_add`` fill themselves in)."""
    plain = [(f.attname, f.get_internal_type() in PLAIN_FIELD_TYPES, f) for f in fields]
    # A NULL date (awaiting_since, first_response_at…) needs no conversion either; JSON keeps
    # the ORM's own handling of None.
    nullable = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
    rows = []
    for o in objects:
        row = []
        for name, is_plain, f in plain:
            if is_plain:
                row.append(getattr(o, name))
                continue
            value = f.pre_save(o, True) if adding else getattr(o, name)
            row.append(
                None if value is None and name in nullable else f.get_db_prep_save(value, db)
            )
        rows.append(row)
    return rows


def _insert_many(objects: Sequence[Message | Conversation]) -> None:
    """``bulk_create(ignore_conflicts=True)`` as one prepared INSERT run (``executemany``):
    the ORM's per-value SQL compilation was the largest cost left. A row already stored by a
    concurrent poll is skipped by the unique constraints ((account, remote id) for messages,
    (account, thread key) for conversations). Conversations are read back by key after."""
    if not objects:
        return
    model = type(objects[0])
    db = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = db.ops.quote_name
    # Only model metadata (table and column names, quoted) goes into the SQL; values are bound.
    sql = "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING".format(  # noqa: S608
        table=quote(model._meta.db_table),
        columns=", ".join(quote(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    rows = _values(objects, fields, db, adding=True)
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def _save_many(conversations: list[Conversation], names: list[str]) -> None:
    """One parameterised UPDATE run for many rows. ``bulk_update`` builds a CASE expression per
    field and row, which cost 80 % of the ingestion time in the benchmark."""
    if not conversations:
        return
    db = connections[router.db_for_write(Conversation)]
    fields = [f for f in Conversation._meta.concrete_fields if f.name in names]
    quote = db.ops.quote_name
    sql = "UPDATE {table} SET {columns} WHERE {pk} = %s".format(  # noqa: S608 - names only
        table=quote(Conversation._meta.db_table),
        columns=", ".join(f"{quote(f.column)} = %s" for f in fields),
        pk=quote("id"),
    )
    rows = [
        values + [c.pk]
        for values, c in zip(
            _values(conversations, fields, db, adding=False), conversations, strict=True
        )
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


UPDATED_FIELDS = [
    "last_message_at",
    "first_inbound_at",
    "awaiting_since",
    "message_count",
    "snippet",
    "status",
    "assignee",
    "priority_score",
    "priority_level",
    "priority_reasons",
    "intent",
    "sentiment",
    "is_lead",
]


def _apply(
    conversation: Conversation,
    pairs: list[tuple[InboundItem, Analysis]],
    followers: dict[str, int],
    now: datetime,
    settings: InboxSettings,
) -> Conversation:
    """Fold new inbound messages into their conversation (single-row bookkeeping)."""
    is_new = conversation.message_count == 0
    newest_at = max(_aware(item.created_at) for item, _ in pairs)
    oldest_at = min(_aware(item.created_at) for item, _ in pairs)
    conversation.message_count += len(pairs)
    if newest_at >= conversation.last_message_at or is_new:
        conversation.last_message_at = newest_at
        latest_text = max(pairs, key=lambda p: _aware(p[0].created_at))[0].text
        conversation.snippet = " ".join(_clean(latest_text).split())[:SNIPPET_CHARS]
    if conversation.first_inbound_at is None or oldest_at < conversation.first_inbound_at:
        conversation.first_inbound_at = oldest_at
    answered_after = conversation.first_response_at
    waiting = [
        _aware(i.created_at)
        for i, _ in pairs
        if answered_after is None or _aware(i.created_at) > answered_after
    ]
    if waiting:
        earliest = min(waiting)
        if conversation.awaiting_since is None or earliest < conversation.awaiting_since:
            conversation.awaiting_since = earliest

    best = None
    for item, analysis in pairs:
        age = (now - _aware(item.created_at)).total_seconds() / 3600
        ranked = priority(analysis, author_followers=followers.get(item.author_id), age_hours=age)
        if best is None or ranked.score > best[0].score:
            best = (ranked, analysis)
    assert best is not None
    ranked, analysis = best
    still_waiting = conversation.awaiting_since is not None
    if is_new or ranked.score >= conversation.priority_score or not still_waiting:
        conversation.priority_score = ranked.score
        conversation.priority_level = ranked.level.value
        conversation.priority_reasons = list(ranked.reasons)
        conversation.intent = analysis.intent.value
        conversation.sentiment = analysis.sentiment.value

    intents = {a.intent for _, a in pairs}
    if Intent.PURCHASE_INTENT in intents:
        conversation.is_lead = True
    if is_new and intents == {Intent.SPAM}:  # filed, recoverable with « not spam »
        conversation.status = Conversation.Status.SPAM
    elif conversation.status == Conversation.Status.DONE and waiting:
        conversation.status = Conversation.Status.OPEN  # they wrote again: it needs us again
    if (
        Intent.JOB_APPLICATION in intents
        and conversation.assignee_id is None
        and settings.job_applications_to_id is not None
    ):
        conversation.assignee_id = settings.job_applications_to_id
    return conversation
