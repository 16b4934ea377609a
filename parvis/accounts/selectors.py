"""Reads about users and organisations."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from parvis.accounts.models import ApiKey, Invitation, Membership, Organisation, User


def signup_mode() -> str:
    """The sign-up rule in force: ``open``, ``invitation`` or ``domains`` (``SIGNUP_MODE``).

    Outside production, a server without any account is open whatever the setting, so the
    first user of an embedded install can start. Never in production: a fresh server reachable
    from the Internet would otherwise belong to whoever finds it first; its operator creates
    the first account with ``parvis createsuperuser``.
    """
    if not settings.PRODUCTION and no_user_yet():
        return "open"
    return str(settings.SIGNUP_MODE)


def no_user_yet() -> bool:
    """True on a fresh install, before the first account exists."""
    return not User.objects.exists()


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
    """The organisation's keys, each with ``creator_is_member``: False once its creator left
    (or deleted their account), so the owner sees which keys nobody answers for."""
    keys: QuerySet[ApiKey] = (
        ApiKey.objects.for_organisation(organisation)
        .select_related("created_by")
        .annotate(
            creator_is_member=Exists(
                Membership.objects.filter(
                    organisation=organisation, user_id=OuterRef("created_by_id")
                )
            )
        )
        .order_by("revoked_at", "-created_at")
    )
    return keys
