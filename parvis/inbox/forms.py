from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import Membership, Organisation, User
from parvis.core.guarded_http import AddressRefused, check_url
from parvis.inbox.models import INTENT_CHOICES, SENTIMENT_CHOICES, Conversation, Label
from parvis.inbox.selectors import InboxFilters
from parvis.networks.models import NETWORK_CHOICES, SocialAccount


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("priority", _("Priority")), ("newest", _("Newest"))],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Conversation.Status.choices]
    )
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=[("", _("All")), *NETWORK_CHOICES]
    )
    account = forms.TypedChoiceField(
        label=_("Account"), required=False, coerce=int, empty_value=None
    )
    intent = forms.ChoiceField(
        label=_("Intent"), required=False, choices=[("", _("All")), *INTENT_CHOICES]
    )
    sentiment = forms.ChoiceField(
        label=_("Tone"), required=False, choices=[("", _("All")), *SENTIMENT_CHOICES]
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    label = forms.TypedChoiceField(label=_("Label"), required=False, coerce=int, empty_value=None)
    over_goal = forms.BooleanField(label=_("Over the goal"), required=False)

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        if "status" not in data:
            data = {**data.dict(), "status": Conversation.Status.OPEN}
        super().__init__(data)
        accounts = SocialAccount.objects.filter(organisation=organisation).order_by(
            "kind", "handle"
        )
        account_field = self.fields["account"]
        assert isinstance(account_field, forms.ChoiceField)
        account_field.choices = [("", _("All"))] + [(a.pk, str(a)) for a in accounts]
        members = Membership.objects.filter(organisation=organisation).select_related("user")
        assignee_field = self.fields["assignee"]
        assert isinstance(assignee_field, forms.ChoiceField)
        assignee_field.choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
        ] + [(str(m.user_id), m.user.display_name) for m in members]
        labels = list(Label.objects.for_organisation(organisation).order_by("name"))
        if labels:
            label_field = self.fields["label"]
            assert isinstance(label_field, forms.ChoiceField)
            label_field.choices = [("", _("All"))] + [(label.pk, label.name) for label in labels]
        else:
            # Nothing to filter on until someone labels a conversation: no empty menu.
            del self.fields["label"]

    def filters(self) -> InboxFilters:
        if not self.is_valid():
            return InboxFilters()
        data = self.cleaned_data
        return InboxFilters(
            status=data["status"],
            network=data["network"],
            account=data["account"],
            intent=data["intent"],
            sentiment=data["sentiment"],
            assignee=data["assignee"],
            label=data.get("label"),
            over_goal=bool(data["over_goal"]),
            q=data["q"],
            order=data["order"] or "priority",
        )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class NoteForm(forms.Form):
    # "note", not "text": the note box shares the conversation's form with the reply box.
    note = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class SavedReplyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    intent = forms.ChoiceField(
        label=_("Suggested for"), required=False, choices=[("", _("Any message")), *INTENT_CHOICES]
    )
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Variables: {first_name}, {name}, {handle}, {order_number}, {organisation}."),
    )


class InboxSettingsForm(forms.Form):
    goal_hours = forms.IntegerField(label=_("Answer within (hours)"), min_value=1, max_value=720)
    job_applications_to = forms.ModelChoiceField(
        label=_("Job applications go to"), queryset=User.objects.none(), required=False
    )
    llm_base_url = forms.URLField(
        assume_scheme="https",
        label=_("Language model endpoint (OpenAI-compatible, optional)"),
        required=False,
        help_text=_(
            "A French provider or your own server, e.g. https://llm.example.fr/v1. A server on "
            "your own network must first be allowed by whoever runs Parvis."
        ),
    )
    llm_model = forms.CharField(label=_("Model name"), required=False, max_length=100)
    llm_api_key = forms.CharField(
        label=_("API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored key."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["job_applications_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(memberships__organisation=organisation).order_by(
            "email"
        )
        field.label_from_instance = lambda user: user.display_name  # type: ignore[method-assign,assignment]

    def clean_llm_base_url(self) -> str:
        """Refused when saved if the guarded client would refuse it (parvis.core.guarded_http):
        not http(s), unknown, or on a loopback/private network the operator did not allow; and
        plain http only for such an allowed server (the API key must not cross in clear)."""
        value = str(self.cleaned_data.get("llm_base_url") or "")
        if value:
            try:
                check_url(value, require_https=True)
            except AddressRefused:
                raise forms.ValidationError(
                    _(
                        "Address refused or unreachable: give the public HTTPS address of the "
                        "service. A server on your own network must first be allowed by whoever "
                        "runs Parvis."
                    ),
                    code="address_refused",
                ) from None
        return value
