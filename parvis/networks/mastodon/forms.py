"""The Mastodon card of the « Comptes » page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectForm(forms.Form):
    """The field of every server-based network: ``instance_url``."""

    instance_url = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=300,
        help_text=_("The address of the server the account lives on, e.g. mastodon.social"),
        widget=forms.TextInput(attrs={"autocapitalize": "off", "inputmode": "url"}),
    )
