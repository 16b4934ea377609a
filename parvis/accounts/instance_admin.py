"""Who administers this Parvis (the instance, not an organisation).

An **instance administrator** is a user with ``is_staff`` (``parvis createsuperuser`` makes
one). While no active user has it — an embedded install whose first user signed up in the
browser — the first account created is the administrator: the owner of a self-hosted Parvis is
its administrator without a command line. Naming a staff user ends that rule (docs/deploy.md).
An administrator enters the networks' developer apps (``networks.app_setup``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def is_instance_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` may enter the networks' developer apps (see the module's doc)."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    users = get_user_model().objects.filter(is_active=True)
    if users.filter(is_staff=True).exists():
        return False
    first = get_user_model().objects.order_by("pk").values_list("pk", flat=True).first()
    return bool(first == user.pk)


def require_instance_admin(user: AbstractBaseUser | AnonymousUser) -> None:
    if not is_instance_admin(user):
        raise PermissionDenied
