"""The publishing queue: weekly slots, the next free one, and the best time to post."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.networks.models import SocialAccount
from parvis.publishing import timing
from parvis.publishing.models import Post, PostTarget, QueueSlot
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.rules import Change, require_allowed
from parvis.publishing.services.scheduling import ScheduleOutcome, post_schedule


def next_queue_slot(
    organisation: Organisation, *, account_ids: Sequence[int] = (), after: datetime
) -> datetime | None:
    """The first weekly slot after ``after`` not already taken by a planned post."""
    slots = QueueSlot.objects.for_organisation(organisation)
    if account_ids:
        slots = slots.filter(account__isnull=True) | slots.filter(account_id__in=account_ids)
    pairs = {(s.weekday, s.local_time) for s in slots}
    taken = set(
        Post.objects.for_organisation(organisation)
        .filter(
            status__in=[Post.Status.SCHEDULED, Post.Status.PENDING_APPROVAL, Post.Status.APPROVED],
            scheduled_at__gt=after,
        )
        .values_list("scheduled_at", flat=True)
    )
    for instant in timing.slot_instants(pairs, organisation.tzinfo, after=after):
        if instant not in taken:
            return instant
    return None


def post_add_to_queue(*, actor: Actor, post: Post, now: datetime | None = None) -> ScheduleOutcome:
    """Schedule ``post`` at the next free queue slot."""
    require_allowed(actor, post, Change.SCHEDULE)
    now = now or timezone.now()
    account_ids = list(post.targets.values_list("account_id", flat=True))
    slot = next_queue_slot(actor.organisation, account_ids=account_ids, after=now)
    if slot is None:
        raise PublishingError(
            _("The queue has no free slot: add weekly times in the queue settings."),
            code="no_slot",
        )
    return post_schedule(actor=actor, post=post, at=slot, now=now)


def suggest_best_time(
    *, organisation: Organisation, account: SocialAccount | None = None, now: datetime
) -> datetime | None:
    """The next instant in one of the best (weekday, hour) buckets of the account's own
    engagement history, else of the benchmark defaults."""
    history = PostTarget.objects.for_organisation(organisation).filter(
        status=PostTarget.Status.PUBLISHED, engagement__isnull=False, published_at__isnull=False
    )
    if account is not None:
        history = history.filter(account=account)
    buckets = timing.best_hours(
        history.values_list("published_at", "engagement"), organisation.tzinfo
    )
    instants = timing.slot_instants(buckets[:3], organisation.tzinfo, after=now, weeks=2)
    return instants[0] if instants else None


@transaction.atomic
def queue_slot_add(
    *, actor: Actor, weekday: int, local_time: time, account: SocialAccount | None = None
) -> QueueSlot:
    actor.require(Role.MANAGER)
    if not 0 <= weekday <= 6:
        raise PublishingError(_("Choose a day of the week."), code="weekday")
    if account is not None and account.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    slot = QueueSlot.objects.create(
        organisation=actor.organisation, weekday=weekday, local_time=local_time, account=account
    )
    actor.audit("queue_slot.added", slot)
    return slot


@transaction.atomic
def queue_slot_remove(*, actor: Actor, slot: QueueSlot) -> None:
    actor.require(Role.MANAGER)
    if slot.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    actor.audit("queue_slot.removed", slot)
    slot.delete()
