"""The organisation's secret iCal address (the feed itself is ``publishing/ical.py``)."""

from __future__ import annotations

from django.db import transaction

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.publishing.models import CalendarFeed


@transaction.atomic
def calendar_feed_rotate(*, actor: Actor) -> CalendarFeed:
    """A new secret iCal address; the previous one stops working at once."""
    actor.require(Role.MANAGER)
    CalendarFeed.objects.for_organisation(actor.organisation).delete()
    feed = CalendarFeed.objects.create(organisation=actor.organisation)
    actor.audit("calendar_feed.rotated", feed)
    return feed


def calendar_feed_for(organisation: Organisation) -> CalendarFeed:
    """The organisation's feed, made on first use."""
    feed = CalendarFeed.objects.for_organisation(organisation).first()
    return feed or CalendarFeed.objects.create(organisation=organisation)
