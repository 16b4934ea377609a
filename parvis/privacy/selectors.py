"""Reads of the privacy app: scheduled deletions, what deleting an account implies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from parvis.accounts.gates import OrganisationClosed
from parvis.accounts.models import Membership, Organisation, User
from parvis.accounts.roles import Role
from parvis.privacy.models import OrganisationDeletion


def organisation_deletion_live(organisation: Organisation) -> OrganisationDeletion | None:
    """The organisation's deletion request that is not cancelled (pending or started)."""
    return (
        OrganisationDeletion.objects.for_organisation(organisation)
        .filter(cancelled_at=None)
        .select_related("requested_by")
        .first()
    )


# How long a page or API request trusts the cached answer of ``organisation_being_deleted``.
# A claim writes True through at once (``organisation_being_deleted_remember``), so the TTL
# only bounds how stale the answer can be if that write was lost (the cache was down).
BEING_DELETED_TTL_S = 60


def _being_deleted_key(organisation_id: int) -> str:
    return f"privacy:being-deleted:{organisation_id}"


def organisation_being_deleted(organisation: Organisation) -> bool:
    """Whether a worker has claimed the organisation's deletion: from then on its pages and its
    API refuse every request (``org_view``, ``org_access``), so that nothing is written while
    its files and rows are deleted.

    Asked on every request, so the answer is cached (shared by the web processes and the
    workers): no query per request. ``cache.add`` never overwrites, so a request that read the
    database just before a claim cannot replace the claim's True by its stale False."""
    key = _being_deleted_key(organisation.pk)
    cached = cache.get(key)
    if cached is not None:
        return bool(cached)
    started = OrganisationDeletion.objects.filter(
        organisation=organisation, cancelled_at=None, started_at__isnull=False
    ).exists()
    cache.add(key, started, BEING_DELETED_TTL_S)
    return started


BEING_DELETED = OrganisationClosed(
    page_template="privacy/being_deleted.html",
    api_detail=gettext_lazy(
        "This organisation is being deleted: its data can no longer be read or changed."
    ),
)


def organisation_deletion_gate(organisation: Organisation) -> OrganisationClosed | None:
    """The gate this app registers with accounts (``PrivacyConfig.ready``): closed from the
    moment a worker claims the deletion."""
    return BEING_DELETED if organisation_being_deleted(organisation) else None


def organisation_being_deleted_remember(organisation_id: int) -> None:
    """A deletion was claimed (and committed): requests see it at once, not after the TTL."""
    cache.set(_being_deleted_key(organisation_id), True, BEING_DELETED_TTL_S)


@dataclass(frozen=True)
class AccountDeletionPlan:
    # Organisations where the user is the only owner and others are members: deletion refused.
    blocking: list[Organisation] = field(default_factory=list)
    # Organisations where the user is the only member: deleted with the account.
    deleted_with: list[Organisation] = field(default_factory=list)


def account_deletion_plan(user: User) -> AccountDeletionPlan:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .annotate(
            members=Count("organisation__memberships", distinct=True),
            owners=Count(
                "organisation__memberships",
                filter=Q(organisation__memberships__role=Role.OWNER),
                distinct=True,
            ),
        )
        .order_by("organisation__name")
    )
    blocking, deleted_with = [], []
    for membership in memberships:
        members: int = membership.members
        owners: int = membership.owners
        if members == 1:
            deleted_with.append(membership.organisation)
        elif membership.role == Role.OWNER and owners == 1:
            blocking.append(membership.organisation)
    return AccountDeletionPlan(blocking=blocking, deleted_with=deleted_with)
