"""The Monday digest's tasks: thin, load by id, safe to run twice (the claim sends once)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Organisation
from parvis.watch.digest_mail import digest_mail_due, digest_mail_send


@shared_task(name="watch.digest_due", time_limit=120, soft_time_limit=100, expires=3000)
def digest_due_task() -> None:
    """Hourly: one task per organisation whose Monday-morning digest e-mail is due."""
    for organisation_id, monday in digest_mail_due():
        digest_organisation_task.delay(organisation_id, monday.isoformat())


@shared_task(name="watch.digest_organisation", time_limit=280, soft_time_limit=240, expires=3000)
def digest_organisation_task(organisation_id: int, monday: str) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or organisation_closed(organisation) is not None:
        return
    digest_mail_send(organisation=organisation, monday=date.fromisoformat(monday))
