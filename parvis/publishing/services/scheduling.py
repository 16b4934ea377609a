"""Putting a post on its way: schedule it (or submit it for approval), cancel it, retry it.

Times typed by people are wall-clock times in the organisation's zone; :func:`resolve_local_time`
turns them into UTC instants or says, in French, which instants are valid (DST).

The two functions that hand targets to the dispatcher, :func:`release_targets` and
:func:`post_retry`, sit together at the end: they set the fields the exactly-once sender reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.publishing import timing
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.notify import managers_of, notify
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.publishable import (
    check_account_connected,
    check_publishable,
    check_retryable,
)
from parvis.publishing.services.rules import LIVE_TARGET_STATES, Change, locked_post


@dataclass
class ScheduleOutcome:
    post: Post
    needs_approval: bool
    warnings: list[str] = field(default_factory=list)


def resolve_local_time(
    organisation: Organisation,
    local: datetime,
    *,
    fold: int | None = None,
    now: datetime | None = None,
) -> datetime:
    """The UTC instant for a wall-clock time in the organisation's zone, or a translated
    :class:`PublishingError` naming the valid choices (DST) or asking for a future time."""
    try:
        return timing.local_to_utc(local, organisation.tzinfo, fold=fold, now=now or timezone.now())
    except timing.LocalTimeProblem as problem:
        labels = _(" or ").join(c.label for c in problem.choices)
        values = {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}", "choices": labels}
        if problem.code == "nonexistent":
            message = _(
                "%(time)s does not exist on %(date)s (clocks go forward): choose %(choices)s."
            )
        elif problem.code == "ambiguous":
            message = _("%(time)s happens twice on %(date)s (clocks go back): choose %(choices)s.")
        else:
            message = _("This time has already passed: choose a time to come.")
        raise PublishingError(
            message % values, code=problem.code, choices=problem.choices
        ) from problem


@transaction.atomic
def post_schedule(
    *,
    actor: Actor,
    post: Post,
    local_time: datetime | None = None,
    fold: int | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> ScheduleOutcome:
    """Schedule ``post`` at ``local_time`` (organisation's zone) or the UTC instant ``at``.

    With approval required, a contributor's post waits for a manager (status
    ``pending_approval``, time kept); otherwise its targets become due at that time.
    """
    now = now or timezone.now()
    post = locked_post(actor, post, Change.SCHEDULE)
    if not post.is_editable:
        raise PublishingError(_("This post can no longer be scheduled."), code="not_editable")
    if at is None:
        if local_time is None:
            raise PublishingError(_("Choose a date and a time."), code="no_time")
        at = resolve_local_time(post.organisation, local_time, fold=fold, now=now)
    elif at <= now:
        raise PublishingError(
            _("This time has already passed: choose a time to come."), code="past"
        )
    check_publishable(post)
    post.scheduled_at = at
    post.updated_at = now
    needs_approval = post.organisation.approval_required and not actor.can(Role.MANAGER)
    if needs_approval:
        post.status = Post.Status.PENDING_APPROVAL
        post.save(update_fields=["scheduled_at", "status", "updated_at"])
        notify(
            organisation=post.organisation,
            users=managers_of(post.organisation),
            kind="approval_requested",
            message=_("A post waits for your approval: “%(post)s”.") % {"post": post},
            post=post,
            email_subject=_("A post waits for your approval"),
        )
        actor.audit("post.submitted", post, scheduled_at=at.isoformat())
        return ScheduleOutcome(post, needs_approval=True)
    post.status = Post.Status.SCHEDULED
    post.save(update_fields=["scheduled_at", "status", "updated_at"])
    release_targets(post, at)
    actor.audit("post.scheduled", post, scheduled_at=at.isoformat())
    return ScheduleOutcome(post, needs_approval=False)


@transaction.atomic
def post_cancel(*, actor: Actor, post: Post) -> Post:
    """Stop what has not left yet; live posts stay live (delete them on the network)."""
    post = locked_post(actor, post, Change.CANCEL)
    post.targets.exclude(status__in=[*LIVE_TARGET_STATES, PostTarget.Status.UNCONFIRMED]).update(
        status=PostTarget.Status.CANCELLED, claim_token=""
    )
    if not post.targets.filter(status__in=[*LIVE_TARGET_STATES, PostTarget.Status.UNCONFIRMED]):
        post.status = Post.Status.CANCELLED
        post.save(update_fields=["status"])
    actor.audit("post.cancelled", post)
    return post


# --- targets handed to the dispatcher -----------------------------------------------------------


def release_targets(post: Post, when: datetime) -> None:
    """Every target of ``post`` not live nor cancelled becomes due at ``when``, unclaimed and
    with a fresh attempt count (scheduling and approval)."""
    post.targets.exclude(status__in=[*LIVE_TARGET_STATES, PostTarget.Status.CANCELLED]).update(
        status=PostTarget.Status.SCHEDULED,
        due_at=when,
        next_attempt_at=when,
        attempts=0,
        last_error="",
        error_code="",
        claim_token="",
        claimed_until=None,
    )


# Targets a person may send again: refused or given up on, or waiting for a reconnection.
# Never a published one (or one in flight): the retry must not post twice.
RETRYABLE = (PostTarget.Status.FAILED, PostTarget.Status.HELD)


def _refuse_demo(post: Post) -> None:
    """Demo accounts never reach a network (the dispatcher skips them): a retry there would
    wait forever, so the demo says what the button does instead."""
    if post.is_demo:
        raise PublishingError(
            _(
                "This is the demo: nothing is sent to a network. In your own organisation, "
                "this button publishes the post again."
            ),
            code="demo",
        )


def _due_again(when: datetime) -> dict[str, object]:
    """The columns that hand a target back to the dispatcher at ``when``, fresh. A target
    that may already be on the network keeps ``sent_since``: the sender looks it up first."""
    return {
        "status": PostTarget.Status.SCHEDULED,
        "next_attempt_at": when,
        "due_at": when,
        "attempts": 0,
        "last_error": "",
        "error_code": "",
        "claim_token": "",
        "claimed_until": None,
    }


@transaction.atomic
def post_retry(
    *,
    actor: Actor,
    post: Post,
    local_time: datetime | None = None,
    fold: int | None = None,
    now: datetime | None = None,
) -> Post:
    """One click after a failure: the failed (or held) targets go again, now or at a new time."""
    now = now or timezone.now()
    post = locked_post(actor, post, Change.RETRY)
    when = (
        resolve_local_time(post.organisation, local_time, fold=fold, now=now)
        if local_time is not None
        else now
    )
    check_retryable(post)
    _refuse_demo(post)
    retried = post.targets.filter(status__in=RETRYABLE).update(**_due_again(when))
    if not retried:
        raise PublishingError(_("Nothing to retry on this post."), code="state")
    post.status = Post.Status.SCHEDULED
    post.scheduled_at = when if post.scheduled_at is None or when > now else post.scheduled_at
    post.save(update_fields=["status", "scheduled_at"])
    actor.audit("post.retried", post, targets=retried)
    return post


@transaction.atomic
def post_retry_account(
    *, actor: Actor, post: Post, target_id: int, now: datetime | None = None
) -> PostTarget:
    """Send ``post`` again on one account only (a partly failed post): the target ``target_id``
    goes back to the dispatcher now; the accounts where it is live are left alone."""
    now = now or timezone.now()
    post = locked_post(actor, post, Change.RETRY)
    # Only the target's row is locked (of=self), not its account's, which the dispatcher updates.
    target: PostTarget | None = (
        post.targets.select_for_update(of=("self",))
        .select_related("account")
        .filter(pk=target_id)
        .first()
    )
    if target is None:
        raise PublishingError(_("This account is not one this post is published on."), code="state")
    if target.status not in RETRYABLE:
        raise PublishingError(
            _("Nothing to retry on %(account)s.") % {"account": target.account}, code="state"
        )
    check_account_connected(target.account)
    _refuse_demo(post)
    # Conditioned on the state: no dispatcher claims a failed or held target, and the sweep
    # that releases held ones after a reconnection is conditioned the same way.
    PostTarget.objects.filter(pk=target.pk, status__in=RETRYABLE).update(**_due_again(now))
    if post.status != Post.Status.PUBLISHING:
        post.status = Post.Status.PUBLISHING
        post.save(update_fields=["status"])
    actor.audit("post.retried", post, targets=1, account=target.account_id)
    target.refresh_from_db()
    return target
