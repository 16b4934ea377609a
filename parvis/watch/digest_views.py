"""« Les 5 choses à savoir cette semaine »: the digest page, and « Marquer la veille comme faite ».

``?week=YYYY-MM-DD`` picks a past week (any day of it: its Monday is meant); without it, this
week's digest. A digest is computed on its first reading and then read as stored. A value that
is not a date is a 400, a week to come or older than a year a 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.strategy.models import RoutineTask, week_code
from parvis.strategy.services import task_set_done
from parvis.watch.digest import (
    digest_for_week,
    digest_mark_opened,
    monday_of,
    this_monday,
    week_bounds,
)
from parvis.watch.digest_render import digest_lines, setup_hints
from parvis.watch.models import Digest

OLDEST_WEEKS = 53
PAST_SHOWN = 12


class BadWeek(ValueError):
    pass


def week_from(raw: str | None, organisation: Organisation) -> date:
    """The Monday a ``week`` value means (this week's when absent). Raises :class:`BadWeek`
    for what is not a date, and 404 for a week to come or older than a year."""
    current = this_monday(organisation, timezone.now())
    if not raw:
        return current
    try:
        day = date.fromisoformat(raw)
        monday = monday_of(day)
    except (ValueError, OverflowError) as error:  # not a date; a Monday before year 1
        raise BadWeek(raw) from error
    if monday > current or monday < current - timedelta(weeks=OLDEST_WEEKS):
        raise Http404("No digest for that week.")
    return monday


def veille_task(organisation: Organisation, monday: date) -> RoutineTask | None:
    """The veille task of the current plan's routine that week, when the plan watches."""
    return (
        RoutineTask.objects.for_organisation(organisation)
        .filter(
            kind=RoutineTask.Kind.WATCH,
            routine__week=week_code(monday),
            routine__plan__is_current=True,
        )
        .first()
    )


def _url(organisation: Organisation, monday: date) -> str:
    url = reverse("watch:digest", args=[organisation.slug])
    return f"{url}?week={monday.isoformat()}"


@require_GET
@org_view()
def digest_page(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    try:
        monday = week_from(request.GET.get("week"), organisation)
    except BadWeek:
        error = {"error": _("This week is not a date: use the form YYYY-MM-DD.")}
        return render(request, "watch/digest.html", error, status=400)
    digest = digest_for_week(organisation, monday)
    digest_mark_opened(digest, timezone.now())
    start, end = week_bounds(organisation, monday)
    current = this_monday(organisation, timezone.now())
    past = (
        Digest.objects.for_organisation(organisation)
        .exclude(week_start=monday)
        .values_list("week_start", flat=True)[:PAST_SHOWN]
    )
    context: dict[str, Any] = {
        "digest": digest,
        "monday": monday,
        "first_day": start.date(),
        "last_day": (end - timedelta(days=1)).date(),
        "lines": digest_lines(digest, organisation),
        "hints": setup_hints(digest),
        "items_count": digest.content.get("setup", {}).get("items", 0),
        "previous_url": _url(organisation, monday - timedelta(days=7)),
        "next_url": _url(organisation, monday + timedelta(days=7)) if monday < current else "",
        "past": [{"monday": day, "url": _url(organisation, day)} for day in past],
        "task": veille_task(organisation, monday),
        "can_tick": request.membership.can(Role.CONTRIBUTOR),
        "can_manage": request.membership.can(Role.MANAGER),
        "colon": "\u00a0: " if (get_language() or "").startswith("fr") else ": ",
    }
    return render(request, "watch/digest.html", context)


@require_POST
@org_view(Role.CONTRIBUTOR)
def digest_done(request: OrgRequest) -> HttpResponse:
    """« Marquer la veille comme faite »: ticks the week's veille task of « Ma semaine »."""
    organisation = request.organisation
    try:
        monday = week_from(request.POST.get("week"), organisation)
    except BadWeek as error:
        raise Http404("No such week.") from error
    task = veille_task(organisation, monday)
    if task is None:
        raise Http404("No veille task that week.")
    task_set_done(actor=Actor.of(request.membership), task=task, done=True)
    return redirect(_url(organisation, monday))
