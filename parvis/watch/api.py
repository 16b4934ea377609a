"""REST endpoints of the watch: competitors, watched profiles, searches, feeds, their states,
the plan's limits, and the collected items (the timeline's filters and full-text search).

Thin, like the pages (``views.py``): each resolves the caller with ``org_access`` (viewers
read; managers change what is watched, as on the settings page), loads rows inside that
organisation and calls the services the pages call. A profile is looked up on its network with
one of the organisation's accounts before it is saved (``services.profile_add``); a feed address
is checked against private addresses when saved, and read through the guarded client. A refusal
of a service (``WatchRefused``: no account on that network, a plan limit reached, an address
that cannot be read) is a 400 ``ErrorOut`` with code ``refused`` and its sentence.

Collected text is a stranger's: it is returned as JSON data, never as HTML.
"""

# No ``from __future__ import annotations``: ``@paginate`` wraps the view, and ninja reads the
# wrapper's annotations in the pagination module, where names such as ``OrgSlug`` are unknown.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from parvis.accounts.actor import Actor
from parvis.accounts.api_auth import OrgAccess, org_access
from parvis.accounts.roles import Role
from parvis.core.api_pagination import CappedCountPagination
from parvis.core.api_schemas import ErrorOut, Id, OrgSlug, refusal, responses
from parvis.core.scoping import get_scoped_or_404
from parvis.watch import api_services, services
from parvis.watch.api_figures import (
    BenchmarkOut,
    PeriodIn,
    ShareOfVoiceOut,
    benchmark_out,
    share_of_voice_out,
)
from parvis.watch.api_schemas import (
    CompetitorIn,
    CompetitorOut,
    DiscoverIn,
    FeedIn,
    FeedLinkOut,
    FeedOut,
    ItemFiltersIn,
    ItemOut,
    LimitOut,
    LimitsOut,
    LookupIn,
    ProfileIn,
    ProfileOut,
    PublicProfileOut,
    QueryIn,
    QueryOut,
    QueryPatch,
    SourcePatch,
    competitor_out,
    feed_link_out,
    feed_out,
    profile_out,
    public_profile_out,
    query_out,
)
from parvis.watch.benchmark import benchmark
from parvis.watch.forms import TimelineFilterForm
from parvis.watch.limits import limits_for
from parvis.watch.models import Competitor, Feed, Item, WatchedProfile, WatchQuery
from parvis.watch.selectors import timeline, watch_settings_for
from parvis.watch.services import WatchRefused
from parvis.watch.voice import share_of_voice

router = Router(tags=["watch"])

_W = "/o/{org}/watch/"
NO_CONTENT = responses({204: None})


def _actor(access: OrgAccess) -> Actor:
    return Actor.of_access(access)


def _refused(exc: WatchRefused) -> Status[ErrorOut]:
    return refusal(400, "refused", str(exc))


def _missing(network: str, handle: str) -> Status[ErrorOut] | None:
    """A profile body without its network or handle, said as the page's form would."""
    if not network:
        return refusal(400, "invalid", _("Choose a network."))
    if not handle.strip():
        return refusal(400, "invalid", _("Type a handle or the address of their page."))
    return None


def _competitor(access: OrgAccess, competitor_id: int | None) -> Competitor | None:
    """A competitor of this organisation (another's id is a 404, as in the path)."""
    if competitor_id is None:
        return None
    return get_scoped_or_404(Competitor, access.organisation, pk=competitor_id)


# --- competitors --------------------------------------------------------------------------------


@router.get(
    _W + "competitors/",
    response=responses({200: list[CompetitorOut]}),
    summary="Competitors, by name",
)
def competitor_list(request: HttpRequest, org: OrgSlug) -> list[CompetitorOut]:
    access = org_access(request, org, Role.VIEWER)
    return [competitor_out(c) for c in Competitor.objects.for_organisation(access.organisation)]


