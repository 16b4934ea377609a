"""The alert settings form of the « Alertes » page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.watch.alerts import MAX_DAILY_CAP, MIN_DAILY_CAP

CAP_ERROR = _("Choose between 1 and 50 e-mails a day.")
TIME_ERROR = _("Enter a time such as 20:00.")


class AlertSettingsForm(forms.Form):
    alert_email = forms.BooleanField(
        label=_("E-mail the alerts to owners and managers"), required=False
    )
    alert_daily_cap = forms.IntegerField(
        label=_("At most this many alert e-mails a day"),
        min_value=MIN_DAILY_CAP,
        max_value=MAX_DAILY_CAP,
        error_messages={
            "required": CAP_ERROR,
            "invalid": CAP_ERROR,
            "min_value": CAP_ERROR,
            "max_value": CAP_ERROR,
        },
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": TIME_ERROR, "invalid": TIME_ERROR},
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        help_text=_(
            "No e-mail in the quiet hours: what comes up leaves in one e-mail when they end. "
            "The same start and end: no quiet hours."
        ),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": TIME_ERROR, "invalid": TIME_ERROR},
    )
