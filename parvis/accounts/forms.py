"""Forms of the accounts app. Errors are translated; typed values survive a failed submit."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import Invitation, User
from parvis.accounts.roles import Role
from parvis.accounts.throttle import lockout_message

# The furthest expiry an API key may be given: later dates are almost surely typos.
API_KEY_MAX_VALIDITY = timedelta(days=3660)


def _check_domain(email: str, allowed_domains: list[str] | None) -> None:
    """Refuse an address outside ``allowed_domains`` (None: any domain)."""
    domain = email.rsplit("@", 1)[-1]
    if allowed_domains is not None and domain not in allowed_domains:
        raise forms.ValidationError(
            _(
                "Sign-up on this server is reserved for addresses at %(domains)s. "
                "Otherwise, ask a member of your organisation for an invitation."
            ),
            params={"domains": ", ".join(allowed_domains)},
            code="domain",
        )


class SignUpRequestForm(forms.Form):
    """« domains » sign-up, first step: only the address, which the e-mailed link will prove.

    Whether an account already uses it is not said here (no account enumeration): the
    confirmation e-mail says it to the mailbox's owner only.
    """

    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args: Any, allowed_domains: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.allowed_domains = allowed_domains

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        _check_domain(email, self.allowed_domains)
        return email


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )

    def __init__(self, *args: Any, allowed_domains: list[str] | None = None, **kwargs: Any):
        """``allowed_domains``: when given, only addresses at these domains may sign up."""
        super().__init__(*args, **kwargs)
        self.allowed_domains = allowed_domains

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        _check_domain(email, self.allowed_domains)
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account already uses this address. Log in or reset your password.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class InvitationSignUpForm(SignUpForm):
    """Sign-up through an invitation: the account gets the invited address, whatever is posted."""

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any):
        super().__init__(*args, initial={"email": invitation.email}, **kwargs)
        # A disabled field ignores the submitted value and keeps the initial one.
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _("The address the invitation was sent to.")


class ConfirmedSignUpForm(SignUpForm):
    """« domains » sign-up, second step, reached through the e-mailed link: the account gets
    the confirmed address, and its password is chosen only here, by whoever reads that mailbox
    (a stranger who typed the address never sets a password on someone else's account)."""

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, initial={"email": email}, **kwargs)
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _("The address you have just confirmed.")


class LoginForm(AuthenticationForm):
    """Django's log-in form; django-axes counts the failures and pauses (accounts/throttle.py).

    While paused, axes refuses even the right password; the form then says why and for how
    long instead of « wrong password ».
    """

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(
                    lockout_message(self.request), code="rate_limited"
                ) from None
            raise


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)
    return [(zone, zone.replace("_", " ")) for zone in zones]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        initial=settings.DEFAULT_ORGANISATION_TIMEZONE,
    )


class OrganisationSettingsForm(OrganisationForm):
    approval_required = forms.BooleanField(
        label=_("Contributors' posts need a manager's approval"), required=False
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=80)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The key stops working after this day. Empty: until it is revoked."),
    )

    def clean_valid_until(self) -> datetime | None:
        """The end of the chosen day in the current (the organisation's) time zone."""
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a later day."), code="past")
        if day > today + API_KEY_MAX_VALIDITY:
            raise forms.ValidationError(_("Choose a day within ten years."), code="too_far")
        return timezone.make_aware(datetime.combine(day, time.max))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
