"""Approvals: posts waiting for a manager, approve or send back with a reason; and the
current person's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.publishing import selectors
from parvis.publishing.models import Notification, Post
from parvis.publishing.services.approvals import post_approve, post_reject
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.notifications import notifications_mark_read
from parvis.publishing.ui.common import actor_of
from parvis.publishing.ui.forms import RejectForm


@require_GET
@org_view(Role.VIEWER)
def approvals(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    waiting = selectors.posts_of(organisation, status=Post.Status.PENDING_APPROVAL).select_related(
        "author"
    )
    notifications = Notification.objects.for_organisation(organisation).filter(user=request.user)[
        :50
    ]
    return render(
        request,
        "publishing/ui/approvals.html",
        {
            "waiting": waiting.order_by("scheduled_at", "pk"),
            "can_approve": request.membership.can(Role.MANAGER),
            "approval_required": organisation.approval_required,
            "notifications": notifications,
            "unread": selectors.unread_notifications(request.user, organisation).count(),  # type: ignore[arg-type]
            "reject_form": RejectForm(),
        },
    )


def _back(request: OrgRequest) -> HttpResponse:
    return redirect("posts:approvals", org=request.organisation.slug)


@require_POST
@org_view(Role.MANAGER)
def approve(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    try:
        post = post_approve(actor=actor_of(request), post=post)
    except PublishingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if post.status == Post.Status.SCHEDULED:
            messages.success(request, _("Approved and scheduled: “%(post)s”.") % {"post": post})
        else:
            messages.warning(
                request,
                _("Approved, but its time has passed: its author will choose a new one."),
            )
    return _back(request)


@require_POST
@org_view(Role.MANAGER)
def reject(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change, so that the author can fix it."))
        return _back(request)
    try:
        post_reject(actor=actor_of(request), post=post, reason=form.cleaned_data["reason"])
    except PublishingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent back to its author with your comment."))
    return _back(request)


@require_POST
@org_view(Role.VIEWER)
def notifications_read(request: OrgRequest) -> HttpResponse:
    notifications_mark_read(user=request.user, organisation=request.organisation)  # type: ignore[arg-type]
    return _back(request)
