"""The Bluesky card of the « Comptes » page. A submitted app password is never rendered back."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

DEFAULT_SERVER = "https://bsky.social"

# Bluesky app passwords look like xxxx-xxxx-xxxx-xxxx. Refusing anything else keeps the main
# password, which controls the whole account, out of Parvis.
APP_PASSWORD = RegexValidator(
    r"^[a-zA-Z0-9]{4}(-[a-zA-Z0-9]{4}){3}$",
    _(
        "This is not an app password. Create one in Bluesky: Settings › Privacy and security "
        "› App passwords (it looks like abcd-efgh-ijkl-mnop)."
    ),
)


class ConnectForm(forms.Form):
    """Fields of every app-password network: ``handle``, ``app_password``, ``server``."""

    handle = forms.CharField(
        label=_("Handle"),
        max_length=253,
        help_text=_("For example menuiserie-martin.bsky.social"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "off"}),
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=64,
        validators=[APP_PASSWORD],
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Used once to open a session, never stored."),
    )
    server = forms.CharField(
        label=_("Server"),
        max_length=300,
        required=False,
        initial=DEFAULT_SERVER,
        help_text=_("Leave as is unless your account lives on another server."),
    )

    def clean_app_password(self) -> str:
        return str(self.cleaned_data["app_password"]).strip()
