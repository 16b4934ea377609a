"""The watchdog: posts are due, nothing is dispatched for two minutes → alert, once per incident.

It looks at facts in the database, not at processes: targets overdue by more than
``WATCHDOG_AFTER_S`` while no attempt started during that time means the scheduler or the
workers are down (the classic "posts stuck, nobody told" failure of other tools).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import Organisation
from parvis.networks.models import SocialAccount
from parvis.publishing.models import DispatchAlert, PostTarget, PublishAttempt
from parvis.publishing.notify import managers_of, notify


def overdue_targets(now: datetime, after: timedelta) -> dict[int, tuple[int, datetime]]:
    """Per organisation id: (count, oldest due time) of targets that should have left."""
    rows = (
        PostTarget.objects.filter(
            status__in=[PostTarget.Status.SCHEDULED, PostTarget.Status.UNCONFIRMED],
            next_attempt_at__lte=now - after,
            account__status=SocialAccount.Status.CONNECTED,
            account__is_demo=False,
        )
        .exclude(account__rate_limited_until__gt=now)
        .values("organisation_id")
        .annotate(count=Count("pk"), oldest=Min("next_attempt_at"))
    )
    return {row["organisation_id"]: (row["count"], row["oldest"]) for row in rows}


def watchdog_check(*, now: datetime | None = None) -> list[DispatchAlert]:
    """Open an alert per stalled organisation (and e-mail its managers), clear resolved ones.

    Returns the alerts opened by this call. Safe to run twice: an open alert is not reopened.
    """
    now = now or timezone.now()
    after = timedelta(seconds=settings.PUBLISHING["WATCHDOG_AFTER_S"])
    dispatching = PublishAttempt.objects.filter(started_at__gte=now - after).exists()
    stalled = {} if dispatching else overdue_targets(now, after)
    opened: list[DispatchAlert] = []
    for alert in DispatchAlert.objects.filter(cleared_at__isnull=True):
        if alert.organisation_id not in stalled:
            alert.clear(now)
    for organisation_id, (count, oldest) in stalled.items():
        if DispatchAlert.objects.filter(
            organisation_id=organisation_id, cleared_at__isnull=True
        ).exists():
            continue
        organisation = Organisation.objects.get(pk=organisation_id)
        alert = DispatchAlert.objects.create(
            organisation=organisation, opened_at=now, due_count=count, oldest_due_at=oldest
        )
        opened.append(alert)
        message = _(
            "%(count)s post(s) should have been published and nothing has been sent for two "
            "minutes: check that the Parvis worker and scheduler are running (parvis doctor)."
        ) % {"count": count}
        notify(
            organisation=organisation,
            users=managers_of(organisation),
            kind="dispatch_stalled",
            message=message,
            email_subject=_("Parvis: scheduled posts are not being published"),
        )
    return opened


def open_alert(organisation: Organisation) -> DispatchAlert | None:
    return (
        DispatchAlert.objects.for_organisation(organisation).filter(cleared_at__isnull=True).first()
    )
