"""``{% week_topics organisation %}``: « Cette semaine, on parle de … » on the watch's pages,
read from the cache the collection cycle refreshes (``watch/topics.py``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.watch.topics import topics_for

register = template.Library()

TRENDING = 2.0  # a topic said at least twice as often as usual is marked as rising


@register.inclusion_tag("watch/_topics.html")
def week_topics(organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "topics": topics_for(organisation.pk, now=timezone.now()),
        "trending": TRENDING,
    }
