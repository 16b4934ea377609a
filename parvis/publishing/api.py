"""REST endpoints for posts: create a draft, list, read, edit, schedule, approve, cancel.

Thin: each resolves the caller with ``org_access``, loads the post inside that organisation
and calls the service, which decides who may change what (``services.rules.post_refusal``: a
contributor key changes only the drafts it created); a refusal is a 403, a
:class:`PublishingError` a 400 ``ErrorOut`` with its code, its translated message and, for DST
problems, the valid ``choices``. Bodies are strict (``InputSchema``): an unknown field is a 422.
"""

# No ``from __future__ import annotations``: ``@paginate`` wraps the view, and ninja reads the
# wrapper's annotations in the pagination module, where names such as ``OrgSlug`` are unknown.

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator

from parvis.accounts.actor import Actor
from parvis.accounts.api_auth import OrgAccess, org_access
from parvis.accounts.roles import Role
from parvis.core.api_pagination import BoundedPagination
from parvis.core.api_schemas import (
    ErrorOut,
    Id,
    InputSchema,
    OrgSlug,
    QueryText,
    WebLink,
    refused,
    responses,
)
from parvis.core.scoping import get_scoped_or_404
from parvis.core.vocabulary import ContentCategory
from parvis.networks.validation import MAX_TEXT_LENGTH, over_maximum
from parvis.publishing import selectors
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services import approvals, editing, scheduling
from parvis.publishing.services.errors import PublishingError

router = Router(tags=["publishing"])

# A category of the vocabulary, or none ("" lets Parvis suggest one from the text).
Category = ContentCategory | Literal[""]
# A post reaches at most this many accounts in one request.
AccountIds = Annotated[list[Id], Field(max_length=100)]
FIRST_YEAR, LAST_YEAR = 1970, 9998


