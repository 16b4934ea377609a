"""What an alert says, where it leads, and the alert e-mails.

An alert keeps figures (``Alert.params``), never sentences: :func:`alert_message` writes the
sentence in the active language when the page shows it, the bell stores it or an e-mail sends it.

E-mails go to the organisation's owners and managers when its settings allow (``alert_email``),
grouped: every alert waiting is in the same e-mail. At most ``alert_daily_cap`` e-mails per
organisation and local day (counted as the distinct ``emailed_at`` stamps of the day: one e-mail
batch stamps all its alerts with one instant); none in the quiet hours (organisation's time zone;
a start after the end spans midnight; equal start and end: no quiet hours). What waits during the
quiet hours leaves in one e-mail when they end (the ``watch.alerts_mail`` task, every 5 minutes).
An alert is e-mailed within 24 hours of its creation or never (it stays on the page): after a
day it is no longer news, and an e-mail turned back on does not send a week's backlog.

Exactly once: the alerts are claimed by a conditional update (``emailed_at`` still empty) inside
a transaction that first locks the organisation's settings row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), so two workers never send
the same alert nor both pass the daily cap. The e-mail leaves after the claim is committed (no
lock is held during SMTP); when nobody could be reached the claim is given back for the next tick.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Organisation, User
from parvis.core.public_url import public_reverse, public_url
from parvis.publishing.notify import managers_of
from parvis.watch.models import ITEM_NETWORK_CHOICES, Alert, WatchSettings
from parvis.watch.selectors import watch_settings_for

log = logging.getLogger("parvis.watch")

MAIL_MAX_AGE = timedelta(hours=24)
MAIL_MAX_LISTED = 20  # alerts written out in one e-mail; the rest are on the page
NETWORK_NAMES = dict(ITEM_NETWORK_CHOICES)


# What an alert says ---------------------------------------------------------------------------


def _figure(value: Any) -> str:
    """« 3 », « 1,5 » in French, « 1.5 » in English."""
    number = float(value or 0)
    if number.is_integer():
        return str(int(number))
    return formats.number_format(number, 1)


def alert_message(alert: Alert) -> str:
    """The alert's sentence in the active language, from its kind and figures."""
    p = alert.params or {}
    network = NETWORK_NAMES.get(p.get("network", ""), p.get("network", ""))
    if alert.kind == Alert.Kind.SPIKE:
        return _(
            "Spike in mentions for %(query)s: %(count)s in 24 hours, against %(average)s a day "
            "usually."
        ) % {
            "query": p.get("query", ""),
            "count": p.get("count", 0),
            "average": _figure(p.get("average")),
        }
    if alert.kind == Alert.Kind.NEGATIVE:
        count = int(p.get("count", 0))
        return ngettext(
            "%(count)s negative mention of the company in 24 hours, against %(average)s a day "
            "usually.",
            "%(count)s negative mentions of the company in 24 hours, against %(average)s a day "
            "usually.",
            count,
        ) % {"count": count, "average": _figure(p.get("average"))}
    if alert.kind == Alert.Kind.OUTLIER:
        return _(
            "%(competitor)s on %(network)s: a post with %(engagement)s interactions, where its "
            "posts usually get %(median)s."
        ) % {
            "competitor": p.get("competitor", ""),
            "network": network,
            "engagement": p.get("engagement", 0),
            "median": _figure(p.get("median")),
        }
    if "more" in p:
        more = int(p["more"])
        return ngettext(
            "%(count)s more item with “%(phrase)s”: see the timeline.",
            "%(count)s more items with “%(phrase)s”: see the timeline.",
            more,
        ) % {"count": more, "phrase": p.get("phrase", "")}
    if p.get("author"):
        return _("New post with “%(phrase)s” by %(author)s on %(network)s.") % {
            "phrase": p.get("phrase", ""),
            "author": p["author"],
            "network": network,
        }
    if p.get("title"):
        return _("New article with “%(phrase)s”: %(title)s") % {
            "phrase": p.get("phrase", ""),
            "title": p["title"],
        }
    return _("New item with “%(phrase)s” on %(network)s.") % {
        "phrase": p.get("phrase", ""),
        "network": network,
    }


def timeline_filters(alert: Alert) -> dict[str, str]:
    """The timeline's filters that show what the alert is about."""
    if alert.kind == Alert.Kind.OUTLIER:
        return {"source": f"profile:{alert.profile_id}", "period": "30"} if alert.profile_id else {}
    filters = {"source": f"query:{alert.query_id}"} if alert.query_id else {}
    if alert.kind == Alert.Kind.NEGATIVE:
        filters["sentiment"] = "negative"
    return {**filters, "period": "7"} if filters else {}


def timeline_path(alert: Alert, organisation: Organisation) -> str:
    path = reverse("watch:timeline", kwargs={"org": organisation.slug})
    filters = timeline_filters(alert)
    return f"{path}?{urlencode(filters)}" if filters else path


