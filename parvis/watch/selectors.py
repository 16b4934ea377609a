"""Reads for the watch's pages and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import Intent
from parvis.watch.models import Item, ItemSource, WatchSettings
from parvis.watch.search import matching_item_ids

DAYS_PER_MONTH = 30.44
PAGE_SIZE = 30
# Intents that make a collected post an opportunity: someone about to buy, or asking the
# sector a question (« vous me conseillez quel menuisier ? » is often read as a question).
OPPORTUNITY_INTENTS = (Intent.PURCHASE_INTENT.value, Intent.QUESTION.value)


def watch_settings_for(organisation: Organisation) -> WatchSettings:
    found, _created = WatchSettings.objects.get_or_create(organisation=organisation)
    return found


def retention_cutoff(organisation: Organisation, now: datetime) -> datetime:
    months = watch_settings_for(organisation).retention_months
    return now - timedelta(days=round(months * DAYS_PER_MONTH))


@dataclass(frozen=True)
class TimelineFilters:
    source: str = ""  # "feed:<id>", "profile:<id>" or "query:<id>"
    competitor: int | None = None
    network: str = ""
    sentiment: str = ""
    since: datetime | None = None
    text: str = ""
    saved: bool = False  # only the items someone saved
    opportunity: bool = False  # marked as lead opportunities, or flagged by their intents


def is_opportunity(item: Item) -> bool:
    """The row-level twin of the ``opportunity`` filter (the page's badge)."""
    return item.opportunity_at is not None or any(i in item.intents for i in OPPORTUNITY_INTENTS)


def timeline(organisation: Organisation, filters: TimelineFilters) -> QuerySet[Item]:
    """The organisation's items, newest first, filtered.

    Source and competitor filters are ``EXISTS`` subqueries, not joins: a join repeats an item
    found by two sources and needs a ``DISTINCT``, which made counting 5 million items take
    seconds (``parvis bench watch``); ``EXISTS`` keeps one row per item and the newest-first
    index usable."""
    items = Item.objects.for_organisation(organisation)
    kind, _sep, raw_id = filters.source.partition(":")
    if kind in ("feed", "profile", "query") and raw_id.isdigit():
        links = ItemSource.objects.filter(item=OuterRef("pk"), **{f"{kind}_id": int(raw_id)})
        items = items.filter(Exists(links))
    if filters.competitor is not None:
        links = ItemSource.objects.filter(item=OuterRef("pk")).filter(
            Q(profile__competitor_id=filters.competitor) | Q(feed__competitor_id=filters.competitor)
        )
        items = items.filter(Exists(links))
    if filters.network:
        items = items.filter(network=filters.network)
    if filters.sentiment:
        items = items.filter(sentiment=filters.sentiment)
    if filters.since is not None:
        items = items.filter(published_at__gte=filters.since)
    if filters.saved:
        items = items.filter(saved_at__isnull=False)
    if filters.opportunity:
        # ``intents`` is {intent: score}: a JSON key test, on SQLite and PostgreSQL alike.
        items = items.filter(
            Q(opportunity_at__isnull=False) | Q(intents__has_any_keys=list(OPPORTUNITY_INTENTS))
        )
    if filters.text.strip():
        items = items.filter(pk__in=matching_item_ids(organisation.pk, filters.text))
    return items.order_by("-published_at", "-pk")
