"""Reads of the privacy app: scheduled deletions, what deleting an account implies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

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
