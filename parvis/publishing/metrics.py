"""Engagement of published posts, read back from the networks: what « best time » learns from.

Every hour (``publishing.collect_engagement``) each connected account's posts published in the
last ``WINDOW`` get their counters read with one batched ``connector.post_metrics`` call (X
takes 100 ids a call; the connectors page as their network needs). A post's *engagement* is
the sum of its interaction counters — reactions, replies, shares, saves — under each network's
current metric names; views and reach are left out, they measure the audience, not what the
post made people do. ``services.suggest_best_time`` reads ``PostTarget.engagement``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from parvis.core.vocabulary import Network
from parvis.networks.base import Connector
from parvis.networks.contracts import MetricPoint
from parvis.networks.errors import ConnectorError, NotSupported
from parvis.networks.models import SocialAccount
from parvis.publishing.models import PostTarget

log = logging.getLogger(__name__)

WINDOW = timedelta(days=30)  # older posts hardly move; the best-time history is this recent
BATCH = 100
# Interaction counters per network (limits.py lists every metric each connector reads).
# Instagram's ``total_interactions`` already sums its likes, comments, shares and saves.
INTERACTIONS: dict[Network, frozenset[str]] = {
    Network.X: frozenset(
        {"like_count", "reply_count", "retweet_count", "quote_count", "bookmark_count"}
    ),
    Network.BLUESKY: frozenset(
        {"like_count", "repost_count", "reply_count", "quote_count", "bookmark_count"}
    ),
    Network.MASTODON: frozenset(
        {"replies_count", "reblogs_count", "favourites_count", "quotes_count"}
    ),
    Network.LINKEDIN: frozenset({"likeCount", "commentCount", "shareCount", "clickCount"}),
    Network.INSTAGRAM: frozenset({"total_interactions"}),
    Network.FACEBOOK: frozenset({"post_clicks"}),
    Network.YOUTUBE: frozenset({"likeCount", "commentCount"}),
}


def engagement_by_post(network: Network, points: Iterable[MetricPoint]) -> dict[str, int]:
    """Remote id → the sum of its interaction counters (lifetime counters only)."""
    wanted = INTERACTIONS.get(network, frozenset())
    totals: dict[str, int] = defaultdict(int)
    for point in points:
        if point.name in wanted and point.period is None:
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
    connector = connector or account.connector()
    remote_ids = sorted(targets)
    updated = 0
    for start in range(0, len(remote_ids), BATCH):
        try:
            points = connector.post_metrics(remote_ids[start : start + BATCH])
        except NotSupported:
            return updated
        except ConnectorError as error:
            from parvis.networks.services import account_record_error

            account_record_error(account=account, error=error)
            log.info("engagement not read", extra={"account_id": account.pk, "error": repr(error)})
            return updated
        for remote_id, value in engagement_by_post(Network(account.kind), points).items():
            if remote_id in targets:
                updated += PostTarget.objects.filter(pk=targets[remote_id]).update(engagement=value)
    return updated
