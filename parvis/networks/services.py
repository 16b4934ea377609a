"""The state of connected accounts: failures recorded, successes clearing them, disconnection.

Network failures arrive as the taxonomy of :mod:`parvis.networks.errors`;
:func:`account_record_error` is the one place that turns them into an account's state, which the
« Comptes » page shows and the publishing dispatcher and the inbox obey. Connecting lives in
:mod:`parvis.networks.connecting`, renewing tokens in :mod:`parvis.networks.token_refresh`.
"""

from __future__ import annotations

import logging

import httpx
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import Membership
from parvis.core.audit import audit_record
from parvis.networks.connecting import require_manager
from parvis.networks.errors import AuthExpired, ConnectorError, RateLimited
from parvis.networks.models import SocialAccount
from parvis.networks.provider import ConnectorUnavailable
from parvis.networks.registry import provider
from parvis.networks.transport import HttpPolicy

logger = logging.getLogger(__name__)

# A person waits on the page while the network answers a revocation: short, and no retries.
REVOKE_POLICY = HttpPolicy(timeout=10.0, connect_timeout=5.0, retries=0)


def account_disconnect(*, membership: Membership, account: SocialAccount) -> SocialAccount:
    """Give up Parvis' access: revoke the tokens at the network where its connector can
    (``revokes_tokens``), then forget them; the row stays so past posts keep their account.
    A network that refuses or does not answer never stops the disconnection: the failure is
    logged by kind only (never the token) and the tokens are erased anyway. The network is
    called before the transaction, which it must not hold open."""
    require_manager(membership)
    if account.organisation_id != membership.organisation_id:
        raise PermissionDenied
    revoked = False
    try:
        revokes = provider(account.kind).revokes_tokens
    except ConnectorUnavailable:
        revokes = False
    if revokes and account.access_token and not (account.is_demo or account.tokens_unreadable):
        try:
            with account.connector(policy=REVOKE_POLICY) as connector:
                connector.revoke_tokens()
            revoked = True
        except (ConnectorError, httpx.HTTPError) as exc:
            logger.warning(
                "account %s: the network did not revoke its tokens (%s); erased here anyway",
                account.pk,
                type(exc).__name__,
                extra={"network": account.kind, "account_id": account.pk},
            )
    with transaction.atomic():
        account.status = SocialAccount.Status.DISCONNECTED
        account.access_token = ""
        account.refresh_token = ""
        account.token_expires_at = None
        account.refresh_expires_at = None
        account.save(
            update_fields=[
                "status",
                "access_token",
                "refresh_token",
                "token_expires_at",
                "refresh_expires_at",
            ]
        )
        audit_record(
            action="social_account.disconnected",
            organisation=membership.organisation,
            actor=membership.user,
            target=account,
            network=account.kind,
            revoked_at_network=revoked,
        )
    return account


def account_record_error(*, account: SocialAccount, error: ConnectorError) -> str:
    """Turn a network failure into the account's state; return the user's French message.

    AuthExpired → "must be reconnected"; RateLimited → "rate-limited until"; anything else →
    last error. Only the taxonomy's own sentence is stored, never the network's raw body.
    """
    now = timezone.now()
    fields = ["last_error", "last_error_at"]
    if isinstance(error, RateLimited):
        account.rate_limited_until = error.retry_at
        fields = ["rate_limited_until"]
    else:
        account.last_error = error.user_message
        account.last_error_at = now
    newly_dead = isinstance(error, AuthExpired) and account.status == account.Status.CONNECTED
    if newly_dead:
        account.status = SocialAccount.Status.RECONNECT
        fields.append("status")
    account.save(update_fields=fields)
    if newly_dead:
        audit_record(
            action="social_account.must_reconnect",
            organisation=account.organisation,
            target=account,
            network=account.kind,
        )
    logger.info("account %s: %s", account.pk, type(error).__name__, extra={"network": account.kind})
    return error.user_message


def account_record_success(*, account: SocialAccount) -> None:
    """A call went through: clear the last error and a past rate limit."""
    if not account.last_error and account.rate_limited_until is None:
        return
    account.last_error = ""
    account.last_error_at = None
    if not account.is_rate_limited():
        account.rate_limited_until = None
    account.save(update_fields=["last_error", "last_error_at", "rate_limited_until"])
