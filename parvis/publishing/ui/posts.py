"""The posts list and one post's page: per-account status, attempts, history, discussion,
and the actions that follow a failure (edit and retry) or a change of mind (cancel)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.publishing import selectors
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services import scheduling
from parvis.publishing.services.approvals import post_comment_add
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.rules import Change, post_may
from parvis.publishing.ui.common import actor_of
from parvis.publishing.ui.forms import CommentForm
from parvis.publishing.ui.history import revision_views

# How long before its time a scheduled post's page starts following it by itself.
LIVE_AHEAD = timedelta(minutes=15)

FILTERS = {
    "drafts": [Post.Status.DRAFT],
    "planned": [
        Post.Status.PENDING_APPROVAL,
        Post.Status.APPROVED,
        Post.Status.SCHEDULED,
        Post.Status.PUBLISHING,
    ],
    "published": [Post.Status.PUBLISHED],
    "failed": [Post.Status.FAILED, Post.Status.PARTIALLY_FAILED],
}


@require_GET
@org_view(Role.VIEWER)
def post_list(request: OrgRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    posts = selectors.posts_of(request.organisation)
    if show in FILTERS:
        posts = posts.filter(status__in=FILTERS[show])
    return render(
        request,
        "publishing/ui/list.html",
        {"posts": posts.select_related("author")[:200], "show": show, "filters": list(FILTERS)},
    )


@require_GET
@org_view(Role.VIEWER)
def post_detail(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    targets = list(post.targets.select_related("account"))
    membership = request.membership
    actor = actor_of(request)
    context = {
        "post": post,
        "targets": targets,
        "live": is_going_live(post, targets, timezone.now()),
        "retryable": any(
            t.status in {PostTarget.Status.FAILED, PostTarget.Status.HELD} for t in targets
        ),
        "can_edit": post_may(actor, post, Change.EDIT) and post.is_editable,
        "can_cancel": post_may(actor, post, Change.CANCEL)
        and post.status not in {Post.Status.CANCELLED, Post.Status.PUBLISHED},
        "can_retry": post_may(actor, post, Change.RETRY),
        "can_approve": membership.can(Role.MANAGER) and post.status == Post.Status.PENDING_APPROVAL,
    }
    if request.headers.get("HX-Target") == "post-live":
        # The open page following the publication (every 3 s): only the part it swaps, not the
        # history's diffs, the attempts and the discussion.
        return render(request, "publishing/ui/_post_live.html", context)
    context |= {
        "attempts": selectors.attempts_of(post).select_related("target__account")[:50],
        "history": revision_views(list(post.revisions.select_related("author"))),
        "comments": post.comments.select_related("author"),
        "comment_form": CommentForm(),
        "can_comment": membership.can(Role.CONTRIBUTOR),
    }
    return render(request, "publishing/ui/detail.html", context)


def is_going_live(post: Post, targets: list[PostTarget], now: datetime) -> bool:
    """Whether the post's page should follow its publication by itself: while it is being
    published, and in the minutes before its time, so nobody has to reload to see it go live."""
    if post.status == Post.Status.PUBLISHING or any(
        t.status in {PostTarget.Status.PUBLISHING, PostTarget.Status.UNCONFIRMED} for t in targets
    ):
        return True
    return (
        post.status in {Post.Status.SCHEDULED, Post.Status.APPROVED}
        and post.scheduled_at is not None
        and post.scheduled_at <= now + LIVE_AHEAD
    )


def _back(request: OrgRequest, post: Post) -> HttpResponse:
    return redirect("posts:detail", org=request.organisation.slug, post_id=post.pk)


@require_POST
@org_view(Role.CONTRIBUTOR)
def post_retry(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    try:
        scheduling.post_retry(actor=actor_of(request), post=post)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except PublishingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Publishing again now."))
    return _back(request, post)


@require_POST
@org_view(Role.CONTRIBUTOR)
def post_cancel(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    try:
        scheduling.post_cancel(actor=actor_of(request), post=post)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    return _back(request, post)


@require_POST
@org_view(Role.CONTRIBUTOR)
def post_comment(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            post_comment_add(actor=actor_of(request), post=post, body=form.cleaned_data["body"])
        except PublishingError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _back(request, post)
