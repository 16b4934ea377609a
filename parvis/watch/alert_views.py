"""« Alertes »: the organisation's watch alerts, marking them read, and the alert e-mail settings.

The alert's id travels in the POST body and is read through the organisation
(``get_scoped_or_404``): another organisation's alert is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.watch.alert_mail import alert_message, timeline_path
from parvis.watch.alerts import alert_settings_update, alerts_mark_read
from parvis.watch.forms_alerts import AlertSettingsForm
from parvis.watch.models import Alert
from parvis.watch.selectors import watch_settings_for

PAGE_SIZE = 30


def _page(
    request: OrgRequest, status: int = 200, form: AlertSettingsForm | None = None
) -> HttpResponse:
    organisation = request.organisation
    alerts = Alert.objects.for_organisation(organisation).select_related("item")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    settings = watch_settings_for(organisation)
    if form is None:
        form = AlertSettingsForm(
            initial={
                "alert_email": settings.alert_email,
                "alert_daily_cap": settings.alert_daily_cap,
                "quiet_start": settings.quiet_start,
                "quiet_end": settings.quiet_end,
            }
        )
    rows: list[dict[str, Any]] = [
        {
            "alert": alert,
            "message": alert_message(alert),
            "item_url": alert.item.url if alert.item is not None else "",
            "timeline": timeline_path(alert, organisation),
        }
        for alert in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "unread": Alert.objects.for_organisation(organisation).filter(read_at__isnull=True).count(),
        "watch_settings": settings,
        "form": form,
        "can_read": request.membership.can(Role.CONTRIBUTOR),
        "can_manage": request.membership.can(Role.MANAGER),
    }
    return render(request, "watch/alerts.html", context, status=status)


@require_GET
@org_view()
def alerts_page(request: OrgRequest) -> HttpResponse:
    return _page(request)


@require_POST
@org_view(Role.CONTRIBUTOR)
def alert_read(request: OrgRequest) -> HttpResponse:
    """Mark one alert (``id``) or every unread alert (``all``) as read."""
    raw = request.POST.get("id", "")
    alert = None
    if raw != "all":
        if not raw.isdigit():
            raise Http404
        alert = get_scoped_or_404(Alert, request.organisation, pk=int(raw))
    alerts_mark_read(actor=Actor.of(request.membership), alert=alert)
    return redirect("watch:alerts", org=request.organisation.slug)


@require_POST
@org_view(Role.MANAGER)
def alert_settings(request: OrgRequest) -> HttpResponse:
    form = AlertSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, 400, form)
    data = form.cleaned_data
    alert_settings_update(
        actor=Actor.of(request.membership),
        email=data["alert_email"],
        daily_cap=data["alert_daily_cap"],
        quiet_start=data["quiet_start"],
        quiet_end=data["quiet_end"],
    )
    messages.success(request, _("Alert settings saved."))
    return redirect("watch:alerts", org=request.organisation.slug)
