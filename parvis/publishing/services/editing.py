"""Writing a post: create a draft, save what was typed (autosave included), keep revisions,
suggest a category. Never validates: a draft may be empty or too long, so nothing typed is
lost; ``scheduling`` validates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import User
from parvis.accounts.roles import Role
from parvis.core.vocabulary import ContentCategory
from parvis.insight import categorise_post
from parvis.networks.models import SocialAccount
from parvis.publishing.models import MediaAsset, Post, PostRevision, PostTarget
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.rules import LIVE_TARGET_STATES, Change, locked_post

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
# Below this probability the categoriser is guessing; an empty select is a better prompt.
SUGGESTION_MIN_SCORE = 0.35


def suggest_category(text: str) -> ContentCategory | None:
    """The offline categoriser's guess for ``text`` (a hint the author can change); None for an
    empty text, or when the guess is too unsure to be worth showing."""
    if not text.strip():
        return None
    guess = categorise_post(text)
    if guess.category == ContentCategory.OTHER or guess.score < SUGGESTION_MIN_SCORE:
        return None
    return guess.category


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown post fields: {sorted(unknown)}")


def _accounts(actor: Actor, account_ids: Sequence[int]) -> list[SocialAccount]:
    found = list(
        SocialAccount.objects.for_organisation(actor.organisation).filter(pk__in=account_ids)
    )
    if len(found) != len(set(account_ids)):
        raise PublishingError(_("One of the chosen accounts does not exist."), code="account")
    return found


def _media(actor: Actor, media_ids: Sequence[int]) -> list[MediaAsset]:
    found = list(MediaAsset.objects.for_organisation(actor.organisation).filter(pk__in=media_ids))
    if len(found) != len(set(media_ids)):
        raise PublishingError(_("One of the chosen files does not exist."), code="media")
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
    _check_fields(fields)
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


def _set_accounts(actor: Actor, post: Post, account_ids: Sequence[int]) -> None:
    """Targets follow the chosen accounts; those already live stay (they cannot be undone).
    A scheduled post's new targets are due with the others."""
    wanted = {a.pk: a for a in _accounts(actor, account_ids)}
    post.targets.exclude(account_id__in=wanted).exclude(status__in=LIVE_TARGET_STATES).delete()
    existing = set(post.targets.values_list("account_id", flat=True))
    scheduled = post.status == Post.Status.SCHEDULED
    for account_id, account in wanted.items():
        if account_id not in existing:
            PostTarget.objects.create(
                organisation=post.organisation,
                post=post,
                account=account,
                status=PostTarget.Status.SCHEDULED if scheduled else PostTarget.Status.DRAFT,
                due_at=post.scheduled_at if scheduled else None,
                next_attempt_at=post.scheduled_at if scheduled else None,
            )


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

    Contributors change only their own posts not yet approved nor scheduled (``post_refusal``).
    """
    now = now or timezone.now()
    post = locked_post(actor, post, Change.EDIT)
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
    _check_fields(fields)
    for name, value in fields.items():
        setattr(post, name, value)
    if account_ids is not None:
        _set_accounts(actor, post, account_ids)
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
