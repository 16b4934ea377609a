"""One click on a timeline item: save it, mark it as a lead opportunity, answer it, or turn it
into a post idea in the composer (a plain link, :func:`post_idea_url`).

The item's id travels in the POST body, read through the organisation: another
organisation's id is a 404. With HTMX the answer is the item's action bar alone
(``watch/_item_actions.html``); without JavaScript the form posts and the page comes back
(``next``, when it is a path of this site).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.core.text import shorten
from parvis.core.vocabulary import ContentCategory
from parvis.watch import item_services
from parvis.watch.answering import AnswerOption, answer_option, answer_options, connected_accounts
from parvis.watch.models import Item
from parvis.watch.selectors import is_opportunity

QUOTE_CHARS = 220  # a quote, not the whole post: the idea is the company's own words around it


@dataclass(frozen=True)
class ItemRow:
    """An item as the timeline shows it, with what its buttons need."""

    item: Item
    answer: AnswerOption
    idea_url: str
    flagged: bool  # an opportunity by a person's mark or by its intents


def post_idea_url(item: Item, organisation: Organisation) -> str:
    """The composer, prefilled with a short quote (or the article's title) and its source.

    Sector news is what a watched item becomes most often: the composer's « Actualité du
    secteur » category, which the person may change."""
    quoted = shorten(item.text or item.title, QUOTE_CHARS)
    author = item.author_name or (
        f"@{item.author_handle.lstrip('@')}" if item.author_handle else ""
    )
    lines = [f"«\u00a0{quoted}\u00a0»" if quoted else ""]
    if author:
        lines.append(f"— {author}")
    if item.url:
        lines.append(_("Source: %(url)s") % {"url": item.url})
    text = "\n".join(line for line in lines if line)
    query = urlencode({"text": text, "category": ContentCategory.INDUSTRY_NEWS.value})
    return reverse("posts:new", args=[organisation.slug]) + "?" + query


def item_rows(items: list[Item], organisation: Organisation) -> list[ItemRow]:
    options = answer_options(items, organisation)
    return [
        ItemRow(item, options[item.pk], post_idea_url(item, organisation), is_opportunity(item))
        for item in items
    ]


def _item(request: OrgRequest) -> Item:
    raw = request.POST.get("id", "")
    if not raw.isdigit():
        raise Http404
    return get_scoped_or_404(Item, request.organisation, pk=int(raw))


def _back(request: OrgRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("watch:timeline", args=[request.organisation.slug])


def _done(request: OrgRequest, item: Item) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_back(request))
    organisation = request.organisation
    option = answer_option(item, connected_accounts(organisation))
    row = ItemRow(item, option, post_idea_url(item, organisation), is_opportunity(item))
    context = {"row": row, "can_act": True, "back": _back(request)}
    return render(request, "watch/_item_actions.html", context)


def _wanted(request: OrgRequest) -> bool:
    return request.POST.get("value", "1") == "1"


@require_POST
@org_view(Role.CONTRIBUTOR)
def item_save(request: OrgRequest) -> HttpResponse:
    item = _item(request)
    item_services.item_set_saved(
        actor=Actor.of(request.membership), item=item, saved=_wanted(request)
    )
    return _done(request, item)


@require_POST
@org_view(Role.CONTRIBUTOR)
def item_opportunity(request: OrgRequest) -> HttpResponse:
    item = _item(request)
    item_services.item_set_opportunity(
        actor=Actor.of(request.membership), item=item, marked=_wanted(request)
    )
    return _done(request, item)


@require_POST
@org_view(Role.CONTRIBUTOR)
def item_answer(request: OrgRequest) -> HttpResponse:
    """Open (or find) the item's conversation in the inbox, where the reply is written and sent
    by the inbox's sender; never a reply from here."""
    item = _item(request)
    try:
        conversation = item_services.item_answer(actor=Actor.of(request.membership), item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request))
    url = reverse("inbox:conversation", args=[request.organisation.slug, conversation.pk])
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
