"""Account and organisation workflows: each checks permissions, writes the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parvis.accounts.models import (
    ApiKey,
    Invitation,
    Membership,
    Organisation,
    User,
    hash_token,
)
from parvis.accounts.roles import Role, at_least
from parvis.accounts.throttle import login_failures_forget
from parvis.core.audit import audit_record
from parvis.core.public_url import public_reverse, public_url


def user_sign_up(*, email: str, password: str, full_name: str = "", language: str = "fr") -> User:
    user = User.objects.create_user(email, password, full_name=full_name, language=language)
    audit_record(action="user.signed_up", organisation=None, actor=user, target=user)
    return user


# « domains » sign-up proves the address with a signed link (no table: the signature and its
# timestamp are the whole state; the account's existence makes a second click harmless).
SIGNUP_LINK_SALT = "parvis.accounts.signup-confirm"
SIGNUP_LINK_MAX_AGE = timedelta(days=2)


class SignupLinkError(Exception):
    """A sign-up confirmation link that cannot be used; ``expired`` tells why."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def signup_link_url(*, email: str) -> str:
    token = signing.dumps({"email": email.strip().lower()}, salt=SIGNUP_LINK_SALT)
    return public_url(reverse("accounts:signup") + "?" + urlencode({"token": token}))


def signup_link_email(token: str) -> str:
    """The address a confirmation link proves; raises ``SignupLinkError`` when it was
    tampered with or is older than ``SIGNUP_LINK_MAX_AGE``."""
    try:
        data = signing.loads(token, salt=SIGNUP_LINK_SALT, max_age=SIGNUP_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise SignupLinkError(expired=True) from None
    except signing.BadSignature:
        raise SignupLinkError(expired=False) from None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise SignupLinkError(expired=False)
    return email


def signup_confirmation_send(*, email: str) -> None:
    """E-mail ``email`` the link that creates its account, or, when an account already uses
    it, a reminder to log in: the page shows the same answer either way (no enumeration)."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        body = render_to_string(
            "accounts/email/signup_exists.txt",
            {
                "login_url": public_reverse("accounts:login"),
                "reset_url": public_reverse("accounts:password_reset"),
            },
        )
    else:
        body = render_to_string(
            "accounts/email/signup_confirm.txt",
            {"url": signup_link_url(email=email), "days": SIGNUP_LINK_MAX_AGE.days},
        )
    send_mail(_("Your Parvis account"), body, None, [email])


def user_sign_up_confirmed(
    *, email: str, password: str, full_name: str = "", language: str = "fr"
) -> User | None:
    """Create the account of an address proven by its link; None when one already exists
    (a second click, or two clicks at once: the unique address decides)."""
    try:
        with transaction.atomic():
            user = user_sign_up(
                email=email, password=password, full_name=full_name, language=language
            )
    except IntegrityError:
        return None
    return user


def user_password_reset_completed(*, user: User, ip_address: str | None = None) -> None:
    """After a new password was set through an e-mailed link: lift every log-in pause on the
    account (whoever caused it) and record it."""
    login_failures_forget(email=user.email)
    audit_record(
        action="user.password_reset",
        organisation=None,
        actor=user,
        target=user,
        ip_address=ip_address,
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(
    *,
    name: str,
    owner: User,
    timezone_name: str = settings.DEFAULT_ORGANISATION_TIMEZONE,
    is_demo: bool = False,
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name, slug=_unique_slug(name), timezone=timezone_name, is_demo=is_demo
    )
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    owner.last_organisation = organisation
    owner.save(update_fields=["last_organisation"])
    audit_record(
        action="organisation.created", organisation=organisation, actor=owner, target=organisation
    )
    return organisation


def _require(membership: Membership, minimum: str) -> None:
    if not membership.can(minimum):
        raise PermissionDenied(_("Your role does not allow this."))


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    url: str  # contains the only copy of the token


@transaction.atomic
def invitation_create(*, membership: Membership, email: str, role: str) -> IssuedInvitation:
    """Invite ``email`` into the membership's organisation with ``role`` and e-mail the link.

    A manager may invite up to manager; only an owner may invite another owner.
    """
    _require(membership, Role.MANAGER)
    if not at_least(membership.role, role):
        raise PermissionDenied(_("You cannot invite someone with more rights than yours."))
    organisation = membership.organisation
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=membership.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    url = public_reverse("accounts:invitation_accept", token=token)
    context = {"invitation": invitation, "url": url, "inviter": membership.user}
    # The invitee has no account yet, so the e-mail goes out in the inviter's language.
    with translation.override(membership.user.language):
        subject = _("%(name)s invites you to Parvis") % {"name": organisation.name}
        body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    audit_record(
        action="member.invited",
        organisation=organisation,
        actor=membership.user,
        target=invitation,
        email=email,
        role=role,
    )
    return IssuedInvitation(invitation=invitation, url=url)


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """An invitation is accepted only by the account with the address it was sent to."""
    return user.email.strip().lower() == invitation.email.strip().lower()


def invitation_find(token: str) -> Invitation | None:
    invitation: Invitation | None = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make ``user`` a member; the invitation is used up even if the user joined another way.

    Raises ``PermissionDenied`` when ``user`` is not the invited address: a forwarded or
    leaked link must not let someone else in.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has expired or was already used."))
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    user.last_organisation = invitation.organisation
    user.save(update_fields=["last_organisation"])
    audit_record(
        action="member.joined",
        organisation=invitation.organisation,
        actor=user,
        target=membership,
        role=membership.role,
    )
    return membership


def invitation_revoke(*, membership: Membership, invitation: Invitation) -> None:
    _require(membership, Role.MANAGER)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="member.invitation_revoked",
        organisation=membership.organisation,
        actor=membership.user,
        target=invitation,
    )


@transaction.atomic
def membership_change_role(*, acting: Membership, target: Membership, role: str) -> Membership:
    _require(acting, Role.MANAGER)
    if target.organisation_id != acting.organisation_id:
        raise PermissionDenied
    if not at_least(acting.role, target.role) or not at_least(acting.role, role):
        raise PermissionDenied(_("You cannot change the role of someone with more rights."))
    if target.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(target)
    old = target.role
    target.role = role
    target.save(update_fields=["role"])
    audit_record(
        action="member.role_changed",
        organisation=acting.organisation,
        actor=acting.user,
        target=target,
        old=old,
        new=role,
    )
    # A key never has more rights than the member who answers for it: on demotion, the keys
    # they made with a role above the new one stop working (the others keep theirs).
    api_keys_revoke_created_by(
        creator=target.user,
        organisation=acting.organisation,
        actor=acting.user,
        reason="creator_demoted",
        above_role=role,
    )
    return target


def _ensure_another_owner(target: Membership) -> None:
    owners = Membership.objects.filter(organisation=target.organisation, role=Role.OWNER)
    if not owners.exclude(pk=target.pk).exists():
        raise ValidationError(_("An organisation needs at least one owner."))


@transaction.atomic
def membership_remove(*, acting: Membership, target: Membership) -> None:
    if acting.pk != target.pk:
        _require(acting, Role.MANAGER)
        if not at_least(acting.role, target.role):
            raise PermissionDenied(_("You cannot remove someone with more rights."))
    if target.organisation_id != acting.organisation_id:
        raise PermissionDenied
    if target.role == Role.OWNER:
        _ensure_another_owner(target)
    audit_record(
        action="member.removed",
        organisation=acting.organisation,
        actor=acting.user,
        target=target,
        email=target.user.email,
    )
    # A key outlives nobody who answers for it: the leaving member's keys stop working.
    api_keys_revoke_created_by(
        creator=target.user,
        organisation=acting.organisation,
        actor=acting.user,
        reason="creator_left",
    )
    target.delete()


def organisation_update(
    *, membership: Membership, name: str, timezone_name: str, approval_required: bool
) -> Organisation:
    _require(membership, Role.MANAGER)
    organisation = membership.organisation
    organisation.name = name
    organisation.timezone = timezone_name
    organisation.approval_required = approval_required
    organisation.full_clean()
    organisation.save(update_fields=["name", "timezone", "approval_required"])
    audit_record(
        action="organisation.updated",
        organisation=organisation,
        actor=membership.user,
        target=organisation,
        timezone=timezone_name,
        approval_required=approval_required,
    )
    return organisation


def user_switch_organisation(*, user: User, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionDenied
    user.last_organisation = organisation
    user.save(update_fields=["last_organisation"])


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    secret: str  # shown once to the user, never stored


def api_key_create(
    *, membership: Membership, name: str, role: str, expires_at: datetime | None = None
) -> IssuedApiKey:
    """A new key; ``expires_at`` (optional) is the moment it stops working."""
    _require(membership, Role.MANAGER)
    if not at_least(membership.role, role):
        raise PermissionDenied(_("A key cannot have more rights than you."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"valid_until": _("Choose today or a later day.")})
    secret = settings.API_KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organisation=membership.organisation,
        name=name,
        role=role,
        prefix=secret[:10],
        key_hash=hash_token(secret),
        created_by=membership.user,
        expires_at=expires_at,
    )
    audit_record(
        action="api_key.created",
        organisation=membership.organisation,
        actor=membership.user,
        target=api_key,
        role=role,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    return IssuedApiKey(api_key=api_key, secret=secret)


def api_key_revoke(*, membership: Membership, api_key: ApiKey) -> None:
    _require(membership, Role.MANAGER)
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_record(
        action="api_key.revoked",
        organisation=membership.organisation,
        actor=membership.user,
        target=api_key,
    )


def api_keys_revoke_created_by(
    *,
    creator: User,
    organisation: Organisation | None = None,
    actor: User | None = None,
    reason: str,
    above_role: str | None = None,
) -> int:
    """Revoke the keys ``creator`` made, in ``organisation`` or (None) in every organisation,
    e.g. when they leave it or delete their account; with ``above_role``, only the keys whose
    role is above it (a demotion). Each revocation is audit-logged with ``reason``. Returns how
    many keys were revoked."""
    keys = ApiKey.objects.filter(created_by=creator, revoked_at=None).select_related("organisation")
    if organisation is not None:
        keys = keys.filter(organisation=organisation)
    revoked = 0
    for api_key in keys:
        if above_role is not None and at_least(above_role, api_key.role):
            continue
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(
            action="api_key.revoked",
            organisation=api_key.organisation,
            actor=actor,
            target=api_key,
            reason=reason,
        )
        revoked += 1
    return revoked


def api_key_authenticate(secret: str) -> ApiKey | None:
    """The key with this secret if it may be used now (not revoked, not expired), else None."""
    if not secret.startswith(settings.API_KEY_PREFIX):
        return None
    api_key: ApiKey | None = (
        ApiKey.objects.select_related("organisation")
        .filter(key_hash=hash_token(secret), revoked_at=None)
        .first()
    )
    if api_key is None or not api_key.is_active:
        return None
    # One write per minute at most: the timestamp is informative, not an access log.
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > timedelta(minutes=1):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