@router.post(
    _W + "competitors/",
    response=responses({201: CompetitorOut, 400: ErrorOut}),
    summary="Add a competitor (within the plan's limit)",
)
def competitor_create(request: HttpRequest, org: OrgSlug, payload: CompetitorIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    if not payload.name.strip():
        return refusal(400, "invalid", _("Give the competitor a name."))
    try:
        competitor = services.competitor_create(actor=_actor(access), name=payload.name)
    except WatchRefused as exc:
        return _refused(exc)
    return Status(201, competitor_out(competitor))


@router.patch(
    _W + "competitors/{competitor_id}/",
    response=responses({200: CompetitorOut, 400: ErrorOut}),
    summary="Rename a competitor",
)
def competitor_update(
    request: HttpRequest, org: OrgSlug, competitor_id: Id, payload: CompetitorIn
) -> Any:
    access = org_access(request, org, Role.MANAGER)
    competitor = get_scoped_or_404(Competitor, access.organisation, pk=competitor_id)
    if not payload.name.strip():
        return refusal(400, "invalid", _("Give the competitor a name."))
    api_services.competitor_rename(actor=_actor(access), competitor=competitor, name=payload.name)
    return competitor_out(competitor)


@router.delete(
    _W + "competitors/{competitor_id}/",
    response=NO_CONTENT,
    summary="Remove a competitor and its sources (collected items stay)",
)
def competitor_delete(request: HttpRequest, org: OrgSlug, competitor_id: Id) -> Any:
    access = org_access(request, org, Role.MANAGER)
    competitor = get_scoped_or_404(Competitor, access.organisation, pk=competitor_id)
    services.competitor_delete(actor=_actor(access), competitor=competitor)
    return Status(204, None)


# --- watched profiles ---------------------------------------------------------------------------


@router.get(
    _W + "profiles/",
    response=responses({200: list[ProfileOut]}),
    summary="Watched accounts (competitors' and our own) and their state",
)
def profile_list(request: HttpRequest, org: OrgSlug) -> list[ProfileOut]:
    access = org_access(request, org, Role.VIEWER)
    return [profile_out(p) for p in WatchedProfile.objects.for_organisation(access.organisation)]


@router.post(
    _W + "profiles/lookup",
    response=responses({200: PublicProfileOut, 400: ErrorOut}),
    summary="Find an account by handle or address on its network, without watching it",
)
def profile_lookup(request: HttpRequest, org: OrgSlug, payload: LookupIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    missing = _missing(payload.network, payload.handle)
    if missing is not None:
        return missing
    try:
        found = services.profile_lookup(
            actor=_actor(access), network=payload.network, handle=payload.handle
        )
    except WatchRefused as exc:
        return _refused(exc)
    return public_profile_out(found)


@router.post(
    _W + "profiles/",
    response=responses({201: ProfileOut, 400: ErrorOut}),
    summary="Watch an account: looked up on its network first, with one of our accounts there",
)
def profile_create(request: HttpRequest, org: OrgSlug, payload: ProfileIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    competitor = _competitor(access, payload.competitor_id)
    missing = _missing(payload.network, payload.handle)
    if missing is not None:
        return missing
    try:
        profile = services.profile_add(
            actor=_actor(access),
            network=payload.network,
            handle=payload.handle,
            competitor=competitor,
        )
    except WatchRefused as exc:
        return _refused(exc)
    return Status(201, profile_out(profile))


@router.patch(
    _W + "profiles/{profile_id}/",
    response=responses({200: ProfileOut}),
    summary="Say whose account it is: a competitor's, or ours (competitor_id null)",
)
def profile_update(request: HttpRequest, org: OrgSlug, profile_id: Id, payload: SourcePatch) -> Any:
    access = org_access(request, org, Role.MANAGER)
    profile = get_scoped_or_404(WatchedProfile, access.organisation, pk=profile_id)
    competitor = _competitor(access, payload.competitor_id)
    api_services.source_assign(actor=_actor(access), source=profile, competitor=competitor)
    return profile_out(profile)


@router.delete(
    _W + "profiles/{profile_id}/",
    response=NO_CONTENT,
    summary="Stop watching an account (what it collected stays)",
)
def profile_delete(request: HttpRequest, org: OrgSlug, profile_id: Id) -> Any:
    access = org_access(request, org, Role.MANAGER)
    profile = get_scoped_or_404(WatchedProfile, access.organisation, pk=profile_id)
    services.source_remove(actor=_actor(access), source=profile)
    return Status(204, None)


# --- searches -----------------------------------------------------------------------------------


@router.get(
    _W + "queries/",
    response=responses({200: list[QueryOut]}),
    summary="Searches (sector words, our names and products) and their state",
)
def query_list(request: HttpRequest, org: OrgSlug) -> list[QueryOut]:
    access = org_access(request, org, Role.VIEWER)
    return [query_out(q) for q in WatchQuery.objects.for_organisation(access.organisation)]


@router.post(
    _W + "queries/",
    response=responses({201: QueryOut, 400: ErrorOut}),
    summary="Add a search (within the plan's limit)",
)
def query_create(request: HttpRequest, org: OrgSlug, payload: QueryIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    fields = payload.model_dump()
    fields["kind"] = payload.kind.value
    try:
        query = services.query_add(actor=_actor(access), **fields)
    except WatchRefused as exc:
        return _refused(exc)
    return Status(201, query_out(query))


@router.patch(
    _W + "queries/{query_id}/",
    response=responses({200: QueryOut, 400: ErrorOut}),
    summary="Change a search's words (fields left out keep their value)",
)
def query_update(request: HttpRequest, org: OrgSlug, query_id: Id, payload: QueryPatch) -> Any:
    access = org_access(request, org, Role.MANAGER)
    query = get_scoped_or_404(WatchQuery, access.organisation, pk=query_id)
    changes = {name: str(value) for name, value in payload.model_dump(exclude_none=True).items()}
    try:
        api_services.query_update(actor=_actor(access), query=query, changes=changes)
    except WatchRefused as exc:
        return _refused(exc)
    return query_out(query)


@router.delete(
    _W + "queries/{query_id}/",
    response=NO_CONTENT,
    summary="Remove a search (what it collected stays)",
)
def query_delete(request: HttpRequest, org: OrgSlug, query_id: Id) -> Any:
    access = org_access(request, org, Role.MANAGER)
    query = get_scoped_or_404(WatchQuery, access.organisation, pk=query_id)
    services.source_remove(actor=_actor(access), source=query)
    return Status(204, None)


# --- feeds --------------------------------------------------------------------------------------


@router.get(
    _W + "feeds/",
    response=responses({200: list[FeedOut]}),
    summary="RSS and Atom feeds and their state",
)
def feed_list(request: HttpRequest, org: OrgSlug) -> list[FeedOut]:
    access = org_access(request, org, Role.VIEWER)
    return [feed_out(f) for f in Feed.objects.for_organisation(access.organisation)]


@router.post(
    _W + "feeds/discover",
    response=responses({200: list[FeedLinkOut], 400: ErrorOut}),
    summary="The feeds a site announces (its address, or a feed's own)",
)
def feed_discover(request: HttpRequest, org: OrgSlug, payload: DiscoverIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    if not payload.url.strip():
        return refusal(400, "invalid", _("Type the address of the site or of its feed."))
    try:
        found = services.feed_find(actor=_actor(access), site_url=payload.url)
    except WatchRefused as exc:
        return _refused(exc)
    return [feed_link_out(link) for link in found]


@router.post(
    _W + "feeds/",
    response=responses({201: FeedOut, 400: ErrorOut}),
    summary="Add a feed by its address (within the plan's limit; no private address)",
)
def feed_create(request: HttpRequest, org: OrgSlug, payload: FeedIn) -> Any:
    access = org_access(request, org, Role.MANAGER)
    competitor = _competitor(access, payload.competitor_id)
    if not payload.url.strip():
        return refusal(400, "invalid", _("Type the address of the site or of its feed."))
    try:
        feed = services.feed_add(actor=_actor(access), url=payload.url, competitor=competitor)
    except WatchRefused as exc:
        return _refused(exc)
    return Status(201, feed_out(feed))


@router.patch(
    _W + "feeds/{feed_id}/",
    response=responses({200: FeedOut}),
    summary="Say whose feed it is: a competitor's, or the sector's (competitor_id null)",
)
def feed_update(request: HttpRequest, org: OrgSlug, feed_id: Id, payload: SourcePatch) -> Any:
    access = org_access(request, org, Role.MANAGER)
    feed = get_scoped_or_404(Feed, access.organisation, pk=feed_id)
    competitor = _competitor(access, payload.competitor_id)
    api_services.source_assign(actor=_actor(access), source=feed, competitor=competitor)
    return feed_out(feed)


@router.delete(
    _W + "feeds/{feed_id}/",
    response=NO_CONTENT,
    summary="Remove a feed (what it collected stays)",
)
def feed_delete(request: HttpRequest, org: OrgSlug, feed_id: Id) -> Any:
    access = org_access(request, org, Role.MANAGER)
    feed = get_scoped_or_404(Feed, access.organisation, pk=feed_id)
    services.source_remove(actor=_actor(access), source=feed)
    return Status(204, None)


# --- limits and items ---------------------------------------------------------------------------


@router.get(
    _W + "limits",
    response=responses({200: LimitsOut}),
    summary="What the plan allows, and how much is used",
)
def limits(request: HttpRequest, org: OrgSlug) -> LimitsOut:
    access = org_access(request, org, Role.VIEWER)
    organisation = access.organisation
    settings = watch_settings_for(organisation)
    allowed = limits_for(settings)
    return LimitsOut(
        plan_size=settings.plan_size,
        competitors=LimitOut(
            used=Competitor.objects.for_organisation(organisation).count(),
            limit=allowed.competitors,
        ),
        queries=LimitOut(
            used=WatchQuery.objects.for_organisation(organisation).count(), limit=allowed.queries
        ),
        feeds=LimitOut(
            used=Feed.objects.for_organisation(organisation).count(), limit=allowed.feeds
        ),
    )


@router.get(
    _W + "items/",
    response=responses({200: list[ItemOut], 400: ErrorOut}),
    summary="Collected items, newest first, with the timeline's filters and full-text search",
)
@paginate(CappedCountPagination)
def item_list(request: HttpRequest, org: OrgSlug, filters: Query[ItemFiltersIn]) -> Any:
    access = org_access(request, org, Role.VIEWER)
    data = {
        "q": filters.q,
        "source": filters.source,
        "competitor": "" if filters.competitor is None else str(filters.competitor),
        "network": filters.network,
        "sentiment": filters.sentiment,
        "period": filters.period,
    }
    # The page's own form: sources and competitors of this organisation only.
    form = TimelineFilterForm(data, organisation=access.organisation)
    if not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
        raise HttpError(400, problems)
    items: QuerySet[Item] = timeline(access.organisation, form.filters(timezone.now()))
    return items.prefetch_related("sources")


# --- figures ------------------------------------------------------------------------------------


@router.get(
    _W + "benchmark",
    response=responses({200: BenchmarkOut}),
    summary="The competitor benchmark: followers and growth, posts per week, engagement per "
    "post, content mix and best posts, the company first",
)
def benchmark_figures(request: HttpRequest, org: OrgSlug, filters: Query[PeriodIn]) -> Any:
    access = org_access(request, org, Role.VIEWER)
    days = int(filters.period)
    # The company's row is named after it: a label that does not change with the language.
    rows = benchmark(access.organisation, days, timezone.now(), access.organisation.name)
    return benchmark_out(days, rows)


@router.get(
    _W + "share-of-voice",
    response=responses({200: ShareOfVoiceOut}),
    summary="Share of voice: mentions of the company and of each competitor over time, with "
    "their sentiment",
)
def share_of_voice_figures(request: HttpRequest, org: OrgSlug, filters: Query[PeriodIn]) -> Any:
    access = org_access(request, org, Role.VIEWER)
    days = int(filters.period)
    organisation = access.organisation
    return share_of_voice_out(share_of_voice(organisation, days, timezone.now(), organisation.name))
