"""Queue settings: the organisation's weekly time slots that "Add to queue" fills."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.publishing.models import QueueSlot
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.queue import next_queue_slot, queue_slot_add, queue_slot_remove
from parvis.publishing.ui.common import actor_of
from parvis.publishing.ui.forms import WEEKDAYS, QueueSlotForm


@require_http_methods(["GET", "POST"])
@org_view(Role.VIEWER)
def queue(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    can_manage = request.membership.can(Role.MANAGER)
    form = QueueSlotForm(organisation=organisation)
    status = 200
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        form = QueueSlotForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                queue_slot_add(
                    actor=actor_of(request),
                    weekday=form.cleaned_data["weekday"],
                    local_time=form.cleaned_data["local_time"],
                    account=form.cleaned_data["account"],
                )
            except PublishingError as error:
                form.add_error(None, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, _("Time slot added."))
                return redirect("posts:queue", org=organisation.slug)
        else:
            status = 400
    slots = QueueSlot.objects.for_organisation(organisation).select_related("account")
    next_slot = next_queue_slot(organisation, after=timezone.now())
    return render(
        request,
        "publishing/ui/queue.html",
        {
            "form": form,
            "slots": slots,
            "weekdays": dict(WEEKDAYS),
            "can_manage": can_manage,
            "next_slot": next_slot.astimezone(organisation.tzinfo) if next_slot else None,
            "timezone_name": organisation.timezone,
        },
        status=status,
    )


@require_POST
@org_view(Role.MANAGER)
def slot_remove(request: OrgRequest, slot_id: int) -> HttpResponse:
    slot = get_scoped_or_404(QueueSlot, request.organisation, pk=slot_id)
    queue_slot_remove(actor=actor_of(request), slot=slot)
    messages.success(request, _("Time slot removed."))
    return redirect("posts:queue", org=request.organisation.slug)
