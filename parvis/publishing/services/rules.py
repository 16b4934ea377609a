"""Who may change a post: the one rule pages, the API and every workflow ask.

Contributors (members or API keys with that role) work on their own posts until a manager
approved them or they were scheduled; from then on only a manager changes them.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.publishing.models import Post, PostTarget

# Targets that already left (or are leaving): nothing may change or cancel them.
LIVE_TARGET_STATES = {PostTarget.Status.PUBLISHING, PostTarget.Status.PUBLISHED}


class Change(StrEnum):
    """What someone wants to do to an existing post."""

    EDIT = "edit"
    SCHEDULE = "schedule"  # also "add to the queue" and moving it in the calendar
    CANCEL = "cancel"
    RETRY = "retry"


# Scheduling an approved post again (its time passed) is allowed because, with an approval
# step, it goes back to a manager; a failed post was scheduled, so a manager retries.
CONTRIBUTOR_MAY: dict[Change, frozenset[str]] = {
    Change.EDIT: frozenset({Post.Status.DRAFT, Post.Status.PENDING_APPROVAL}),
    Change.SCHEDULE: frozenset(
        {Post.Status.DRAFT, Post.Status.PENDING_APPROVAL, Post.Status.APPROVED}
    ),
    Change.CANCEL: frozenset({Post.Status.DRAFT, Post.Status.PENDING_APPROVAL}),
    Change.RETRY: frozenset(),
}


def is_own_post(actor: Actor, post: Post) -> bool:
    """A member owns the posts they wrote; an API key the posts it created (a key is nobody
    in particular, so it never owns a member's post, even its creator's)."""
    if actor.api_key is not None:
        return post.created_by_key_id == actor.api_key.pk
    return actor.user is not None and post.author_id == actor.user.pk


def post_refusal(actor: Actor, post: Post, change: Change) -> str | None:
    """Why ``actor`` may not make ``change`` to ``post`` (translated), or None when they may.

    The one place the rule lives: every workflow enforces it on the locked row, and pages
    and the API ask it before showing an action.
    """
    if post.organisation_id != actor.organisation.pk:
        return _("This post belongs to another organisation.")
    if not actor.can(Role.CONTRIBUTOR):
        return _("Your role does not allow this.")
    if actor.can(Role.MANAGER):
        return None
    if not is_own_post(actor, post):
        return _("Only the author or a manager can change this post.")
    if post.status not in CONTRIBUTOR_MAY[change]:
        return _("This post was approved or scheduled: only a manager can change it now.")
    return None


def post_may(actor: Actor, post: Post, change: Change) -> bool:
    return post_refusal(actor, post, change) is None


def require_same_organisation(actor: Actor, post: Post) -> None:
    if post.organisation_id != actor.organisation.pk:
        raise PermissionDenied(_("This post belongs to another organisation."))


def require_allowed(actor: Actor, post: Post, change: Change) -> None:
    reason = post_refusal(actor, post, change)
    if reason is not None:
        raise PermissionDenied(reason)


def locked_post(actor: Actor, post: Post, change: Change) -> Post:
    """The post's row, locked for this transaction, once the rule allows ``change`` on it as it
    is now (not as the caller last read it)."""
    require_same_organisation(actor, post)
    locked: Post = Post.objects.select_for_update().get(pk=post.pk)
    require_allowed(actor, locked, change)
    return locked
