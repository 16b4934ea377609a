"""Notifications: one in-app row per person, and an e-mail when the person must act."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from parvis.accounts.models import Membership, Organisation, User
from parvis.accounts.roles import Role
from parvis.publishing.models import Notification, Post


def managers_of(organisation: Organisation) -> list[User]:
    """Owners and managers: the people who approve posts and fix accounts."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role__in=[Role.OWNER, Role.MANAGER]
        ).select_related("user")
    ]


def notify(
    *,
    organisation: Organisation,
    users: Iterable[User | None],
    kind: str,
    message: str,
    post: Post | None = None,
    email_subject: str = "",
) -> list[Notification]:
    """Create one notification per distinct user; e-mail them after commit when
    ``email_subject`` is given (a lost e-mail never rolls back the change it reports)."""
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(
                organisation=organisation, user=user, kind=kind, message=message, post=post
            )
        )
    if email_subject and created:
        recipients = [n.user.email for n in created]

        def _send() -> None:
            send_mail(
                email_subject,
                message,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
                fail_silently=True,
            )

        transaction.on_commit(_send)
    return created