def _plausible(moment: datetime) -> datetime:
    """Years that convert between time zones: 0001-01-01 in Paris is before the first instant
    Python can represent in UTC (it was a 500)."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            _("Choose a year between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible)]


def _text_within_maximum(text: str) -> str:
    issue = over_maximum(text)
    if issue is not None:
        raise ValueError(issue.message)
    return text


def _first_comment_within_maximum(text: str) -> str:
    issue = over_maximum(text, field="first_comment")
    if issue is not None:
        raise ValueError(issue.message)
    return text


# A post's text and its first comment: at most ``MAX_TEXT_LENGTH`` characters, as in the
# composer. Longer is a 422 that says so, before any work is done on it.
_LONGEST = Field(json_schema_extra={"maxLength": MAX_TEXT_LENGTH})
PostText = Annotated[str, _LONGEST, AfterValidator(_text_within_maximum)]
FirstComment = Annotated[str, _LONGEST, AfterValidator(_first_comment_within_maximum)]


class TargetOut(Schema):
    account_id: int
    account: str
    status: str
    due_at: datetime | None
    attempts: int
    remote_url: str
    last_error: str
    error_code: str

    @staticmethod
    def resolve_account(target: PostTarget) -> str:
        return str(target.account)


class PostOut(Schema):
    id: int
    status: str
    body: str
    link: str
    category: str
    first_comment: str
    scheduled_at: datetime | None
    version: int
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(post: Post) -> list[PostTarget]:
        # ``all()``: the list reads the targets prefetched with their accounts.
        return list(post.targets.all())


class PostIn(InputSchema):
    body: PostText = ""
    account_ids: AccountIds = []
    link: WebLink = ""
    first_comment: FirstComment = ""
    category: Category = ""


class PostPatch(InputSchema):
    """Only the fields sent change. ``version`` (the one last read) refuses to overwrite a
    newer save with a 400 ``conflict``."""

    body: PostText | None = None
    account_ids: AccountIds | None = None
    link: WebLink | None = None
    first_comment: FirstComment | None = None
    category: Category | None = None
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class ScheduleIn(InputSchema):
    """Either ``local_time`` (wall clock in the organisation's zone, no offset) with ``fold``
    (0: the first, 1: the second) for a time that happens twice, or ``at`` (an instant with its
    offset)."""

    local_time: Moment | None = None
    fold: Literal[0, 1] | None = None
    at: Moment | None = None


def _actor(access: OrgAccess) -> Actor:
    return Actor.of_access(access)


def _out(post: Post) -> PostOut:
    """One post: its targets and their accounts in one more query (none when the list already
    prefetched them)."""
    prefetch_related_objects([post], selectors.targets_with_accounts())
    return PostOut.from_orm(post)


@router.get(
    "/o/{org}/posts/", response=responses({200: list[PostOut]}), summary="Posts, newest first"
)
@paginate(BoundedPagination)
def post_list(request: HttpRequest, org: OrgSlug, status: QueryText = "") -> Any:
    access = org_access(request, org, Role.VIEWER)
    # A queryset: the page is cut in the database, and its targets come in one more query.
    return selectors.posts_of(access.organisation, status=status or None)


@router.get(
    "/o/{org}/posts/{post_id}/",
    response=responses({200: PostOut}),
    summary="One post and its targets",
)
def post_detail(request: HttpRequest, org: OrgSlug, post_id: Id) -> PostOut:
    access = org_access(request, org, Role.VIEWER)
    return _out(get_scoped_or_404(Post, access.organisation, pk=post_id))


@router.post(
    "/o/{org}/posts/", response=responses({201: PostOut, 400: ErrorOut}), summary="Create a draft"
)
def post_create(request: HttpRequest, org: OrgSlug, payload: PostIn) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    try:
        post = editing.post_create(
            actor=_actor(access),
            body=payload.body,
            account_ids=payload.account_ids,
            link=payload.link,
            first_comment=payload.first_comment,
            category=payload.category,
        )
    except PublishingError as exc:
        return refused(exc)
    return Status(201, _out(post))


@router.patch(
    "/o/{org}/posts/{post_id}/",
    response=responses({200: PostOut, 400: ErrorOut}),
    summary="Edit a post (contributors: their own drafts)",
)
def post_update(request: HttpRequest, org: OrgSlug, post_id: Id, payload: PostPatch) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    post = get_scoped_or_404(Post, access.organisation, pk=post_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    version = changes.pop("version", None)
    try:
        post = editing.post_update(
            actor=_actor(access),
            post=post,
            expected_version=version,
            **changes,
        )
    except PublishingError as exc:
        return refused(exc)
    return Status(200, _out(post))


@router.post(
    "/o/{org}/posts/{post_id}/schedule",
    response=responses({200: PostOut, 400: ErrorOut}),
    summary="Schedule (or submit for approval)",
)
def post_schedule(request: HttpRequest, org: OrgSlug, post_id: Id, payload: ScheduleIn) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    post = get_scoped_or_404(Post, access.organisation, pk=post_id)
    try:
        outcome = scheduling.post_schedule(
            actor=_actor(access),
            post=post,
            local_time=payload.local_time.replace(tzinfo=None) if payload.local_time else None,
            fold=payload.fold,
            at=payload.at,
        )
    except PublishingError as exc:
        return refused(exc)
    return Status(200, _out(outcome.post))


@router.post(
    "/o/{org}/posts/{post_id}/approve",
    response=responses({200: PostOut, 400: ErrorOut}),
    summary="Approve a post waiting for approval",
)
def post_approve(request: HttpRequest, org: OrgSlug, post_id: Id) -> Any:
    access = org_access(request, org, Role.MANAGER)
    post = get_scoped_or_404(Post, access.organisation, pk=post_id)
    try:
        post = approvals.post_approve(actor=_actor(access), post=post)
    except PublishingError as exc:
        return refused(exc)
    return Status(200, _out(post))


@router.post(
    "/o/{org}/posts/{post_id}/cancel",
    response=responses({200: PostOut, 400: ErrorOut}),
    summary="Cancel what has not been published yet",
)
def post_cancel(request: HttpRequest, org: OrgSlug, post_id: Id) -> Any:
    access = org_access(request, org, Role.CONTRIBUTOR)
    post = get_scoped_or_404(Post, access.organisation, pk=post_id)
    try:
        post = scheduling.post_cancel(actor=_actor(access), post=post)
    except PublishingError as exc:
        return refused(exc)
    return Status(200, _out(post))
