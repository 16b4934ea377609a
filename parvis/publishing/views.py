"""Feeds: the secret iCal address and the CSV export. The pages come with the composer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.public_url import public_host, public_reverse
from parvis.publishing import csvio, ical, selectors
from parvis.publishing.models import CalendarFeed


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the only key (rotate it to revoke)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("organisation"), token=token)
    slug = feed.organisation.slug
    body = ical.calendar(
        selectors.calendar_posts(feed.organisation),
        name=feed.organisation.name,
        # The configured address, never the Host header: calendar apps keep these for good.
        host=public_host(),
        now=timezone.now(),
        post_url=lambda post: public_reverse("posts:detail", org=slug, post_id=post.pk),
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
