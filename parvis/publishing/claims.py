"""Claiming due targets: the dispatcher's use of :mod:`parvis.core.sending.claims`.

A target is due when it waits (scheduled, or unconfirmed and due for its lookup) and its next
attempt time has come, or when the worker that held it died (its lease ran out). Targets of a
disconnected, rate-limited or demo account are left where they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from parvis.core.sending.claims import claim_batch, expired_lease, new_token
from parvis.networks.models import SocialAccount
from parvis.publishing.config import Config
from parvis.publishing.models import PostTarget

Status = PostTarget.Status
WAITING = (Status.SCHEDULED, Status.UNCONFIRMED)


def _due(now: datetime, ahead: timedelta = timedelta(0)) -> Q:
    waiting = Q(status__in=WAITING, next_attempt_at__lte=now + ahead)
    return waiting | expired_lease(Status.PUBLISHING, now)


def claim_due(
    *,
    worker: str,
    limit: int,
    now: datetime | None = None,
    target_ids: list[int] | None = None,
    config: Config | None = None,
    ahead: timedelta = timedelta(0),
    abandoned: bool = True,
) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due targets for ``worker``; returns (claim token, claimed ids).

    Two workers never get the same target: the final ``UPDATE`` re-checks due-ness on each row,
    and a row only one of them can still match. ``ahead`` also claims targets due within that
    time (a polling dispatcher takes what falls due before its next poll); ``publish_target``
    waits for their minute before sending anything. ``abandoned=False`` skips the look for
    expired leases (a dispatcher looks for them once a second, not at every claim).
    """
    config = config or Config.from_settings()
    now = now or timezone.now()
    token = new_token()
    eligible = PostTarget.objects.filter(
        Q(account__rate_limited_until__isnull=True) | Q(account__rate_limited_until__lte=now),
        account__status=SocialAccount.Status.CONNECTED,
        account__is_demo=False,
    )
    if target_ids is not None:
        eligible = eligible.filter(pk__in=target_ids)
    # Two simple queries rather than one OR: each walks its partial index in order and stops
    # at ``limit`` rows, however large the backlog.
    expired = eligible.filter(expired_lease(Status.PUBLISHING, now)).order_by("claimed_until")
    waiting = eligible.filter(status__in=WAITING, next_attempt_at__lte=now + ahead).order_by(
        "next_attempt_at"
    )
    ids = claim_batch(
        PostTarget,
        (expired, waiting) if abandoned else (waiting,),
        limit=limit,
        recheck=_due(now, ahead),
        claim={
            "status": Status.PUBLISHING,
            "claim_token": token,
            "claimed_by": worker[:200],
            "claimed_until": now + config.lease,
        },
        token=token,
    )
    return token, ids
