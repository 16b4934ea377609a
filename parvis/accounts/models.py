"""Users, organisations (companies), memberships with roles, invitations and API keys."""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.roles import Role, at_least
from parvis.core.models import OrganisationOwned


def hash_token(token: str) -> str:
    """Tokens we hand out (invitations, API keys) are stored only as their SHA-256.

    They are long random strings, so a fast hash is enough; a slow password hash would only
    slow down every API request.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s."), params={"tz": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The organisation shown after log-in: the last one the user switched to.
    last_organisation = models.ForeignKey(
        "Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class Organisation(models.Model):
    """A company using Parvis. Everything it owns points here (see ``OrganisationOwned``)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_ORGANISATION_TIMEZONE,
        validators=[validate_timezone],
    )
    # Demo organisations are filled with invented data and labelled as such everywhere.
    is_demo = models.BooleanField(default=False)
    # One optional approval step: contributors' posts then wait for a manager or an owner.
    approval_required = models.BooleanField(_("posts need approval"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    def can(self, minimum: str) -> bool:
        return at_least(self.role, minimum)


class Invitation(OrganisationOwned):
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class ApiKey(OrganisationOwned):
    """A key for the REST API, acting inside one organisation with one role."""

    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    # The first characters, kept in clear so the owner can tell keys apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    # Its keys are revoked when this member leaves the organisation (services.membership_remove).
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Optional: past this moment the key no longer authenticates.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        """Whether the key authenticates: neither revoked nor expired."""
        return self.revoked_at is None and not self.is_expired
