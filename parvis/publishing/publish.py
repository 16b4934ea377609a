"""Publishing one claimed target, exactly once: the publishing kind of the sender.

Never a double post: ``sent_since`` is committed *before* a publish request leaves; from then
on every later attempt (after a timeout, a crash, a lost lease) first asks the network whether
the post exists (``connector.reconcile``) and only publishes again when it does not
(:func:`parvis.core.sending.delivery.deliver`). Every write after the claim is conditioned on
the claim token, so a worker that lost its lease cannot overwrite the one that took over.

:data:`ERRORS` is what each error of the connectors' taxonomy means for a post.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.utils import timezone

from parvis.core.guarded_http import guarded_client
from parvis.core.sending.attempts import Stopwatch
from parvis.core.sending.claims import mine
from parvis.core.sending.delivery import Lookup, NotDelivered, deliver
from parvis.core.sending.rules import ErrorTable, Rule, Then
from parvis.networks.base import Connector
from parvis.networks.contracts import Draft, PublishResult
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Unconfirmed,
)
from parvis.networks.models import SocialAccount
from parvis.networks.transport import HttpPolicy
from parvis.publishing.config import RECONCILE_SLACK, Config
from parvis.publishing.leases import renewer_for
from parvis.publishing.models import PostTarget, PublishAttempt
from parvis.publishing.services.publishable import target_draft
from parvis.publishing.settle import hold, reconnect_message, settle

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome

# Error class → what happens to the target (the most specific class wins).
ERRORS = ErrorTable(
    {
        # Sent, outcome unknown, and the lookup right after did not find it: look again later.
        Unconfirmed: Rule(Then.RECHECK, Outcome.UNCONFIRMED),
        # The account's pace: wait for the network's reset; the account shows it.
        RateLimited: Rule(Then.WAIT, Outcome.RATE_LIMITED, tell_account=True),
        # Reconnect the account: the target waits for it, its people are told.
        AuthExpired: Rule(Then.HOLD, Outcome.AUTH_EXPIRED, tell_account=True),
        # The network's reason, shown to the author (NotSupported included).
        Rejected: Rule(Then.FAIL, Outcome.REJECTED),
        # Transient, and any other connector error: back off, give up after MAX_ATTEMPTS.
        ConnectorError: Rule(Then.RETRY, Outcome.TRANSIENT),
    },
    # A bug or a storage error while preparing: retried like a transient error, and logged.
    otherwise=Rule(Then.RETRY, Outcome.ERROR, unexpected=True),
)

_local = threading.local()


def _http_client() -> httpx.Client:
    """One HTTP client per thread, kept: building one (TLS context, pool) costs more CPU than
    the publish call itself. Timeouts are set per request by the transport. It is the guarded
    client, so accounts on a server a person typed (Mastodon, Bluesky) can use it too."""
    client: httpx.Client | None = getattr(_local, "http", None)
    if client is None or client.is_closed:
        client = guarded_client()
        _local.http = client
    return client


class TargetDelivery:
    """One claimed target as :func:`~parvis.core.sending.delivery.deliver` sees it."""

    errors = ERRORS
    timeout = Unconfirmed

    def __init__(
        self, target: PostTarget, token: str, config: Config, options: dict[str, Any]
    ) -> None:
        self.target = target
        self.token = token
        self.config = config
        self.options = options
        # When the first request left (a lookup looks a little before it).
        self.since: datetime | None = target.sent_since
        self.draft: Draft | None = None
        self.connector: Connector | None = None

    def prepare(self) -> None:
        # Inside the sender's guard: a copy that cannot be made (storage error) is retried
        # like any other error, and the time it takes is covered by the lease keeper.
        self.draft = target_draft(self.target, render=True)
        self.connector = self.target.account.connector(http=_http_client(), **self.options)

    def may_be_out(self) -> bool:
        return self.target.sent_since is not None

    def may_resend_unseen(self) -> bool:
        return False  # never asked: a post's lookup always tells (or fails)

    def about_to_send(self) -> bool:
        self.since = timezone.now()
        return bool(mine(PostTarget, self.target.pk, self.token).update(sent_since=self.since))

    def send(self) -> PublishResult:
        assert self.connector is not None and self.draft is not None
        return self.connector.publish(self.draft)

    def look_up(self, *, after_timeout: bool) -> PublishResult | Lookup:
        assert self.connector is not None and self.draft is not None and self.since is not None
        found = self.connector.reconcile(self.draft, since=self.since - RECONCILE_SLACK)
        return Lookup.ABSENT if found is None else found

    def lookup_failed(
        self, error: Exception, *, timeout: BaseException | None
    ) -> NotDelivered | None:
        if timeout is not None and isinstance(error, ConnectorError):
            # Still unknown after the timeout: keep saying "unconfirmed", never "retryable".
            return NotDelivered.by(ERRORS.rule_for(timeout) or ERRORS.rules[Unconfirmed], timeout)
        return None  # before a resend: a failed lookup is an error like any other


def publish_target(
    target_id: int,
    token: str,
    *,
    worker: str = "",
    config: Config | None = None,
    connector_options: dict[str, Any] | None = None,
) -> str:
    """Publish one claimed target and record the outcome. Returns the attempt outcome.

    Safe to call with a stale token: every write is conditioned on it and simply does nothing.
    """
    config = config or Config.from_settings()
    # A slice, not .first(): no ORDER BY to build for a primary-key lookup on the hot path.
    found = list(
        PostTarget.objects.select_related("post", "account").filter(
            pk=target_id, claim_token=token
        )[:1]
    )
    if not found:
        return "lost_claim"
    target = found[0]
    _wait_until(target.next_attempt_at, limit=config.lease / 3)
    account = target.account
    now = timezone.now()
    if account.status != SocialAccount.Status.CONNECTED:
        hold(target, token, reconnect_message(account))
        return Outcome.AUTH_EXPIRED
    if account.is_rate_limited(now):
        mine(PostTarget, target_id, token).update(
            status=Status.SCHEDULED, next_attempt_at=account.rate_limited_until, claim_token=""
        )
        return Outcome.RATE_LIMITED
    attempt = PublishAttempt.objects.create(
        organisation_id=target.organisation_id, target=target, worker=worker[:200]
    )
    renewer = renewer_for(lease=config.lease, max_hold=config.max_hold)
    with renewer.holding(target_id, token):
        clock = Stopwatch()
        policy = HttpPolicy(
            timeout=config.http_timeout, connect_timeout=min(5.0, config.http_timeout)
        )
        delivery = TargetDelivery(
            target, token, config, {"policy": policy, **(connector_options or {})}
        )
        return settle(target, token, attempt, clock, deliver(delivery), config)


def _wait_until(moment: datetime | None, *, limit: timedelta) -> None:
    """Never before its time: a target claimed ahead waits here for its minute (at most
    ``limit``, well inside the lease, whatever the clock says)."""
    if moment is None:
        return
    early = (moment - timezone.now()).total_seconds()
    if early > 0:
        time.sleep(min(early, limit.total_seconds()))
