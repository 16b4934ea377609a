"""The daily digest: to each member, what waits for them, over-goal complaints and leads first."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parvis.accounts.models import Membership
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import RAISED_INTENTS, Conversation, DigestDelivery
from parvis.inbox.selectors import waiting_for


def digest_send(*, membership: Membership, now: datetime | None = None) -> bool:
    """E-mail the member their waiting conversations; False (nothing sent) when none wait."""
    now = now or timezone.now()
    rows, total = waiting_for(membership=membership, now=now)
    if not rows:
        return False
    goal = inbox_settings_for(membership.organisation_id).goal
    cutoff = now - goal
    organisation = membership.organisation
    items = [
        {
            "conversation": c,
            "raised": c.intent in RAISED_INTENTS
            and c.awaiting_since is not None
            and c.awaiting_since < cutoff,
            "over_goal": c.awaiting_since is not None and c.awaiting_since < cutoff,
        }
        for c in rows
    ]
    url = settings.PUBLIC_BASE_URL + reverse("inbox:inbox", kwargs={"org": organisation.slug})
    user = membership.user
    with translation.override(user.language), timezone.override(organisation.tzinfo):
        subject = _("%(count)s messages wait for you on %(name)s") % {
            "count": total,
            "name": organisation.name,
        }
        body = render_to_string(
            "inbox/email/digest.txt",
            {
                "items": items,
                "total": total,
                "url": url,
                "organisation": organisation,
                "user": user,
            },
        )
    send_mail(subject, body, None, [user.email])
    return True


# The digest reaches each member in their organisation's morning, not at one UTC hour.
DIGEST_WINDOW_HOURS = range(7, 12)


def digest_due(now: datetime | None = None) -> list[tuple[int, date]]:
    """(membership id, local day) of everyone who may answer (contributors and up) in
    organisations where something waits and where it is morning, who had no digest that day.
    Viewers read the inbox but are not asked to answer."""
    now = now or timezone.now()
    waiting = (
        Conversation.objects.filter(
            status=Conversation.Status.OPEN, awaiting_since__isnull=False, is_demo=False
        )
        .values("organisation_id")
        .distinct()
    )
    members = (
        Membership.objects.filter(organisation_id__in=waiting)
        .exclude(role="viewer")
        .values_list("pk", "organisation__timezone")
    )
    due: list[tuple[int, date]] = []
    for membership_id, zone in members:
        local = now.astimezone(ZoneInfo(zone))
        if local.hour in DIGEST_WINDOW_HOURS:
            due.append((membership_id, local.date()))
    sent = set(
        DigestDelivery.objects.filter(
            membership_id__in=[m for m, _day in due], day__in={d for _m, d in due}
        ).values_list("membership_id", "day")
    )
    return [pair for pair in due if pair not in sent]


class _NothingWaits(Exception):
    """Everything was answered since the member was found due: no digest, no delivery row."""


def digest_deliver(*, membership: Membership, day: date, now: datetime | None = None) -> bool:
    """Send the member's digest of ``day`` unless it went out already. The delivery row and the
    e-mail share one transaction: a failed send leaves no row, so the next tick tries again."""
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(
                organisation_id=membership.organisation_id, membership=membership, day=day
            )
            if not digest_send(membership=membership, now=now):
                raise _NothingWaits
    except (IntegrityError, _NothingWaits):
        return False
    return True
