"""Renewing tokens ahead of their end, and forgetting abandoned sign-ins (the periodic job of
``networks.refresh_due_tokens``). Each network's provider says how early (``refresh_ahead``),
whether an account without a refresh token is still renewable, and how to renew."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.networks.errors import ConnectorError
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.provider import ConnectorUnavailable
from parvis.networks.registry import provider, providers
from parvis.networks.services import account_record_error


@dataclass(frozen=True)
class RefreshReport:
    refreshed: int
    failed: int


def account_refresh_due_tokens(*, now: datetime | None = None) -> RefreshReport:
    """Refresh every connected account whose access token expires within its network's
    ``refresh_ahead``.

    Safe to run twice at once: each account is refreshed under a row lock (PostgreSQL skips
    rows another run holds) and re-checked first, because refresh tokens are single-use and a
    second refresh with a spent one would wrongly mark the account "must be reconnected".
    """
    now = now or timezone.now()
    ahead = {network.kind.value: network.refresh_ahead() for network in providers()}
    renewable_without = [n.kind.value for n in providers() if n.renews_without_refresh_token]
    refreshable = ~Q(refresh_token="") | Q(kind__in=renewable_without)
    due = (
        SocialAccount.objects.filter(
            status=SocialAccount.Status.CONNECTED,
            is_demo=False,
            token_expires_at__lte=now + max(ahead.values()),
        )
        .filter(refreshable)
        .values_list("pk", "kind", "token_expires_at")
    )
    refreshed = failed = 0
    for pk, kind, expires in list(due):
        if kind not in ahead or expires > now + ahead[kind]:
            continue
        outcome = _refresh_one(pk, now)
        refreshed += outcome is True
        failed += outcome is False
    return RefreshReport(refreshed=refreshed, failed=failed)


def _refresh_one(pk: int, now: datetime) -> bool | None:
    """True refreshed, False failed (state recorded), None skipped."""
    with transaction.atomic():
        account = (
            SocialAccount.objects.select_for_update(skip_locked=True)
            .select_related("organisation")
            .filter(pk=pk, status=SocialAccount.Status.CONNECTED)
            .first()
        )
        if account is None or account.token_expires_at is None:
            return None
        try:
            network = provider(account.kind)
            if account.token_expires_at > now + network.refresh_ahead():
                return None
            network.renew_tokens(account)
        except ConnectorUnavailable:
            return None
        except ConnectorError as exc:
            account_record_error(account=account, error=exc)
            return False
        return True


def oauth_states_purge(*, now: datetime | None = None) -> int:
    """Delete authorisations started more than a day ago (used or abandoned); returns how many."""
    now = now or timezone.now()
    # Candidates nobody chose hold tokens: forget them as soon as the choice has expired.
    OAuthState.objects.filter(chosen_at=None, used_at__lt=now - OAuthState.LIFETIME).exclude(
        candidates=""
    ).update(candidates="")
    deleted, _by_model = OAuthState.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted
