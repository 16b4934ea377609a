"""Store what a collection cycle found: dedupe, understand in batches, link to sources.

Every collector (feeds, network accounts, network searches) turns what it read into
:class:`Found` rows; :func:`items_store` then, for one organisation and one cycle:

1. computes each row's dedupe key (``<network>:<remote id>``; for the web the article's
   address, so one article found by two feeds is one item);
2. keeps the keys not stored yet, and runs :func:`parvis.insight.analyse_many` on their texts
   (and :func:`parvis.insight.categorise_posts` on watched accounts' posts), one call per
   1,000 new items;
3. inserts the new items and links every found row, new or already stored, to its source, each
   as one prepared ``INSERT … ON CONFLICT DO NOTHING`` run (no model instances: at 2,000 items
   a second, building them and compiling the values cost a third of the time);
4. brings the counters (likes, replies…) of items already stored up to date when the network
   gave new ones.

It is safe to run twice with the same rows: the unique keys make the second run a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from parvis.core.rows import PLAIN_FIELD_TYPES
from parvis.insight import Analysis, analyse_many, categorise_posts
from parvis.watch.models import WEB, Feed, Item, ItemSource, WatchedProfile, WatchQuery

MAX_TEXT_CHARS = 10_000
CHUNK = 500  # keys per IN (...) clause: well under SQLite's and PostgreSQL's parameter limits
# Well under insight's cache of prepared texts (4,096), so each slice is still there when
# categorised after being analysed.
UNDERSTAND_SLICE = 1000
Source = WatchedProfile | WatchQuery | Feed


@dataclass(frozen=True)
class Found:
    """One post or article as a collector read it, before storage."""

    source: Source
    network: str  # a Network value, or WEB
    remote_id: str
    url: str
    text: str
    published_at: datetime
    title: str = ""
    author_id: str = ""
    author_handle: str = ""
    author_name: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    language: str = ""


@dataclass
class StoreResult:
    received: int = 0
    stored: int = 0
    linked: int = 0
    refreshed: int = 0  # items already stored whose counters changed since


def dedupe_key(found: Found) -> str:
    if found.network == WEB:
        return f"{WEB}:{(found.url or found.remote_id).strip()}"[:600]
    return f"{found.network}:{found.remote_id}"[:600]


def _link(item_id: int, organisation_id: int, source: Source) -> dict[str, Any]:
    """One ``ItemSource`` row, as column values."""
    column = (
        "profile_id"
        if isinstance(source, WatchedProfile)
        else "query_id"
        if isinstance(source, WatchQuery)
        else "feed_id"
    )
    return {"organisation_id": organisation_id, "item_id": item_id, column: source.pk}


def _keys_stored(organisation_id: int, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the organisation's items with these dedupe keys, by key."""
    found: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        found.update(
            Item.objects.filter(
                organisation_id=organisation_id, dedupe_key__in=keys[start : start + CHUNK]
            ).values_list("dedupe_key", "pk")
        )
    return found


def _counters_refresh(existing: dict[str, int], by_key: dict[str, Found]) -> int:
    """A post's engagement grows after its first reading: each cycle that reads it again
    (a profile's latest posts, a search) brings its counters up to date, so the benchmark and
    the outlier alert do not judge a post by its first minutes. Only changed rows are written."""
    wanted = {
        existing[key]: dict(row.counters)
        for key, row in by_key.items()
        if key in existing and row.counters
    }
    ids = list(wanted)
    stale: list[Item] = []
    for start in range(0, len(ids), CHUNK):
        stored = Item.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "counters"
        )
        stale += [
            Item(pk=pk, counters=wanted[pk]) for pk, counters in stored if counters != wanted[pk]
        ]
    Item.objects.bulk_update(stale, ["counters"], batch_size=CHUNK)
    return len(stale)


