"""Reads about users and organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from parvis.accounts.models import ApiKey, Invitation, Membership, Organisation, User


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_in(user: User, slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=slug)
        .first()
    )


def default_organisation(user: User) -> Organisation | None:
    memberships = memberships_of(user)
    if user.last_organisation_id:
        chosen = memberships.filter(organisation_id=user.last_organisation_id).first()
        if chosen is not None:
            return chosen.organisation
    first = memberships.first()
    return first.organisation if first else None


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email")
    )


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_organisation(organisation)
        .filter(accepted_at=None, revoked_at=None)
        .order_by("-created_at")
    )


def api_keys_of(organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_organisation(organisation).order_by("revoked_at", "-created_at")
