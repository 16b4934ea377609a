"""Feeds: the secret iCal address and the CSV export. The pages come with the composer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.publishing import csvio, ical, selectors
from parvis.publishing.models import CalendarFeed


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the only key (rotate it to revoke)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("organisation"), token=token)
    host = settings.PUBLIC_BASE_URL.split("://", 1)[-1].split("/", 1)[0]
    body = ical.calendar(
        selectors.calendar_posts(feed.organisation),
        name=feed.organisation.name,
        host=host,
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@org_view(Role.VIEWER)
def csv_export(request: OrgRequest) -> HttpResponse:
    body = csvio.export_csv(
        selectors.planned_posts(request.organisation), request.organisation.tzinfo
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="publications.csv"'
    return response
