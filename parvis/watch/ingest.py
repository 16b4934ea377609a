"""Store what a collection cycle found: dedupe, understand in one batch, link to sources.

Every collector (feeds, network accounts, network searches) turns what it read into
:class:`Found` rows; :func:`items_store` then, for one organisation and one cycle:

1. computes each row's dedupe key (``<network>:<remote id>``; for the web the article's
   address, so one article found by two feeds is one item);
2. keeps the keys not stored yet, and runs :func:`parvis.insight.analyse_many` on their texts
   once (and :func:`parvis.insight.categorise_posts` on watched accounts' posts);
3. inserts the new items and links every found row, new or already stored, to its source.

It is safe to run twice with the same rows: the unique keys make the second run a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from parvis.insight import analyse_many, categorise_posts
from parvis.watch.models import WEB, Feed, Item, ItemSource, WatchedProfile, WatchQuery

MAX_TEXT_CHARS = 10_000
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


def dedupe_key(found: Found) -> str:
    if found.network == WEB:
        return f"{WEB}:{(found.url or found.remote_id).strip()}"[:600]
    return f"{found.network}:{found.remote_id}"[:600]


def _link(item_id: int, organisation_id: int, source: Source) -> ItemSource:
    link = ItemSource(organisation_id=organisation_id, item_id=item_id)
    if isinstance(source, WatchedProfile):
        link.profile = source
    elif isinstance(source, WatchQuery):
        link.query = source
    else:
        link.feed = source
    return link


def _web(url: str) -> str:
    return url[:1000] if url.startswith(("https://", "http://")) else ""


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
    by_key: dict[str, Found] = {}
    for row in rows:
        by_key.setdefault(dedupe_key(row), row)
    existing = set(
        Item.objects.filter(
            organisation_id=organisation_id, dedupe_key__in=list(by_key)
        ).values_list("dedupe_key", flat=True)
    )
    fresh = [(key, row) for key, row in by_key.items() if key not in existing]
    texts = [f"{row.title}\n{row.text}".strip()[:MAX_TEXT_CHARS] for _key, row in fresh]
    analyses = analyse_many(texts, lang_hints=[row.language or None for _k, row in fresh])
    # Posts of watched accounts (competitors' and the company's own, so the benchmark compares
    # content mixes) and competitors' articles get a content category; sector news does not.
    company_posts = [
        i
        for i, (_key, row) in enumerate(fresh)
        if isinstance(row.source, WatchedProfile)
        or (isinstance(row.source, Feed) and row.source.competitor_id is not None)
    ]
    categories = categorise_posts([texts[i] for i in company_posts])
    category_of = {i: c.category.value for i, c in zip(company_posts, categories, strict=True)}
    items = [
        Item(
            organisation_id=organisation_id,
            network=row.network,
            remote_id=row.remote_id[:500],
            dedupe_key=key,
            url=_web(row.url),
            title=row.title[:500],
            text=row.text[:MAX_TEXT_CHARS],
            author_id=row.author_id[:200],
            author_handle=row.author_handle[:200],
            author_name=row.author_name[:200],
            published_at=row.published_at,
            collected_at=now,
            counters=dict(row.counters),
            language=analysis.language[:8],
            sentiment=analysis.sentiment.value,
            sentiment_score=round(analysis.sentiment_score, 4),
            intents={i.intent.value: round(i.score, 4) for i in analysis.intents},
            category=category_of.get(index, ""),
            is_demo=is_demo,
        )
        for index, ((key, row), analysis) in enumerate(zip(fresh, analyses, strict=True))
    ]
    with transaction.atomic():
        # Two workers may store the same new post at once: the second insert is ignored.
        Item.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
        ids = dict(
            Item.objects.filter(
                organisation_id=organisation_id, dedupe_key__in=[dedupe_key(r) for r in rows]
            ).values_list("dedupe_key", "pk")
        )
        links = [
            _link(ids[dedupe_key(row)], organisation_id, row.source)
            for row in rows
            if dedupe_key(row) in ids
        ]
        ItemSource.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)
    result.stored = len(items)
    result.linked = len(links)
    return result
