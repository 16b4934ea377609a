"""Forms of the accounts page. A submitted app password is never rendered back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from parvis.core.vocabulary import NETWORK_LABELS
from parvis.networks.services import DEFAULT_BLUESKY_SERVER, OAUTH_NETWORKS

# Bluesky app passwords look like xxxx-xxxx-xxxx-xxxx. Refusing anything else keeps the main
# password, which controls the whole account, out of Parvis.
APP_PASSWORD = RegexValidator(
    r"^[a-zA-Z0-9]{4}(-[a-zA-Z0-9]{4}){3}$",
    _(
        "This is not an app password. Create one in Bluesky: Settings › Privacy and security "
        "› App passwords (it looks like abcd-efgh-ijkl-mnop)."
    ),
)


class BlueskyConnectForm(forms.Form):
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
        initial=DEFAULT_BLUESKY_SERVER,
        help_text=_("Leave as is unless your account lives on another server."),
    )

    def clean_app_password(self) -> str:
        return str(self.cleaned_data["app_password"]).strip()


class MastodonConnectForm(forms.Form):
    instance_url = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=300,
        help_text=_("The address of the server the account lives on, e.g. mastodon.social"),
        widget=forms.TextInput(attrs={"autocapitalize": "off", "inputmode": "url"}),
    )


class OAuthConnectForm(forms.Form):
    network = forms.ChoiceField(
        choices=[(kind.value, NETWORK_LABELS[kind]) for kind in sorted(OAUTH_NETWORKS)]
    )


class ChooseAccountsForm(forms.Form):
    """The accounts ticked on the picker, among the keys the sign-in gave."""

    chosen = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(key, key) for key in keys]  # type: ignore[attr-defined]

    def clean_chosen(self) -> list[str]:
        chosen = list(self.cleaned_data["chosen"])
        if not chosen:
            raise forms.ValidationError(_("Tick at least one account to connect."))
        return chosen
