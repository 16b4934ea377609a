"""Forms of the accounts page that serve every network. A network that asks for more than a
sign-in (a server, an app password) brings its own form (``Provider.connect_form``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.networks.provider import ConnectMethod
from parvis.networks.registry import providers


def _oauth_choices() -> list[tuple[str, str]]:
    return sorted(
        (network.kind.value, network.label)
        for network in providers()
        if network.connect_method is ConnectMethod.OAUTH
    )


class OAuthConnectForm(forms.Form):
    network = forms.ChoiceField(choices=_oauth_choices)


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
