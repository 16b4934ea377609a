"""Forms of the « Données personnelles » page and of the account deletion page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeletionRequestForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Type the organisation's name to confirm"), max_length=200
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Handle, network id or name"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "@jdupont"}),
    )


class PersonEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that their messages will be emptied for good."), required=True
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