# When to e-mail -------------------------------------------------------------------------------


def in_quiet_hours(start: time, end: time, local: time) -> bool:
    """Whether ``local`` (a wall-clock time) is in the quiet hours ``start``–``end``."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # e.g. 20:00–08:00 spans midnight


def emails_sent_today(organisation: Organisation, now: datetime) -> int:
    """Alert e-mails sent since the organisation's local midnight (one stamp per e-mail)."""
    zone = organisation.tzinfo
    midnight = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    return (
        Alert.objects.for_organisation(organisation)
        .filter(emailed_at__gte=midnight)
        .order_by()  # the model's ordering would make each row distinct
        .values("emailed_at")
        .distinct()
        .count()
    )


def _pending(organisation: Organisation, now: datetime) -> QuerySet[Alert]:
    return Alert.objects.for_organisation(organisation).filter(
        emailed_at__isnull=True, is_demo=False, created_at__gte=now - MAIL_MAX_AGE
    )


def _claim(organisation: Organisation, settings: WatchSettings, now: datetime) -> list[Alert]:
    """Stamp the waiting alerts with ``now`` and return them, unless the day's cap is reached."""
    with transaction.atomic():
        # Serialises the organisation's mailers: the cap is read and used under the lock.
        WatchSettings.objects.select_for_update().filter(pk=settings.pk).exists()
        if emails_sent_today(organisation, now) >= settings.alert_daily_cap:
            return []
        ids = list(_pending(organisation, now).values_list("pk", flat=True))
        if not ids:
            return []
        Alert.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
        return list(
            Alert.objects.filter(pk__in=ids, emailed_at=now)
            .select_related("item")
            .order_by("created_at", "pk")
        )


def _send(organisation: Organisation, user: User, alerts: list[Alert]) -> None:
    with translation.override(user.language), timezone.override(organisation.tzinfo):
        rows = [
            {
                "message": alert_message(alert),
                "created_at": alert.created_at,
                "url": alert.item.url if alert.item is not None else "",
                "timeline": public_url(timeline_path(alert, organisation)),
            }
            for alert in alerts[:MAIL_MAX_LISTED]
        ]
        subject = ngettext(
            "Watch: %(count)s alert for %(organisation)s",
            "Watch: %(count)s alerts for %(organisation)s",
            len(alerts),
        ) % {"count": len(alerts), "organisation": organisation.name}
        body = render_to_string(
            "watch/email/alert.txt",
            {
                "user": user,
                "organisation": organisation,
                "rows": rows,
                "total": len(alerts),
                "more": max(0, len(alerts) - MAIL_MAX_LISTED),
                "alerts_url": public_reverse("watch:alerts", org=organisation.slug),
            },
        )
    send_mail(subject, body, None, [user.email])


def alerts_mail_organisation(organisation: Organisation, *, now: datetime | None = None) -> int:
    """E-mail the organisation's waiting alerts if its settings, the cap and the quiet hours
    allow; return how many alerts left."""
    now = now or timezone.now()
    settings = watch_settings_for(organisation)
    if not settings.alert_email:
        return 0
    local = now.astimezone(organisation.tzinfo).time()
    if in_quiet_hours(settings.quiet_start, settings.quiet_end, local):
        return 0
    recipients = [u for u in managers_of(organisation) if u.is_active and u.email]
    if not recipients:
        return 0
    alerts = _claim(organisation, settings, now)
    if not alerts:
        return 0
    reached = 0
    for user in recipients:
        try:
            _send(organisation, user, alerts)
            reached += 1
        except OSError:  # smtplib's errors are OSErrors: the others may still be reached
            log.exception(
                "watch alert e-mail failed",
                extra={"organisation_id": organisation.pk, "user_id": user.pk},
            )
    if not reached:
        # Nobody got it: give the claim back, the next tick tries again (within the 24 hours).
        Alert.objects.filter(pk__in=[a.pk for a in alerts], emailed_at=now).update(emailed_at=None)
        return 0
    return len(alerts)


def alerts_mail_due(*, now: datetime | None = None) -> int:
    """Every organisation with alerts waiting for an e-mail (the periodic task)."""
    now = now or timezone.now()
    waiting = (
        Alert.objects.filter(
            emailed_at__isnull=True, is_demo=False, created_at__gte=now - MAIL_MAX_AGE
        )
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    sent = 0
    for organisation in Organisation.objects.filter(pk__in=list(waiting)).order_by("pk"):
        if organisation_closed(organisation) is not None:
            continue
        try:
            sent += alerts_mail_organisation(organisation, now=now)
        except Exception:  # noqa: BLE001 - one organisation's failure must not stop the others
            log.exception("watch alert mailing failed", extra={"organisation_id": organisation.pk})
    return sent
