"""Publishing workflows: write, autosave, schedule, approve, cancel, retry, comment.

Pages and the REST API both call these functions with an :class:`Actor` (a member, or an API key
with its role). Each checks the role, keeps a revision of what was typed, writes the audit log
and notifies the people concerned. Saving a draft never validates anything, so nothing typed is
lost; scheduling validates everything and says in French what to fix, keeping the draft.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation, User
from parvis.accounts.roles import Role
from parvis.core.vocabulary import ContentCategory
from parvis.insight import categorise_post
from parvis.networks.contracts import Draft, MediaFile
from parvis.networks.limits import CAPABILITIES
from parvis.networks.models import SocialAccount
from parvis.networks.validation import validate
from parvis.publishing import timing
from parvis.publishing.media_urls import signed_media_url
from parvis.publishing.models import (
    CalendarFeed,
    MediaAsset,
    Post,
    PostComment,
    PostRevision,
    PostTarget,
    QueueSlot,
)
from parvis.publishing.notify import managers_of, notify
from parvis.publishing.utm import tag_link

log = logging.getLogger(__name__)

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


def _require_editor(actor: Actor, post: Post) -> None:
    """Managers edit everything; contributors their own posts; viewers nothing."""
    _own(actor, post)
    actor.require(Role.CONTRIBUTOR)
    if actor.can(Role.MANAGER):
        return
    if actor.api_key is None and post.author_id != (actor.user.pk if actor.user else None):
        raise PermissionDenied(_("Only the author or a manager can change this post."))


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
    now: datetime | None = None,
    **fields: Any,
) -> Post:
    """A new draft on the chosen accounts. Never validates: a draft may be empty or too long."""
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
    _revise(post, actor.user, now)
    actor.audit("post.created", post)
    return post


@transaction.atomic
def post_update(
    *,
    actor: Actor,
    post: Post,
    expected_version: int | None = None,
    account_ids: Sequence[int] | None = None,
    text_overrides: dict[int, str] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Post:
    """Save what was typed (autosave included). Raises :class:`PublishingError` ``conflict``
    when someone saved a newer version meanwhile (the caller shows both, nothing is lost).

    A contributor changing an approved or scheduled post sends it back for approval.
    """
    _require_editor(actor, post)
    now = now or timezone.now()
    post = Post.objects.select_for_update().get(pk=post.pk)
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
    back_to_approval = (
        post.organisation.approval_required
        and not actor.can(Role.MANAGER)
        and post.status in {Post.Status.APPROVED, Post.Status.SCHEDULED}
    )
    if back_to_approval:
        post.status = Post.Status.PENDING_APPROVAL
        post.targets.filter(status=PostTarget.Status.SCHEDULED).update(
            status=PostTarget.Status.DRAFT
        )
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


def target_draft(target: PostTarget) -> Draft:
    """What the dispatcher sends for ``target``: its text, tagged link and first comment."""
    post = target.post
    return Draft(
        text=target.text(),
        idempotency_key=target.idempotency_key,
        link=_tagged_link(post, target.account.kind) or None,
        media=tuple(_media_file(asset) for asset in post.media.all().order_by("pk")),
        first_comment=post.first_comment or None,
    )


def _media_file(asset: MediaAsset) -> MediaFile:
    """The connector's view of an uploaded file: measured at upload, read lazily from storage."""

    def read() -> bytes:
        with asset.file.open("rb") as handle:
            data: bytes = handle.read()
        return data

    return MediaFile(
        mime=asset.mime,
        size=asset.size,
        width=asset.width,
        height=asset.height,
        duration=asset.duration,
        alt_text=asset.alt_text,
        data=read,
        # Networks that download media themselves (Instagram, Facebook) get a signed,
        # expiring address; the others read the bytes.
        url=signed_media_url(asset, now=timezone.now()),
    )


def _check_publishable(post: Post) -> None:
    """Raise with every blocking problem on every target, in French, before scheduling."""
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
        caps = CAPABILITIES.get(account.network)
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


def _enqueue_if_near(post: Post, now: datetime) -> None:
    """Give near-due targets their own task (ETA = due time); the beat sweep is the safety net."""
    if post.scheduled_at is None:
        return
    if post.scheduled_at - now > timedelta(seconds=settings.PUBLISHING["ENQUEUE_AHEAD_S"]):
        return
    ids = list(post.targets.filter(status=PostTarget.Status.SCHEDULED).values_list("pk", flat=True))
    eta = post.scheduled_at

    def _send() -> None:
        from parvis.publishing.tasks import publish_target_task

        try:
            for target_id in ids:
                publish_target_task.apply_async((target_id,), eta=eta)
        except Exception:  # the post is scheduled anyway: the beat sweep will find it
            log.warning("could not enqueue publish tasks", exc_info=True)

    transaction.on_commit(_send)


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
    _require_editor(actor, post)
    now = now or timezone.now()
    post = Post.objects.select_for_update().get(pk=post.pk)
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
    _enqueue_if_near(post, now)
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
    _enqueue_if_near(post, now)
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
    _require_editor(actor, post)
    post = Post.objects.select_for_update().get(pk=post.pk)
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
    _require_editor(actor, post)
    now = now or timezone.now()
    post = Post.objects.select_for_update().get(pk=post.pk)
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
    _enqueue_if_near(post, now)
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
