"""The approval step: a manager approves or sends a post back; anyone on it comments."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.publishing.models import Post, PostComment
from parvis.publishing.notify import managers_of, notify
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.publishable import check_publishable
from parvis.publishing.services.rules import require_same_organisation
from parvis.publishing.services.scheduling import release_targets


def _waiting_for_approval(actor: Actor, post: Post) -> Post:
    """The post's row, locked, once a manager of its organisation may decide on it."""
    require_same_organisation(actor, post)
    actor.require(Role.MANAGER)
    locked: Post = Post.objects.select_for_update().get(pk=post.pk)
    if locked.status != Post.Status.PENDING_APPROVAL:
        raise PublishingError(_("This post is not waiting for approval."), code="state")
    return locked


@transaction.atomic
def post_approve(*, actor: Actor, post: Post, now: datetime | None = None) -> Post:
    """A manager approves: the post is scheduled at its time (which must still be ahead)."""
    now = now or timezone.now()
    post = _waiting_for_approval(actor, post)
    if post.scheduled_at is None or post.scheduled_at <= now:
        post.status = Post.Status.APPROVED
        post.save(update_fields=["status"])
        actor.audit("post.approved", post)
        notify(
            organisation=post.organisation,
            users=[post.author],
            kind="approved",
            message=_("Your post was approved; its time has passed, choose a new one: “%(post)s”.")
            % {"post": post},
            post=post,
        )
        return post
    check_publishable(post)
    post.status = Post.Status.SCHEDULED
    post.save(update_fields=["status"])
    release_targets(post, post.scheduled_at)
    actor.audit("post.approved", post)
    notify(
        organisation=post.organisation,
        users=[post.author],
        kind="approved",
        message=_("Your post was approved and is scheduled: “%(post)s”.") % {"post": post},
        post=post,
    )
    return post


@transaction.atomic
def post_reject(*, actor: Actor, post: Post, reason: str) -> Post:
    """A manager sends the post back to its author with a comment; the text is kept."""
    post = _waiting_for_approval(actor, post)
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status"])
    if reason.strip():
        PostComment.objects.create(
            organisation=post.organisation, post=post, author=actor.user, body=reason.strip()
        )
    actor.audit("post.rejected", post)
    notify(
        organisation=post.organisation,
        users=[post.author],
        kind="rejected",
        message=_("Changes were requested on your post “%(post)s”: %(reason)s")
        % {"post": post, "reason": reason},
        post=post,
        email_subject=_("Changes requested on your post"),
    )
    return post


@transaction.atomic
def post_comment_add(*, actor: Actor, post: Post, body: str) -> PostComment:
    """A comment on ``post``; its author, the other commenters and, while it waits for
    approval, the managers are notified."""
    require_same_organisation(actor, post)
    actor.require(Role.CONTRIBUTOR)
    if not body.strip():
        raise PublishingError(_("Write a comment first."), code="empty")
    comment = PostComment.objects.create(
        organisation=post.organisation, post=post, author=actor.user, body=body.strip()
    )
    others = {post.author, *(c.author for c in post.comments.select_related("author"))}
    if post.status == Post.Status.PENDING_APPROVAL:
        others.update(managers_of(post.organisation))
    others.discard(actor.user)
    notify(
        organisation=post.organisation,
        users=others,
        kind="comment",
        message=_("New comment on “%(post)s”: %(comment)s")
        % {"post": post, "comment": comment.body[:200]},
        post=post,
    )
    actor.audit("post.commented", post)
    return comment
