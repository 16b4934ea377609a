"""The calendar: week and month views in the organisation's time zone, moving a post to
another day (drag and drop, or the keyboard form), the secret iCal address, CSV import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.public_url import public_reverse
from parvis.core.scoping import get_scoped_or_404
from parvis.publishing import csvio, selectors
from parvis.publishing.models import Post
from parvis.publishing.services.calendar_feed import calendar_feed_for, calendar_feed_rotate
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.rules import Change, post_may
from parvis.publishing.services.scheduling import post_schedule
from parvis.publishing.ui.common import actor_of, parse_date, parse_time
from parvis.publishing.ui.forms import CsvImportForm

MOVABLE = {Post.Status.PENDING_APPROVAL, Post.Status.APPROVED, Post.Status.SCHEDULED}
MAX_CSV_BYTES = 2 * 1024 * 1024
# The days the calendar shows: a date typed in the address outside them is brought back to the
# nearest one, so that a month or week around it (and the previous and next links) never
# leave what Python's dates and the database's time zone conversions can hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)


@dataclass
class Day:
    day: date
    in_month: bool = True
    is_today: bool = False
    posts: list[tuple[Post, datetime]] = field(default_factory=list)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def calendar_day(value: str) -> date | None:
    """A day read from the address or a form, brought back into [FIRST_DAY, LAST_DAY];
    None when it is not a date at all (the caller shows today, or says what is missing)."""
    day = parse_date(value)
    if day is None:
        return None
    return min(max(day, FIRST_DAY), LAST_DAY)


def _bounds(view: str, anchor: date) -> tuple[date, date, date, date]:
    """(first shown day, day after the last, previous anchor, next anchor)."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = _monday(first)
        end = _monday(following - timedelta(days=1)) + timedelta(days=7)
        previous = (first - timedelta(days=1)).replace(day=1)
        return start, end, previous, following
    start = _monday(anchor)
    return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)


@require_GET
@org_view(Role.VIEWER)
def calendar(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    zone = organisation.tzinfo
    today = timezone.now().astimezone(zone).date()
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = calendar_day(request.GET.get("date", "")) or today
    start, end, previous, following = _bounds(view, anchor)
    days = {
        start + timedelta(days=i): Day(
            start + timedelta(days=i),
            in_month=view == "week" or (start + timedelta(days=i)).month == anchor.month,
            is_today=start + timedelta(days=i) == today,
        )
        for i in range((end - start).days)
    }
    posts = selectors.calendar_posts(
        organisation,
        start=datetime.combine(start, time.min, tzinfo=zone),
        end=datetime.combine(end, time.min, tzinfo=zone),
    )
    for post in posts:
        local = post.scheduled_at.astimezone(zone)  # type: ignore[union-attr]
        if local.date() in days:
            days[local.date()].posts.append((post, local))
    weeks = [list(days.values())[i : i + 7] for i in range(0, len(days), 7)]
    membership = request.membership
    actor = actor_of(request)
    # The services' rule decides what this person may move (a contributor: their own posts
    # still waiting for approval); the page only offers that.
    movable = {
        post.pk
        for post in posts
        if post.status in MOVABLE and post_may(actor, post, Change.SCHEDULE)
    }
    context: dict[str, Any] = {
        "view": view,
        "anchor": anchor,
        "weeks": weeks,
        "previous": previous,
        "following": following,
        "today": today,
        "movable": movable,
        "can_move": membership.can(Role.CONTRIBUTOR),
        "can_manage": membership.can(Role.MANAGER),
        "timezone_name": organisation.timezone,
    }
    if membership.can(Role.MANAGER):
        feed = calendar_feed_for(organisation)
        context["feed_url"] = public_reverse("publishing:ical_feed", token=feed.token)
    return render(request, "publishing/ui/calendar.html", context)


def _wants_json(request: OrgRequest) -> bool:
    return request.headers.get("X-Parvis-Drag") == "1"


@require_POST
@org_view(Role.CONTRIBUTOR)
def reschedule(request: OrgRequest, post_id: int) -> HttpResponse:
    """Move a planned post to ``date`` (and ``time``, else its current local time)."""
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    zone = request.organisation.tzinfo
    day = parse_date(request.POST.get("date", ""))
    out_of_range = day is not None and not FIRST_DAY <= day <= LAST_DAY
    if out_of_range:
        day = None  # never moved to a clamped day the person did not choose
    at = parse_time(request.POST.get("time", ""))
    if at is None and post.scheduled_at is not None:
        at = post.scheduled_at.astimezone(zone).time().replace(second=0, microsecond=0)
    fold = request.POST.get("fold", "")
    message = ""
    ok = False
    if post.status not in MOVABLE:
        message = _("Only planned posts can be moved.")
    elif out_of_range:
        message = _("Choose a date between %(first)s and %(last)s.") % {
            "first": f"{FIRST_DAY:%d/%m/%Y}",
            "last": f"{LAST_DAY:%d/%m/%Y}",
        }
    elif day is None or at is None:
        message = _("Choose a date and a time.")
    else:
        try:
            outcome = post_schedule(
                actor=actor_of(request),
                post=post,
                local_time=datetime.combine(day, at),
                fold=int(fold) if fold in {"0", "1"} else None,
            )
        except PermissionDenied as refusal:
            message = str(refusal)
        except PublishingError as error:
            message = " ".join(error.messages)
        else:
            ok = True
            local = outcome.post.scheduled_at.astimezone(zone)  # type: ignore[union-attr]
            message = _("Moved to %(when)s.") % {"when": f"{local:%d/%m/%Y %H:%M}"}
            if outcome.needs_approval:
                message += " " + _("It waits for approval again.")
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, message)
    back = reverse("posts:calendar", kwargs={"org": request.organisation.slug})
    if day is not None:
        view = "month" if request.POST.get("view") == "month" else "week"
        back += f"?date={day:%Y-%m-%d}&view={view}"
    return redirect(back)


@require_POST
@org_view(Role.MANAGER)
def feed_rotate(request: OrgRequest) -> HttpResponse:
    calendar_feed_rotate(actor=actor_of(request))
    messages.success(request, _("New calendar address: the previous one no longer works."))
    return redirect("posts:calendar", org=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@org_view(Role.CONTRIBUTOR)
def csv_import(request: OrgRequest) -> HttpResponse:
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            form.add_error("file", _("This file is larger than 2 MB: split it."))
            status = 400
        else:
            report = csvio.import_csv(actor=actor_of(request), data=upload.read())
            status = 200
    elif request.method == "POST":
        status = 400
    return render(
        request, "publishing/ui/import.html", {"form": form, "report": report}, status=status
    )
