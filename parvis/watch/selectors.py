"""Reads for the watch's pages and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from parvis.accounts.models import Organisation
from parvis.watch.models import Item, WatchSettings
from parvis.watch.search import matching_item_ids

DAYS_PER_MONTH = 30.44
PAGE_SIZE = 30


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


def timeline(organisation: Organisation, filters: TimelineFilters) -> QuerySet[Item]:
    """The organisation's items, newest first, filtered."""
    items = Item.objects.for_organisation(organisation)
    kind, _sep, raw_id = filters.source.partition(":")
    if kind in ("feed", "profile", "query") and raw_id.isdigit():
        items = items.filter(**{f"sources__{kind}_id": int(raw_id)})
    if filters.competitor is not None:
        items = items.filter(
            Q(sources__profile__competitor_id=filters.competitor)
            | Q(sources__feed__competitor_id=filters.competitor)
        )
    if filters.network:
        items = items.filter(network=filters.network)
    if filters.sentiment:
        items = items.filter(sentiment=filters.sentiment)
    if filters.since is not None:
        items = items.filter(published_at__gte=filters.since)
    if filters.text.strip():
        items = items.filter(pk__in=matching_item_ids(organisation.pk, filters.text))
    return items.distinct().order_by("-published_at", "-pk")
