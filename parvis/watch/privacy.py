"""The watch as a person-data source: the authors of collected public posts.

A person is one author on one network: ``<network>:id:<author id>``, or
``<network>:handle:<handle>`` for items without an author id (a feed's byline). Erasure keeps
each item as an empty tombstone: its dedupe key stays, so the next collection does not bring
the text back from the network or the feed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parvis.privacy.registry import PersonExport, PersonMatch
from parvis.watch.models import ITEM_NETWORK_CHOICES, Item

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

BY_ID = "id"
BY_HANDLE = "handle"
_NETWORKS = dict(ITEM_NETWORK_CHOICES)


def _parse(key: str) -> tuple[str, str, str] | None:
    network, _sep, rest = key.partition(":")
    by, _sep, value = rest.partition(":")
    if network not in _NETWORKS or by not in (BY_ID, BY_HANDLE) or not value:
        return None
    return network, by, value


def _their_items(organisation: Organisation, key: str) -> QuerySet[Item]:
    parsed = _parse(key)
    if parsed is None:
        return Item.objects.none()
    network, by, value = parsed
    items = Item.objects.for_organisation(organisation).filter(network=network)
    if by == BY_ID:
        return items.filter(author_id=value)
    return items.filter(author_id="", author_handle=value)


class WatchPersonData:
    name = "watch"
    label: str | Promise = gettext_lazy("Watch")

    def find(self, organisation: Organisation, query: str, *, limit: int) -> list[PersonMatch]:
        text = query.strip()
        bare = text.lstrip("@")
        if not bare:
            return []
        condition = (
            Q(author_id=text) | Q(author_handle__icontains=bare) | Q(author_name__icontains=bare)
        )
        items = Item.objects.for_organisation(organisation).filter(condition)
        rows: list[dict[str, Any]] = [
            {**row, "by": BY_ID, "value": row["author_id"]}
            for row in items.exclude(author_id="")
            .values("network", "author_id")
            .annotate(count=Count("id"), handle=Max("author_handle"), display=Max("author_name"))
            .order_by("-count", "network", "author_id")[:limit]
        ]
        rows += [
            {**row, "by": BY_HANDLE, "value": row["author_handle"], "handle": row["author_handle"]}
            for row in items.filter(author_id="")
            .exclude(author_handle="")
            .values("network", "author_handle")
            .annotate(count=Count("id"), display=Max("author_name"))
            .order_by("-count", "network", "author_handle")[:limit]
        ]
        matches = []
        for row in sorted(rows, key=lambda r: -int(r["count"]))[:limit]:
            handle = str(row.get("handle") or "")
            display = str(row.get("display") or "")
            who = f"@{handle.lstrip('@')}" if handle else str(row["value"])
            if display and display != handle:
                who = f"{who} ({display})"
            detail = _("%(network)s · %(count)s collected post(s)") % {
                "network": _NETWORKS[str(row["network"])],
                "count": row["count"],
            }
            key = f"{row['network']}:{row['by']}:{row['value']}"
            matches.append(PersonMatch(source=self.name, key=key, label=who, detail=detail))
        return matches

    def export(self, organisation: Organisation, key: str) -> PersonExport:
        items = list(_their_items(organisation, key).exclude(text="", url=""))
        if not items:
            return PersonExport()
        data = {
            "network": items[0].network,
            "identity": {
                "author_id": sorted({i.author_id for i in items if i.author_id}),
                "handles": sorted({i.author_handle for i in items if i.author_handle}),
                "names": sorted({i.author_name for i in items if i.author_name}),
            },
            "collected_posts": [
                {
                    "id": i.remote_id,
                    "url": i.url,
                    "title": i.title,
                    "text": i.text,
                    "published_at": i.published_at.isoformat(),
                    "collected_at": i.collected_at.isoformat(),
                    "language": i.language,
                    "analysis": {"sentiment": i.sentiment, "intents": i.intents},
                }
                for i in items
            ],
        }
        return PersonExport(data=data)

    def erase(self, organisation: Organisation, key: str) -> dict[str, int]:
        ids = list(_their_items(organisation, key).values_list("pk", flat=True))
        # Emptied in place, not deleted: the dedupe key stays so nothing collects it again.
        erased = Item.objects.filter(pk__in=ids).update(
            text="",
            title="",
            url="",
            author_id="",
            author_handle="",
            author_name="",
            counters={},
            language="",
            sentiment="",
            sentiment_score=0,
            intents={},
            category="",
        )
        return {"items": erased}
