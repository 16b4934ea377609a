"""Privacy tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from parvis.privacy import retention, services

# Deleting a large organisation (a million messages) takes minutes; the claim is taken again
# only after services.DELETION_RECLAIM_AFTER (2 hours), well above this limit.
DELETE_TIME_LIMIT_S = 3600


@shared_task(name="privacy.deletions_due", time_limit=60, soft_time_limit=50, expires=600)
def deletions_due_task() -> None:
    """Every quarter of an hour (BEAT_SCHEDULE): claim the due deletions, one task each."""
    for deletion_id in services.organisation_deletions_claim_due():
        organisation_delete_task.delay(deletion_id)


@shared_task(
    name="privacy.organisation_delete",
    time_limit=DELETE_TIME_LIMIT_S,
    soft_time_limit=DELETE_TIME_LIMIT_S - 60,
)
def organisation_delete_task(deletion_id: int) -> None:
    services.organisation_delete(deletion_id=deletion_id)


@shared_task(name="privacy.retention_purge", time_limit=1800, soft_time_limit=1740, expires=3600)
def retention_purge_task() -> None:
    """Daily: inbox messages and activity log older than their retention, webhook payloads."""
    retention.retention_purge()


@shared_task(name="privacy.webhook_events_purge", time_limit=300, soft_time_limit=270, expires=3000)
def webhook_events_purge_task() -> None:
    """Hourly: raw webhook payloads once processed (the inbox reads them within minutes)."""
    retention.webhook_events_purge()
