"""Reads of the publishing app; every one is scoped to an organisation (or a user)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from parvis.accounts.models import Organisation, User
from parvis.publishing.models import Notification, Post, PostTarget, PublishAttempt

PLANNED = [
    Post.Status.PENDING_APPROVAL,
    Post.Status.APPROVED,
    Post.Status.SCHEDULED,
    Post.Status.PUBLISHING,
]


def targets_with_accounts() -> Prefetch[str, QuerySet[PostTarget], str]:
    """How posts read their targets: with each target's account, in one more query."""
    return Prefetch("targets", queryset=PostTarget.objects.select_related("account"))


def posts_of(organisation: Organisation, *, status: str | None = None) -> QuerySet[Post]:
    posts = Post.objects.for_organisation(organisation).prefetch_related(targets_with_accounts())
    return posts.filter(status=status) if status else posts


def calendar_posts(
    organisation: Organisation, *, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Post]:
    """Planned and published posts with a time, in time order (calendar, iCal, CSV export)."""
    posts = posts_of(organisation).filter(
        scheduled_at__isnull=False, status__in=[*PLANNED, Post.Status.PUBLISHED]
    )
    if start is not None:
        posts = posts.filter(scheduled_at__gte=start)
    if end is not None:
        posts = posts.filter(scheduled_at__lt=end)
    return posts.order_by("scheduled_at", "pk")


def planned_posts(organisation: Organisation) -> QuerySet[Post]:
    return posts_of(organisation).filter(status__in=PLANNED).order_by("scheduled_at", "pk")


def attempts_of(post: Post) -> QuerySet[PublishAttempt]:
    return PublishAttempt.objects.for_organisation(post.organisation).filter(target__post=post)


def unread_notifications(user: User, organisation: Organisation) -> QuerySet[Notification]:
    return Notification.objects.for_organisation(organisation).filter(user=user, read_at=None)
