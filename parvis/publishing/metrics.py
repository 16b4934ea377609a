"""Engagement of published posts, read back from the networks: what « best time » learns from.

Every hour (``publishing.collect_engagement``) each connected account's posts published in the
last ``WINDOW`` get their counters read with one batched ``connector.post_metrics`` call (X
takes 100 ids a call; the connectors page as their network needs). A post's *engagement* is
the sum of its interaction counters — reactions, replies, shares, saves — under each network's
current metric names (its provider's ``interactions``); views and reach are left out, they
measure the audience, not what the post made people do. ``services.suggest_best_time`` reads
``PostTarget.engagement``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from parvis.networks.base import Connector
from parvis.networks.contracts import MetricPoint
from parvis.networks.errors import ConnectorError, NotSupported
from parvis.networks.models import SocialAccount
from parvis.networks.registry import provider
from parvis.networks.services import account_record_error
from parvis.publishing.models import PostTarget

log = logging.getLogger(__name__)

WINDOW = timedelta(days=30)  # older posts hardly move; the best-time history is this recent
BATCH = 100


def engagement_by_post(
    interactions: frozenset[str], points: Iterable[MetricPoint]
) -> dict[str, int]:
    """Remote id → the sum of its interaction counters (lifetime counters only).
    ``interactions``: the network's names for them (its provider's ``interactions``)."""
    totals: dict[str, int] = defaultdict(int)
    for point in points:
        if point.name in interactions and point.period is None:
            totals[point.subject_id] += max(0, point.value)
    return dict(totals)


def accounts_with_recent_posts(now: datetime | None = None) -> list[int]:
    since = (now or timezone.now()) - WINDOW
    return list(
        PostTarget.objects.filter(
            status=PostTarget.Status.PUBLISHED,
            published_at__gte=since,
            account__status=SocialAccount.Status.CONNECTED,
            account__is_demo=False,
        )
        .exclude(remote_id="")
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()
    )


def engagement_collect(
    *, account: SocialAccount, connector: Connector | None = None, now: datetime | None = None
) -> int:
    """Read the engagement of the account's recent posts; returns how many were updated. A
    network error is recorded on the account (reconnect, rate-limited until…) and stops here:
    the next hour tries again."""
    since = (now or timezone.now()) - WINDOW
    targets = dict(
        PostTarget.objects.for_organisation(account.organisation)
        .filter(account=account, status=PostTarget.Status.PUBLISHED, published_at__gte=since)
        .exclude(remote_id="")
        .values_list("remote_id", "pk")
    )
    if not targets:
        return 0
    interactions = provider(account.kind).interactions
    connector = connector or account.connector()
    remote_ids = sorted(targets)
    updated = 0
    for start in range(0, len(remote_ids), BATCH):
        try:
            points = connector.post_metrics(remote_ids[start : start + BATCH])
        except NotSupported:
            return updated
        except ConnectorError as error:
            account_record_error(account=account, error=error)
            log.info("engagement not read", extra={"account_id": account.pk, "error": repr(error)})
            return updated
        for remote_id, value in engagement_by_post(interactions, points).items():
            if remote_id in targets:
                updated += PostTarget.objects.filter(pk=targets[remote_id]).update(engagement=value)
    return updated
