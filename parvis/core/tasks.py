"""Tasks of the shared kernel."""

from __future__ import annotations

from celery import shared_task

from parvis.core.heartbeat import heartbeat_beat


@shared_task(name="core.ping", ignore_result=True, time_limit=10, soft_time_limit=8, expires=60)
def ping_task(token: str) -> None:
    """Prove web → broker → worker → database works (`parvis doctor --roundtrip`)."""
    heartbeat_beat(name=f"ping:{token}", kind="ping")
