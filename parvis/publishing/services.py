"""Publishing workflows: write, autosave, schedule, approve, cancel, retry, comment, queue
slots, notifications read.

Pages and the REST API both call these functions with an :class:`Actor` (a member, or an API key
with its role). Each checks who may do it (:func:`post_refusal` holds the rule for posts), keeps
a revision of what was typed, writes the audit log and notifies the people concerned. Saving a
draft never validates anything, so nothing typed is lost; scheduling validates everything and
says in French what to fix, keeping the draft. Media writes live in ``media_services.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation, User
from parvis.accounts.roles import Role
from parvis.core.links import web_link
from parvis.core.vocabulary import ContentCategory
from parvis.insight import categorise_post
from parvis.networks.contracts import Draft
from parvis.networks.models import SocialAccount
from parvis.networks.validation import validate
from parvis.publishing import timing
from parvis.publishing.capabilities import capabilities_for
from parvis.publishing.media_services import media_for_network
from parvis.publishing.models import (
    CalendarFeed,
    MediaAsset,
    Notification,
    Post,
    PostComment,
    PostRevision,
    PostTarget,
    QueueSlot,
)
from parvis.publishing.notify import managers_of, notify
from parvis.publishing.utm import tag_link

EDITABLE_FIELDS = (
    "body",
    "link",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "first_comment",
    "category",
    "recurrence",
    "recurrence_until",
    "evergreen",
    "cooldown_days",
)
# Autosaves by the same person within this window update one revision instead of piling up.
REVISION_COALESCE = timedelta(minutes=2)
LIVE_TARGET_STATES = {PostTarget.Status.PUBLISHING, PostTarget.Status.PUBLISHED}


class PublishingError(ValidationError):
    """A problem the person can fix now; ``message`` is translated, ``choices`` (DST) are
    the valid instants to offer. The draft is always kept."""

    def __init__(self, message: str, *, code: str, choices: Sequence[timing.Choice] = ()) -> None:
        super().__init__(message, code=code)
        self.choices = tuple(choices)


@dataclass
class ScheduleOutcome:
    post: Post
    needs_approval: bool
    warnings: list[str] = field(default_factory=list)


def _own(actor: Actor, post: Post) -> None:
    if post.organisation_id != actor.organisation.pk:
        raise PermissionDenied(_("This post belongs to another organisation."))


class Change(StrEnum):
    """What someone wants to do to an existing post."""

    EDIT = "edit"
    SCHEDULE = "schedule"  # also "add to the queue" and moving it in the calendar
    CANCEL = "cancel"
    RETRY = "retry"


# The rule for contributors (members or API keys with that role): they work on their own posts
# until a manager approved them or they were scheduled; from then on only a manager changes
# them. Scheduling an approved post again (its time passed) is allowed because, with an
# approval step, it goes back to a manager; a failed post was scheduled, so a manager retries.
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

    The one place the rule lives: every service below enforces it on the locked row, and pages
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


def _require(actor: Actor, post: Post, change: Change) -> None:
    reason = post_refusal(actor, post, change)
    if reason is not None:
        raise PermissionDenied(reason)


def _locked(actor: Actor, post: Post, change: Change) -> Post:
    """The post's row, locked for this transaction, once the rule allows ``change`` on it as it
    is now (not as the caller last read it)."""
    _own(actor, post)
    locked: Post = Post.objects.select_for_update().get(pk=post.pk)
    _require(actor, locked, change)
    return locked


def _accounts(actor: Actor, account_ids: Sequence[int]) -> list[SocialAccount]:
    found = list(
        SocialAccount.objects.for_organisation(actor.organisation).filter(pk__in=account_ids)
    )
    if len(found) != len(set(account_ids)):
        raise PublishingError(_("One of the chosen accounts does not exist."), code="account")
    return found


def _revise(post: Post, user: User | None, now: datetime) -> None:
    latest = post.revisions.order_by("-version").first()
    if (
        latest is not None
        and latest.author_id == (user.pk if user else None)
        and now - latest.created_at < REVISION_COALESCE
    ):
        latest.snapshot = post.snapshot()
        latest.version = post.version
        latest.created_at = now
        latest.save(update_fields=["snapshot", "version", "created_at"])
        return
    PostRevision.objects.create(
        organisation=post.organisation,
        post=post,
        version=post.version,
        author=user,
        snapshot=post.snapshot(),
        created_at=now,
    )


def suggest_category(text: str) -> ContentCategory | None:
    """The offline categoriser's guess for ``text`` (a hint the author can change); None for an
    empty text, or when the guess is too unsure to be worth showing."""
    if not text.strip():
        return None
    guess = categorise_post(text)
    if guess.category == ContentCategory.OTHER or guess.score < SUGGESTION_MIN_SCORE:
        return None
    return guess.category


# Below this probability the categoriser is guessing; an empty select is a better prompt.
SUGGESTION_MIN_SCORE = 0.35


@transaction.atomic
def post_create(
    *,
    actor: Actor,
    body: str = "",
    account_ids: Sequence[int] = (),
    text_overrides: dict[int, str] | None = None,
    media_ids: Sequence[int] = (),
    now: datetime | None = None,
    **fields: Any,
) -> Post:
    """A new draft on the chosen accounts, with the chosen files of the organisation's library.
    Never validates: a draft may be empty or too long."""
    actor.require(Role.CONTRIBUTOR)
    now = now or timezone.now()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown post fields: {sorted(unknown)}")
    if not fields.get("category"):
        guess = suggest_category(body)
        fields["category"] = guess.value if guess else ""
    post = Post.objects.create(
        organisation=actor.organisation,
        author=actor.user,
        created_by_key=actor.api_key,
        body=body,
        created_at=now,
        updated_at=now,
        **fields,
    )
    overrides = text_overrides or {}
    for account in _accounts(actor, account_ids):
        PostTarget.objects.create(
            organisation=actor.organisation,
            post=post,
            account=account,
            text_override=overrides.get(account.pk, ""),
        )
    if media_ids:
        post.media.set(_media(actor, media_ids))
    _revise(post, actor.user, now)
    actor.audit("post.created", post)
    return post


def _media(actor: Actor, media_ids: Sequence[int]) -> list[MediaAsset]:
    found = list(MediaAsset.objects.for_organisation(actor.organisation).filter(pk__in=media_ids))
    if len(found) != len(set(media_ids)):
        raise PublishingError(_("One of the chosen files does not exist."), code="media")
    return found


@transaction.atomic
def post_update(
    *,
    actor: Actor,
    post: Post,
    expected_version: int | None = None,
    account_ids: Sequence[int] | None = None,
    text_overrides: dict[int, str] | None = None,
    media_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Post:
    """Save what was typed (autosave included); ``None`` leaves accounts or files as they are.
    Raises :class:`PublishingError` ``conflict`` when someone saved a newer version meanwhile
    (the caller shows both, nothing is lost).

    Contributors change only their own posts not yet approved nor scheduled (:func:`post_refusal`).
    """
    now = now or timezone.now()
    post = _locked(actor, post, Change.EDIT)
    if not post.is_editable:
        raise PublishingError(
            _("This post is being published or is already live: it can no longer change."),
            code="not_editable",
        )
    if expected_version is not None and expected_version != post.version:
        raise PublishingError(
            _("Someone saved this post meanwhile: reload it to see their version."),
            code="conflict",
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown post fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(post, name, value)
    if account_ids is not None:
        wanted = {a.pk: a for a in _accounts(actor, account_ids)}
        post.targets.exclude(account_id__in=wanted).exclude(status__in=LIVE_TARGET_STATES).delete()
        existing = set(post.targets.values_list("account_id", flat=True))
        initial = (
            PostTarget.Status.DRAFT
            if post.status not in {Post.Status.SCHEDULED}
            else PostTarget.Status.SCHEDULED
        )
        for account_id, account in wanted.items():
            if account_id not in existing:
                PostTarget.objects.create(
                    organisation=post.organisation,
                    post=post,
                    account=account,
                    status=initial,
                    due_at=post.scheduled_at if initial == PostTarget.Status.SCHEDULED else None,
                    next_attempt_at=(
                        post.scheduled_at if initial == PostTarget.Status.SCHEDULED else None
                    ),
                )
    for account_id, text in (text_overrides or {}).items():
        post.targets.filter(account_id=account_id).update(text_override=text)
    if media_ids is not None:
        wanted_media = _media(actor, media_ids)
        if set(post.media.values_list("pk", flat=True)) != {m.pk for m in wanted_media}:
            post.media.set(wanted_media)
    post.version = F("version") + 1
    post.updated_at = now
    post.save()
    post.refresh_from_db()
    _revise(post, actor.user, now)
    actor.audit("post.updated", post, version=post.version)
    return post


def post_draft(post: Post) -> Draft:
    """The contract the connectors receive for ``post`` (on no account in particular)."""
    return Draft(text=post.body, idempotency_key="validation", link=_tagged_link(post) or None)


def _tagged_link(post: Post, network: str = "") -> str:
    if not post.link:
        return ""
    return tag_link(
        post.link,
        source=post.utm_source or network,
        medium=post.utm_medium or ("social" if post.utm_source or network else ""),
        campaign=post.utm_campaign,
    )


def target_draft(target: PostTarget, *, render: bool = False) -> Draft:
    """What ``target``'s network receives: its text, tagged link, first comment and media as
    that network takes them (a copy where the original exceeds its limits).

    ``render`` makes the copies (the dispatcher, just before sending); without it they are only
    planned, which is enough to validate and costs no image work.
    """
    post = target.post
    caps = capabilities_for(target.account)
    now = timezone.now()
    return Draft(
        text=target.text(),
        idempotency_key=target.idempotency_key,
        link=_tagged_link(post, target.account.kind) or None,
        media=tuple(
            media_for_network(asset, caps, make=render, now=now)
            for asset in post.media.all().order_by("pk")
        ),
        first_comment=post.first_comment or None,
    )


def _check_publishable(post: Post) -> None:
    """Raise with every blocking problem on every target, in French, before scheduling."""
    try:
        web_link(post.link)
    except ValueError as refusal:
        # A draft may keep what was typed; only a web address may leave for the networks.
        raise PublishingError(str(refusal), code="link_invalid") from None
    targets = list(post.targets.select_related("account"))
    if not targets:
        raise PublishingError(_("Choose at least one account to publish on."), code="no_account")
    problems: list[str] = []
    for target in targets:
        account = target.account
        if account.status != SocialAccount.Status.CONNECTED:
            problems.append(
                _("%(account)s must be reconnected before it can publish.") % {"account": account}
            )
            continue
        caps = capabilities_for(account)
        if caps is None:
            continue
        for issue in validate(target_draft(target), caps):
            if issue.blocking:
                problems.append(f"{account}\u202f: {issue.message}")
    if problems:
        raise PublishingError(" ".join(problems), code="invalid")


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


def _release_targets(post: Post, when: datetime) -> None:
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
    post = _locked(actor, post, Change.SCHEDULE)
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
    _check_publishable(post)
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
    _release_targets(post, at)
    actor.audit("post.scheduled", post, scheduled_at=at.isoformat())
    return ScheduleOutcome(post, needs_approval=False)


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
    _require(actor, post, Change.SCHEDULE)
    now = now or timezone.now()
    account_ids = list(post.targets.values_list("account_id", flat=True))
    slot = next_queue_slot(actor.organisation, account_ids=account_ids, after=now)
    if slot is None:
        raise PublishingError(
            _("The queue has no free slot: add weekly times in the queue settings."),
            code="no_slot",
        )
    return post_schedule(actor=actor, post=post, at=slot, now=now)


@transaction.atomic
def post_approve(*, actor: Actor, post: Post, now: datetime | None = None) -> Post:
    """A manager approves: the post is scheduled at its time (which must still be ahead)."""
    _own(actor, post)
    actor.require(Role.MANAGER)
    now = now or timezone.now()
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != Post.Status.PENDING_APPROVAL:
        raise PublishingError(_("This post is not waiting for approval."), code="state")
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
    _check_publishable(post)
    post.status = Post.Status.SCHEDULED
    post.save(update_fields=["status"])
    _release_targets(post, post.scheduled_at)
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
    _own(actor, post)
    actor.require(Role.MANAGER)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != Post.Status.PENDING_APPROVAL:
        raise PublishingError(_("This post is not waiting for approval."), code="state")
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
def post_cancel(*, actor: Actor, post: Post) -> Post:
    """Stop what has not left yet; live posts stay live (delete them on the network)."""
    post = _locked(actor, post, Change.CANCEL)
    post.targets.exclude(status__in=[*LIVE_TARGET_STATES, PostTarget.Status.UNCONFIRMED]).update(
        status=PostTarget.Status.CANCELLED, claim_token=""
    )
    if not post.targets.filter(status__in=[*LIVE_TARGET_STATES, PostTarget.Status.UNCONFIRMED]):
        post.status = Post.Status.CANCELLED
        post.save(update_fields=["status"])
    actor.audit("post.cancelled", post)
    return post


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
    post = _locked(actor, post, Change.RETRY)
    when = (
        resolve_local_time(post.organisation, local_time, fold=fold, now=now)
        if local_time is not None
        else now
    )
    _check_publishable_subset(post)
    retried = post.targets.filter(
        status__in=[PostTarget.Status.FAILED, PostTarget.Status.HELD]
    ).update(
        status=PostTarget.Status.SCHEDULED,
        next_attempt_at=when,
        due_at=when,
        attempts=0,
        last_error="",
        error_code="",
        claim_token="",
        claimed_until=None,
    )
    if not retried:
        raise PublishingError(_("Nothing to retry on this post."), code="state")
    post.status = Post.Status.SCHEDULED
    post.scheduled_at = when if post.scheduled_at is None or when > now else post.scheduled_at
    post.save(update_fields=["status", "scheduled_at"])
    actor.audit("post.retried", post, targets=retried)
    return post


def _check_publishable_subset(post: Post) -> None:
    """Before a retry: the failed targets' accounts must be connected again."""
    for target in post.targets.filter(
        status__in=[PostTarget.Status.FAILED, PostTarget.Status.HELD]
    ).select_related("account"):
        if target.account.status != SocialAccount.Status.CONNECTED:
            raise PublishingError(
                _("%(account)s must be reconnected before it can publish.")
                % {"account": target.account},
                code="reconnect",
            )


@transaction.atomic
def post_comment_add(*, actor: Actor, post: Post, body: str) -> PostComment:
    _own(actor, post)
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
    *, actor: Actor, weekday: int, local_time: Any, account: SocialAccount | None = None
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


def notifications_mark_read(
    *, user: User, organisation: Organisation, now: datetime | None = None
) -> int:
    """Mark every unread notification of ``user`` in ``organisation`` read; returns how many.
    Personal bookkeeping, not audited."""
    return (
        Notification.objects.for_organisation(organisation)
        .filter(user=user, read_at=None)
        .update(read_at=now or timezone.now())
    )


@transaction.atomic
def calendar_feed_rotate(*, actor: Actor) -> CalendarFeed:
    """A new secret iCal address; the previous one stops working at once."""
    actor.require(Role.MANAGER)
    CalendarFeed.objects.for_organisation(actor.organisation).delete()
    feed = CalendarFeed.objects.create(organisation=actor.organisation)
    actor.audit("calendar_feed.rotated", feed)
    return feed


def calendar_feed_for(organisation: Organisation) -> CalendarFeed:
    feed = CalendarFeed.objects.for_organisation(organisation).first()
    return feed or CalendarFeed.objects.create(organisation=organisation)
