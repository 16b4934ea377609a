"""« Veille » pages: the timeline, and the settings (competitors, searches, feeds, retention).

Object ids travel in POST fields, never in the URL, and are always read through the
organisation (``get_scoped_or_404``): another organisation's id is a 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.paging import page_of
from parvis.core.scoping import get_scoped_or_404
from parvis.watch import services
from parvis.watch.avatars import avatar_fetch, avatar_url_from
from parvis.watch.forms import (
    CompetitorForm,
    FeedForm,
    ProfileForm,
    QueryForm,
    RetentionForm,
    TimelineFilterForm,
)
from parvis.watch.item_views import item_rows
from parvis.watch.limits import limits_for
from parvis.watch.models import Competitor, Feed, WatchedProfile, WatchQuery
from parvis.watch.selectors import PAGE_SIZE, timeline, watch_settings_for
from parvis.watch.services import WatchRefused
from parvis.watch.states import ACCOUNT_CODES, DISCOVERY_CODES, state_sentence

SOURCE_MODELS: dict[str, type[WatchedProfile] | type[WatchQuery] | type[Feed]] = {
    "profile": WatchedProfile,
    "query": WatchQuery,
    "feed": Feed,
}


# « Tout », « Enregistrés », « Opportunités »: links above the filters (``?show=``), kept by
# the filter form and the pages.
SHOWS = {
    "": _lazy("All items"),
    "saved": _lazy("Saved items"),
    "opportunities": _lazy("Opportunities"),
}


@require_GET
@org_view()
def timeline_page(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    form = TimelineFilterForm(request.GET, organisation=organisation)
    show = request.GET.get("show", "")
    show = show if show in SHOWS else ""
    filters = replace(
        form.filters(timezone.now()), saved=show == "saved", opportunity=show == "opportunities"
    )
    items = timeline(organisation, filters).prefetch_related(
        "sources__profile__competitor", "sources__feed", "sources__query"
    )
    page = page_of(items, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    has_sources = any(
        model.objects.for_organisation(organisation).exists() for model in SOURCE_MODELS.values()
    )
    context = {
        "form": form,
        "page": page,
        "rows": item_rows(list(page.object_list), organisation),
        "query": query.urlencode(),
        "show": show,
        "shows": _show_links(query, show),
        "back": request.get_full_path(),
        "has_sources": has_sources,
        "can_manage": request.membership.can(Role.MANAGER),
        "can_act": request.membership.can(Role.CONTRIBUTOR),
    }
    return render(request, "watch/timeline.html", context)


def _show_links(query: QueryDict, current: str) -> list[dict[str, Any]]:
    """Each « show » link keeps the other filters and search."""
    links = []
    for value, label in SHOWS.items():
        each = query.copy()
        each.pop("show", None)
        if value:
            each["show"] = value
        links.append({"query": each.urlencode(), "label": label, "current": value == current})
    return links


def _source_rows(organisation: Any) -> dict[str, list[dict[str, Any]]]:
    now = timezone.now()

    def rows(queryset: Any) -> list[dict[str, Any]]:
        return [
            {
                "source": source,
                "sentence": state_sentence(source, now),
                "link_accounts": source.error_code in ACCOUNT_CODES,
                "link_discovery": source.error_code in DISCOVERY_CODES,
            }
            for source in queryset
        ]

    return {
        "profiles": rows(
            WatchedProfile.objects.for_organisation(organisation).select_related("competitor")
        ),
        "queries": rows(WatchQuery.objects.for_organisation(organisation)),
        "feeds": rows(Feed.objects.for_organisation(organisation).select_related("competitor")),
    }


def _settings_page(request: OrgRequest, status: int = 200, **extra: Any) -> HttpResponse:
    organisation = request.organisation
    settings = watch_settings_for(organisation)
    limits = limits_for(settings)
    context: dict[str, Any] = {
        "competitors": Competitor.objects.for_organisation(organisation),
        "limits": limits,
        "counts": {
            "competitors": Competitor.objects.for_organisation(organisation).count(),
            "queries": WatchQuery.objects.for_organisation(organisation).count(),
            "feeds": Feed.objects.for_organisation(organisation).count(),
        },
        "watch_settings": settings,
        "competitor_form": CompetitorForm(),
        "profile_form": ProfileForm(organisation=organisation),
        "query_form": QueryForm(),
        "feed_form": FeedForm(organisation=organisation),
        "retention_form": RetentionForm(initial={"retention_months": settings.retention_months}),
        "can_manage": request.membership.can(Role.MANAGER),
        **_source_rows(organisation),
        **extra,
    }
    return render(request, "watch/settings.html", context, status=status)


@require_GET
@org_view()
def avatar(request: OrgRequest) -> HttpResponse:
    """An avatar whose address the server signed into a page (see watch/avatars.py)."""
    url = avatar_url_from(request.GET.get("t", ""))
    fetched = avatar_fetch(url) if url else None
    if fetched is None:
        raise Http404
    content, kind = fetched
    response = HttpResponse(content, content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@org_view()
def settings_page(request: OrgRequest) -> HttpResponse:
    return _settings_page(request)


def _back(request: OrgRequest) -> HttpResponse:
    return redirect("watch:settings", org=request.organisation.slug)


def _competitor(request: OrgRequest, raw: Any) -> Competitor | None:
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise Http404
    return get_scoped_or_404(Competitor, request.organisation, pk=int(raw))


@require_POST
@org_view(Role.MANAGER)
def competitor_add(request: OrgRequest) -> HttpResponse:
    form = CompetitorForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, 400, competitor_form=form)
    try:
        services.competitor_create(
            actor=Actor.of(request.membership), name=form.cleaned_data["name"]
        )
    except WatchRefused as exc:
        messages.error(request, str(exc))
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def competitor_remove(request: OrgRequest) -> HttpResponse:
    competitor = _competitor(request, request.POST.get("id"))
    if competitor is None:
        raise Http404
    services.competitor_delete(actor=Actor.of(request.membership), competitor=competitor)
    messages.success(request, _("Competitor removed."))
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def profile_lookup(request: OrgRequest) -> HttpResponse:
    """Find the account and show it (avatar, name, followers) before it is saved."""
    form = ProfileForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _settings_page(request, 400, profile_form=form)
    data = form.cleaned_data
    try:
        found = services.profile_lookup(
            actor=Actor.of(request.membership), network=data["network"], handle=data["handle"]
        )
    except WatchRefused as exc:
        form.add_error("handle", str(exc))
        return _settings_page(request, 200, profile_form=form)
    preview = {
        "profile": found,
        "network": data["network"],
        "handle": data["handle"],
        "competitor": _competitor(request, data.get("competitor")),
        "avatar": found.avatar_url if found.avatar_url.startswith("https://") else "",
    }
    return _settings_page(request, 200, profile_form=form, preview=preview)


@require_POST
@org_view(Role.MANAGER)
def profile_add(request: OrgRequest) -> HttpResponse:
    form = ProfileForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _settings_page(request, 400, profile_form=form)
    data = form.cleaned_data
    try:
        profile = services.profile_add(
            actor=Actor.of(request.membership),
            network=data["network"],
            handle=data["handle"],
            competitor=_competitor(request, data.get("competitor")),
        )
    except WatchRefused as exc:
        form.add_error("handle", str(exc))
        return _settings_page(request, 200, profile_form=form)
    messages.success(request, _("%(profile)s is now watched.") % {"profile": profile})
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def query_add(request: OrgRequest) -> HttpResponse:
    form = QueryForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, 400, query_form=form)
    try:
        services.query_add(actor=Actor.of(request.membership), **form.cleaned_data)
    except WatchRefused as exc:
        form.add_error(None, str(exc))
        return _settings_page(request, 200, query_form=form)
    messages.success(request, _("Search added: it runs at the next collection."))
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def feed_find(request: OrgRequest) -> HttpResponse:
    """« Trouver le flux »: the feeds a site announces, each with its own « Add » button."""
    form = FeedForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _settings_page(request, 400, feed_form=form)
    try:
        found = services.feed_find(
            actor=Actor.of(request.membership), site_url=form.cleaned_data["url"]
        )
    except WatchRefused as exc:
        form.add_error("url", str(exc))
        return _settings_page(request, 200, feed_form=form)
    competitor = form.cleaned_data.get("competitor")
    return _settings_page(
        request, 200, feed_form=form, candidates=found, candidates_for=competitor or ""
    )


@require_POST
@org_view(Role.MANAGER)
def feed_add(request: OrgRequest) -> HttpResponse:
    form = FeedForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _settings_page(request, 400, feed_form=form)
    try:
        services.feed_add(
            actor=Actor.of(request.membership),
            url=form.cleaned_data["url"],
            competitor=_competitor(request, form.cleaned_data.get("competitor")),
        )
    except WatchRefused as exc:
        form.add_error("url", str(exc))
        return _settings_page(request, 200, feed_form=form)
    messages.success(request, _("Feed added: it is read at the next collection."))
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def source_remove(request: OrgRequest) -> HttpResponse:
    model = SOURCE_MODELS.get(request.POST.get("kind", ""))
    raw_id = request.POST.get("id", "")
    if model is None or not raw_id.isdigit():
        raise Http404
    source = get_scoped_or_404(model, request.organisation, pk=int(raw_id))
    services.source_remove(actor=Actor.of(request.membership), source=source)
    messages.success(request, _("Source removed; what it collected stays in the timeline."))
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def retention_update(request: OrgRequest) -> HttpResponse:
    form = RetentionForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, 400, retention_form=form)
    services.retention_update(
        actor=Actor.of(request.membership), months=form.cleaned_data["retention_months"]
    )
    messages.success(request, _("Retention saved."))
    return _back(request)
