from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import Sentiment
from parvis.watch.models import (
    ITEM_NETWORK_CHOICES,
    NETWORK_CHOICES,
    Competitor,
    Feed,
    WatchedProfile,
    WatchQuery,
)
from parvis.watch.selectors import TimelineFilters

SENTIMENT_CHOICES = [
    (Sentiment.POSITIVE.value, _("Positive")),
    (Sentiment.NEUTRAL.value, _("Neutral")),
    (Sentiment.NEGATIVE.value, _("Negative")),
]
PERIODS = {"7": 7, "30": 30, "90": 90}


def _competitor_choices(organisation: Organisation, empty: Any) -> list[tuple[Any, Any]]:
    return [("", empty)] + [
        (c.pk, c.name) for c in Competitor.objects.for_organisation(organisation)
    ]


class TimelineFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    source = forms.ChoiceField(label=_("Source"), required=False)
    competitor = forms.TypedChoiceField(
        label=_("Competitor"), required=False, coerce=int, empty_value=None
    )
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=[("", _("All")), *ITEM_NETWORK_CHOICES]
    )
    sentiment = forms.ChoiceField(
        label=_("Tone"), required=False, choices=[("", _("All")), *SENTIMENT_CHOICES]
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("All")),
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
        ],
    )

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data)
        sources: list[tuple[str, str]] = [("", str(_("All")))]
        sources += [
            (f"profile:{p.pk}", str(p))
            for p in WatchedProfile.objects.for_organisation(organisation)
        ]
        sources += [
            (f"query:{q.pk}", str(q)) for q in WatchQuery.objects.for_organisation(organisation)
        ]
        sources += [
            (f"feed:{f.pk}", str(f)[:80]) for f in Feed.objects.for_organisation(organisation)
        ]
        source_field = self.fields["source"]
        competitor_field = self.fields["competitor"]
        assert isinstance(source_field, forms.ChoiceField)
        assert isinstance(competitor_field, forms.ChoiceField)
        source_field.choices = sources
        competitor_field.choices = _competitor_choices(organisation, _("All"))

    def filters(self, now: datetime) -> TimelineFilters:
        if not self.is_valid():
            return TimelineFilters()
        data = self.cleaned_data
        days = PERIODS.get(data.get("period") or "")
        return TimelineFilters(
            source=data.get("source") or "",
            competitor=data.get("competitor"),
            network=data.get("network") or "",
            sentiment=data.get("sentiment") or "",
            since=now - timedelta(days=days) if days else None,
            text=data.get("q") or "",
        )


class CompetitorForm(forms.Form):
    name = forms.CharField(label=_("Competitor's name"), max_length=120)


class ProfileForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    handle = forms.CharField(
        label=_("Handle or page address"),
        max_length=300,
        help_text=_("For example @atelier.bsky.social or https://mastodon.social/@atelier"),
    )
    competitor = forms.TypedChoiceField(
        label=_("Whose account"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competitor"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _competitor_choices(organisation, _("Ours (our own account)"))


class QueryForm(forms.Form):
    kind = forms.ChoiceField(label=_("What for"), choices=WatchQuery.Kind.choices)
    all_words = forms.CharField(label=_("All of these words"), required=False, max_length=300)
    any_words = forms.CharField(label=_("Any of these words"), required=False, max_length=300)
    none_words = forms.CharField(label=_("None of these words"), required=False, max_length=300)
    exact_phrase = forms.CharField(label=_("This exact phrase"), required=False, max_length=200)
    hashtags = forms.CharField(label=_("Hashtags"), required=False, max_length=300)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any")), ("fr", "Français"), ("en", "English")],
    )


class FeedForm(forms.Form):
    url = forms.URLField(label=_("Feed or site address"), max_length=1000, assume_scheme="https")
    competitor = forms.TypedChoiceField(
        label=_("Whose feed"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        # Its own ids: the settings page also shows ProfileForm, whose « competitor » field
        # would otherwise share id_competitor, and « Whose feed » would label the other select.
        kwargs.setdefault("auto_id", "id_feed_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["competitor"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _competitor_choices(organisation, _("Sector (no competitor)"))


class RetentionForm(forms.Form):
    retention_months = forms.IntegerField(
        label=_("Keep collected items for (months)"), min_value=1, max_value=36
    )
