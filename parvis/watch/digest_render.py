"""The digest's sentences, written when it is read, in the reader's language.

The stored digest holds ids and numbers (``digest.py``); this module turns each « thing » into
a sentence, the items it points to (read through the organisation, so an item erased or
purged since is simply left out) and a link into the watch. The page and the e-mail share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.accounts.models import Organisation
from parvis.watch.models import Competitor, Digest, Item


@dataclass(frozen=True)
class Line:
    kind: str
    text: str
    link: str  # a path inside Parvis ("" when none)
    items: tuple[Item, ...] = ()
    topics: tuple[tuple[str, str], ...] = ()  # (phrase, timeline search path)
    extra: dict[str, Any] = field(default_factory=dict)


def _number(value: float | int, decimals: int = 0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def _percent(value: float) -> str:
    return _("%(value)s %%") % {"value": _number(value, 1 if value % 1 else 0)}


def _timeline(organisation: Organisation, **query: str) -> str:
    url = reverse("watch:timeline", args=[organisation.slug])
    return f"{url}?{urlencode(query)}" if query else url


def _competitor_line(thing: dict[str, Any], name: str, organisation: Organisation) -> str:
    kind = thing["kind"]
    if kind == "competitor_best":
        engagement = _number(thing["engagement"])
        if thing.get("ratio"):
            return _(
                "%(name)s’s best post of the week: %(engagement)s interactions, %(ratio)s× its "
                "usual."
            ) % {"name": name, "engagement": engagement, "ratio": _number(thing["ratio"], 1)}
        return _("%(name)s’s best post of the week: %(engagement)s interactions.") % {
            "name": name,
            "engagement": engagement,
        }
    if kind == "competitor_growth":
        growth = thing["growth"]
        values = {
            "name": name,
            "count": _number(abs(growth)),
            "percent": _percent(abs(thing["percent"])) if thing.get("percent") else "—",
        }
        if growth >= 0:
            return (
                ngettext(
                    "%(name)s gained %(count)s follower (%(percent)s).",
                    "%(name)s gained %(count)s followers (%(percent)s).",
                    abs(growth),
                )
                % values
            )
        return (
            ngettext(
                "%(name)s lost %(count)s follower (%(percent)s).",
                "%(name)s lost %(count)s followers (%(percent)s).",
                abs(growth),
            )
            % values
        )
    return ngettext(
        "%(name)s posted %(count)s time this week (%(previous)s the week before).",
        "%(name)s posted %(count)s times this week (%(previous)s the week before).",
        thing["posts"],
    ) % {"name": name, "count": _number(thing["posts"]), "previous": _number(thing["previous"])}


def _line(
    thing: dict[str, Any],
    organisation: Organisation,
    items: dict[int, Item],
    names: dict[int, str],
) -> Line | None:
    kind = thing["kind"]
    slug = organisation.slug

    def found(*ids: int) -> tuple[Item, ...]:
        return tuple(items[pk] for pk in ids if pk in items)

    if kind == "negative":
        text = ngettext(
            "%(count)s negative mention of you this week: worth an answer.",
            "%(count)s negative mentions of you this week: worth an answer.",
            thing["count"],
        ) % {"count": _number(thing["count"])}
        link = _timeline(organisation, sentiment="negative", period="7")
        return Line(kind, text, link, found(*thing["items"]))
    if kind == "opportunities":
        text = ngettext(
            "%(count)s person asks for a recommendation or wants to buy: an opportunity.",
            "%(count)s people ask for a recommendation or want to buy: opportunities.",
            thing["count"],
        ) % {"count": _number(thing["count"])}
        return Line(kind, text, _timeline(organisation, period="7"), found(*thing["items"]))
    if kind == "topics":
        topics = tuple(
            (t["phrase"], _timeline(organisation, q=t["phrase"])) for t in thing["topics"]
        )
        return Line(kind, _("In your sector, people talk about:"), "", topics=topics)
    if kind == "mention":
        text = _("Your most shared mention: %(engagement)s interactions.") % {
            "engagement": _number(thing["engagement"])
        }
        return Line(kind, text, "", found(thing["item"]))
    if kind == "voice":
        text = _("Your share of voice: %(share)s, against %(previous)s the week before.") % {
            "share": _percent(thing["share"]),
            "previous": _percent(thing["previous"]),
        }
        return Line(kind, text, reverse("watch:voice", args=[slug]) + "?period=30")
    if kind.startswith("competitor_"):
        name = names.get(thing["competitor"])
        if name is None:  # removed from the watch since
            return None
        text = _competitor_line(thing, name, organisation)
        link = reverse("watch:benchmark", args=[slug]) + "?period=7"
        item = thing.get("item")
        return Line(kind, text, link, found(item) if item else ())
    return None


def digest_lines(digest: Digest, organisation: Organisation) -> list[Line]:
    """The digest's things as sentences in the active language (see the module docstring)."""
    things = digest.content.get("things", [])
    ids: set[int] = set()
    for thing in things:
        ids.update(thing.get("items", []))
        if thing.get("item"):
            ids.add(thing["item"])
    items = {
        item.pk: item for item in Item.objects.for_organisation(organisation).filter(pk__in=ids)
    }
    names = dict(Competitor.objects.for_organisation(organisation).values_list("pk", "name"))
    lines = (_line(thing, organisation, items, names) for thing in things)
    return [line for line in lines if line is not None]


def setup_hints(digest: Digest) -> list[str]:
    """What to add to the watch so that next week's digest has something to say."""
    setup = digest.content.get("setup", {})
    hints = []
    if not setup.get("competitors"):
        hints.append(_("Add your competitors and their public accounts."))
    if not setup.get("own_names"):
        hints.append(_("Add your company’s names and products, to find what people say of you."))
    if not setup.get("keywords") and not setup.get("feeds"):
        hints.append(_("Add your sector’s keywords, hashtags or the feeds of your trade press."))
    return hints
