"""Forms of the publishing pages, and reading the composer's fields from a request.

The composer is not a Django form on purpose: saving must accept anything typed (an empty,
too long or half-written post is a valid draft), so its fields are read leniently here and only
scheduling validates, through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parvis.networks.models import SocialAccount
from parvis.networks.validation import over_maximum
from parvis.publishing.models import CATEGORY_CHOICES, MediaAsset, Post
from parvis.publishing.services.errors import PublishingError

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
CATEGORIES = {value for value, _label in CATEGORY_CHOICES}
RECURRENCES = {value for value, _label in Post.Recurrence.choices}


@dataclass
class ComposeData:
    """The composer's fields as typed; ``fields`` go to ``post_create``/``post_update``."""

    body: str = ""
    account_ids: list[int] = field(default_factory=list)
    overrides: dict[int, str] = field(default_factory=dict)
    media_ids: list[int] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    link_valid: bool = True
    # A text longer than Parvis accepts (``networks.validation.MAX_TEXT_LENGTH``): saving
    # refuses it, and the page shows the text as typed with this message.
    refusal: PublishingError | None = None


def text_refusal(
    body: str, overrides: dict[int, str], first_comment: str
) -> PublishingError | None:
    """The refusal of the first text over :data:`MAX_TEXT_LENGTH` (body, a variant, the first
    comment), or None."""
    texts = [("text", body), *(("text", text) for text in overrides.values())]
    for field_name, text in [*texts, ("first_comment", first_comment)]:
        issue = over_maximum(text, field=field_name)
        if issue is not None:
            return PublishingError(issue.message, code="text_over_maximum")
    return None


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


def read_compose(
    data: QueryDict, accounts: list[SocialAccount], media: list[MediaAsset]
) -> ComposeData:
    """Everything the composer sent, limited to this organisation's accounts and media."""
    known = {a.pk for a in accounts}
    known_media = {m.pk for m in media}
    account_ids = [pk for pk in _ints(data.getlist("accounts")) if pk in known]
    overrides = {pk: data.get(f"override-{pk}", "") for pk in known if f"override-{pk}" in data}
    link = data.get("link", "").strip()[:1000]
    link_valid = True
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except forms.ValidationError:
            link_valid = False
    category = data.get("category", "")
    version = data.get("version", "")
    recurrence = data.get("recurrence", "")
    cooldown = data.get("cooldown_days", "").strip()
    body = data.get("body", "")
    first_comment = data.get("first_comment", "")
    return ComposeData(
        body=body,
        account_ids=list(dict.fromkeys(account_ids)),
        overrides=overrides,
        media_ids=[pk for pk in _ints(data.getlist("media")) if pk in known_media],
        fields={
            "link": link,
            "utm_source": data.get("utm_source", "").strip()[:100],
            "utm_medium": data.get("utm_medium", "").strip()[:100],
            "utm_campaign": data.get("utm_campaign", "").strip()[:100],
            "first_comment": first_comment,
            "category": category if category in CATEGORIES else "",
            "recurrence": recurrence if recurrence in RECURRENCES else "",
            "evergreen": data.get("evergreen") == "on",
            "cooldown_days": min(int(cooldown), 3650) if cooldown.isdigit() else 30,
        },
        version=int(version) if version.isdigit() else None,
        link_valid=link_valid,
        refusal=text_refusal(
            body, {k: v for k, v in overrides.items() if k in account_ids}, first_comment
        ),
    )


class QueueSlotForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int)
    local_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=SocialAccount.objects.none(),
        required=False,
        empty_label=_("Every account"),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SocialAccount.objects.for_organisation(organisation)


class MediaUploadForm(forms.Form):
    file = forms.FileField(label=_("Picture or video"))
    alt_text = forms.CharField(
        label=_("Alternative text"),
        required=False,
        max_length=1500,
        help_text=_("Describe the picture for people who cannot see it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AltTextForm(forms.Form):
    alt_text = forms.CharField(
        label=_("Alternative text"), required=False, max_length=1500, widget=forms.TextInput
    )


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("What should change?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
