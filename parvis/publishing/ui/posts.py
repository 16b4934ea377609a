"""The posts list and one post's page: per-account status, attempts, history, discussion,
and the actions that follow a failure (edit and retry) or a change of mind (cancel)."""

from __future__ import annotations

from dataclasses import dataclass
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
from parvis.networks.models import SocialAccount
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

# Error codes after which the sender gave up retrying by itself: the message it recorded then
# promised a new automatic attempt, which is no longer true once the target failed.
GAVE_UP = {"transient", "connector_error"}

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


@dataclass(frozen=True)
class AccountRow:
    """One account of a post on its page: the target, why it failed, what can be done."""

    target: PostTarget
    reason: str  # the failure explained in the reader's language; "" when it did not fail
    retry_here: bool  # a « Retry » button for this account alone
    reconnect: bool  # the account must be reconnected first


def failure_reason(target: PostTarget) -> str:
    """Why ``target`` failed, for the person who wrote the post."""
    if target.status != PostTarget.Status.FAILED:
        return ""
    if target.error_code in GAVE_UP:
        return _("The network did not answer after several tries: retry later.")
    if target.error_code == "error":
        return _(
            "Parvis could not send the post after several tries (an error on this server: "
            "its administrator finds the details in the logs)."
        )
    # The network's own refusal, already worded for the author by the connector.
    return target.last_error or _("The network refused the post.")


def account_rows(targets: list[PostTarget], *, can_retry: bool) -> list[AccountRow]:
    rows = []
    for target in targets:
        retryable = target.status in scheduling.RETRYABLE
        connected = target.account.status == SocialAccount.Status.CONNECTED
        rows.append(
            AccountRow(
                target=target,
                reason=failure_reason(target),
                retry_here=retryable and connected and can_retry,
                reconnect=retryable and not connected,
            )
        )
    return rows


@require_GET
@org_view(Role.VIEWER)
def post_detail(request: OrgRequest, post_id: int) -> HttpResponse:
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    targets = list(post.targets.select_related("account"))
    membership = request.membership
    actor = actor_of(request)
    can_retry = post_may(actor, post, Change.RETRY)
    rows = account_rows(targets, can_retry=can_retry)
    context = {
        "post": post,
        "rows": rows,
        "live": is_going_live(post, targets, timezone.now()),
        "retryable": any(t.status in scheduling.RETRYABLE for t in targets),
        # One button per account; « retry all » only when there is more than one to retry.
        "retry_all": sum(row.retry_here for row in rows) > 1,
        "published_count": sum(t.status == PostTarget.Status.PUBLISHED for t in targets),
        "failed_rows": [row for row in rows if row.target.status == PostTarget.Status.FAILED],
        "can_edit": post_may(actor, post, Change.EDIT) and post.is_editable,
        "can_cancel": post_may(actor, post, Change.CANCEL)
        and post.status not in {Post.Status.CANCELLED, Post.Status.PUBLISHED},
        "can_retry": can_retry,
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
    """Send the failed accounts again: the one named by ``target``, or all of them."""
    post = get_scoped_or_404(Post, request.organisation, pk=post_id)
    target_id = request.POST.get("target", "")
    try:
        if target_id:
            # Digits the database can hold: anything else names no target of this post.
            if not (target_id.isascii() and target_id.isdigit() and len(target_id) < 19):
                raise PublishingError(
                    _("This account is not one this post is published on."), code="state"
                )
            target = scheduling.post_retry_account(
                actor=actor_of(request), post=post, target_id=int(target_id)
            )
            done = _("Publishing again on %(account)s now.") % {"account": target.account}
        else:
            scheduling.post_retry(actor=actor_of(request), post=post)
            done = _("Publishing again now.")
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except PublishingError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
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
