"""Recurring posts (the next occurrence once one is live) and evergreen recycling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from parvis.core.audit import audit_record
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services.queue import next_queue_slot

STEP = {
    Post.Recurrence.DAILY: timedelta(days=1),
    Post.Recurrence.WEEKLY: timedelta(days=7),
}


def next_time(post: Post) -> datetime | None:
    """The next occurrence at the same local wall-clock time (DST-proof), or None when done."""
    if post.scheduled_at is None or not post.recurrence:
        return None
    zone = post.organisation.tzinfo
    local = post.scheduled_at.astimezone(zone).replace(tzinfo=None)
    if post.recurrence == Post.Recurrence.MONTHLY:
        month = local.month % 12 + 1
        year = local.year + (1 if month == 1 else 0)
        day = min(local.day, 28)
        following = local.replace(year=year, month=month, day=day)
    else:
        following = local + STEP[Post.Recurrence(post.recurrence)]
    instant = following.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if post.recurrence_until is not None and instant > post.recurrence_until:
        return None
    return instant


def _copy(post: Post, when: datetime, *, recycled: bool) -> Post:
    copy = Post.objects.create(
        organisation=post.organisation,
        author=post.author,
        created_by_key=post.created_by_key,
        body=post.body,
        link=post.link,
        utm_source=post.utm_source,
        utm_medium=post.utm_medium,
        utm_campaign=post.utm_campaign,
        first_comment=post.first_comment,
        category=post.category,
        status=Post.Status.SCHEDULED,
        scheduled_at=when,
        recurrence="" if recycled else post.recurrence,
        recurrence_until=None if recycled else post.recurrence_until,
        evergreen=post.evergreen,
        cooldown_days=post.cooldown_days,
        recycled_from=post,
    )
    copy.media.set(post.media.all())
    for target in post.targets.all():
        PostTarget.objects.create(
            organisation=post.organisation,
            post=copy,
            account_id=target.account_id,
            text_override=target.text_override,
            status=PostTarget.Status.SCHEDULED,
            due_at=when,
            next_attempt_at=when,
        )
    return copy


@transaction.atomic
def schedule_next_occurrence(post: Post) -> Post | None:
    """Once a recurring post is live, plan its next occurrence (a new post, same text)."""
    when = next_time(post)
    if when is None or Post.objects.filter(recycled_from=post).exists():
        return None
    copy = _copy(post, when, recycled=False)
    audit_record(action="post.recurred", organisation=post.organisation, target=copy)
    return copy


def evergreen_recycle(*, now: datetime | None = None, limit: int = 100) -> int:
    """Put evergreen posts whose cool-down has passed back into their organisation's queue."""
    now = now or timezone.now()
    count = 0
    candidates = Post.objects.filter(
        evergreen=True, status=Post.Status.PUBLISHED, published_at__isnull=False, is_demo=False
    ).select_related("organisation")
    for post in candidates[:limit]:
        if post.published_at + timedelta(days=post.cooldown_days) > now:
            continue
        if Post.objects.filter(recycled_from=post).exists():
            continue  # its copy carries the cycle on
        account_ids = list(post.targets.values_list("account_id", flat=True))
        slot = next_queue_slot(post.organisation, account_ids=account_ids, after=now)
        if slot is None:
            continue
        with transaction.atomic():
            copy = _copy(post, slot, recycled=True)
            audit_record(action="post.recycled", organisation=post.organisation, target=copy)
        count += 1
    return count
