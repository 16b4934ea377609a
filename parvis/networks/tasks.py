"""Background jobs of the networks app. Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task

from parvis.networks.token_refresh import account_refresh_due_tokens, oauth_states_purge


@shared_task(
    name="networks.refresh_due_tokens",
    ignore_result=True,
    time_limit=600,
    soft_time_limit=540,
    expires=300,
)
def refresh_due_tokens_task() -> None:
    """Refresh tokens expiring soon (X, YouTube: within 30 minutes; Instagram Login and
    LinkedIn 60-day tokens: within 7 days), ahead of any publication that needs them.
    Safe to run twice at once: the service locks each account while refreshing it. Also
    forgets abandoned sign-in attempts."""
    account_refresh_due_tokens()
    oauth_states_purge()