def _insert_rows(model: type[Item] | type[ItemSource], rows: Sequence[dict[str, Any]]) -> None:
    """``bulk_create(ignore_conflicts=True)`` as one prepared INSERT run (``executemany``) of
    plain rows (attribute name → value; a field left out gets its default), as the inbox's
    ingestion does: building model instances and compiling a multi-row INSERT value by value
    was a third of the store's time. A row a concurrent cycle stored first is skipped by the
    unique constraints ((organisation, dedupe key) for items, (item, source) for links)."""
    if not rows:
        return
    db = connections[router.db_for_write(model)]  # the real connection, not the proxy
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    plain = [
        (f.attname, None if f.get_internal_type() in PLAIN_FIELD_TYPES else f.get_db_prep_save)
        for f in fields
    ]
    quote = db.ops.quote_name
    # Only model metadata (table and column names, quoted) goes into the SQL; values are bound.
    sql = "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING".format(  # noqa: S608
        table=quote(model._meta.db_table),
        columns=", ".join(quote(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    values: list[list[Any]] = [
        [
            row.get(name, defaults[name])
            if prep is None
            else prep(row.get(name, defaults[name]), db)
            for name, prep in plain
        ]
        for row in rows
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, values)


def _web(url: str) -> str:
    return url[:1000] if url.startswith(("https://", "http://")) else ""


def _understand(
    fresh: Sequence[tuple[str, Found]], texts: Sequence[str]
) -> tuple[list[Analysis], dict[int, str]]:
    """Language, sentiment and intents of every new item, and the content category of posts of
    watched accounts (competitors' and the company's own, so the benchmark compares content
    mixes) and of competitors' articles; sector news gets none. Only labels and scores are
    stored, so the readable reasons are not computed. By slices of :data:`UNDERSTAND_SLICE`:
    categorising right after analysing the same texts finds them prepared in insight's cache."""
    analyses: list[Analysis] = []
    category_of: dict[int, str] = {}
    for start in range(0, len(fresh), UNDERSTAND_SLICE):
        rows = fresh[start : start + UNDERSTAND_SLICE]
        part = texts[start : start + UNDERSTAND_SLICE]
        hints = [row.language or None for _key, row in rows]
        analyses += analyse_many(part, lang_hints=hints, with_reasons=False)
        posts = [
            start + i
            for i, (_key, row) in enumerate(rows)
            if isinstance(row.source, WatchedProfile)
            or (isinstance(row.source, Feed) and row.source.competitor_id is not None)
        ]
        categories = categorise_posts([texts[i] for i in posts], with_reasons=False)
        category_of.update((i, c.category.value) for i, c in zip(posts, categories, strict=True))
    return analyses, category_of


def items_store(
    organisation_id: int,
    found: Sequence[Found],
    *,
    not_before: datetime | None = None,
    now: datetime | None = None,
    is_demo: bool = False,
) -> StoreResult:
    """Store ``found`` for the organisation (see the module docstring). Rows published before
    ``not_before`` (the retention cut-off) are ignored: the purge would delete them at once."""
    now = now or timezone.now()
    result = StoreResult(received=len(found))
    rows = [f for f in found if not_before is None or f.published_at >= not_before]
    keys = [dedupe_key(row) for row in rows]
    by_key: dict[str, Found] = {}
    for key, row in zip(keys, rows, strict=True):
        by_key.setdefault(key, row)
    existing = _keys_stored(organisation_id, list(by_key))
    fresh = [(key, row) for key, row in by_key.items() if key not in existing]
    texts = [f"{row.title}\n{row.text}".strip()[:MAX_TEXT_CHARS] for _key, row in fresh]
    analyses, category_of = _understand(fresh, texts)
    items = [
        {
            "organisation_id": organisation_id,
            "network": row.network,
            "remote_id": row.remote_id[:500],
            "dedupe_key": key,
            "url": _web(row.url),
            "title": row.title[:500],
            "text": row.text[:MAX_TEXT_CHARS],
            "author_id": row.author_id[:200],
            "author_handle": row.author_handle[:200],
            "author_name": row.author_name[:200],
            "published_at": row.published_at,
            "collected_at": now,
            "counters": dict(row.counters),
            "language": analysis.language[:8],
            "sentiment": analysis.sentiment.value,
            "sentiment_score": round(analysis.sentiment_score, 4),
            "intents": {i.intent.value: round(i.score, 4) for i in analysis.intents},
            "category": category_of.get(index, ""),
            "is_demo": is_demo,
        }
        for index, ((key, row), analysis) in enumerate(zip(fresh, analyses, strict=True))
    ]
    with transaction.atomic():
        # Two workers may store the same new post at once: the second insert is ignored.
        _insert_rows(Item, items)
        ids = {**existing, **_keys_stored(organisation_id, [key for key, _row in fresh])}
        links = [
            _link(ids[key], organisation_id, row.source)
            for key, row in zip(keys, rows, strict=True)
            if key in ids
        ]
        _insert_rows(ItemSource, links)
        result.refreshed = _counters_refresh(existing, by_key)
    result.stored = len(items)
    result.linked = len(links)
    return result
