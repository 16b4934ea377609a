"""Watch tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Organisation
from parvis.watch.alert_mail import alerts_mail_due, alerts_mail_organisation
from parvis.watch.alerts import alerts_detect
from parvis.watch.collect import collect_organisation
from parvis.watch.models import Feed, WatchedProfile, WatchQuery
from parvis.watch.services import watch_purge
from parvis.watch.topics import topics_refresh

log = logging.getLogger("parvis.watch")


def organisations_watching() -> list[int]:
    """Organisations with at least one real (not demo) source."""
    ids: set[int] = set()
    for model in (Feed, WatchedProfile, WatchQuery):
        ids.update(model.objects.filter(is_demo=False).values_list("organisation_id", flat=True))
    return sorted(ids)


@shared_task(name="watch.collect_all", time_limit=60, soft_time_limit=50, expires=600)
def collect_all_task() -> None:
    """Every ``WATCH_INTERVAL_S`` (BEAT_SCHEDULE): one collection task per organisation."""
    for organisation_id in organisations_watching():
        collect_organisation_task.delay(organisation_id)


@shared_task(name="watch.collect_organisation", time_limit=280, soft_time_limit=240, expires=600)
def collect_organisation_task(organisation_id: int) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    # Gone, or being deleted (a privacy gate closes it): nothing to collect for it any more.
    if organisation is None or organisation_closed(organisation) is not None:
        return
    result = collect_organisation(organisation)
    log.info(
        "watch cycle",
        extra={
            "organisation_id": organisation_id,
            "calls": result.calls,
            "stored": result.stored.stored,
            "errors": result.errors,
        },
    )
    _alert(organisation)
    if result.stored.stored:
        _topics(organisation)


def _topics(organisation: Organisation) -> None:
    try:
        topics_refresh(organisation.pk, now=timezone.now())
    except Exception:  # noqa: BLE001 - the page computes them itself when none are kept
        log.exception("watch topics failed", extra={"organisation_id": organisation.pk})


def _alert(organisation: Organisation) -> None:
    """The alerts of what the cycle stored, e-mailed at once outside the quiet hours. Whatever
    fails here is logged: what the cycle collected is already stored and stays."""
    try:
        alerts_detect(organisation)
        alerts_mail_organisation(organisation)
    except Exception:  # noqa: BLE001 - alerts never fail a collection
        log.exception("watch alerts failed", extra={"organisation_id": organisation.pk})


@shared_task(name="watch.alerts_mail", time_limit=120, soft_time_limit=100, expires=300)
def alerts_mail_task() -> None:
    """Every 5 minutes (BEAT_SCHEDULE): the alerts that waited for the quiet hours to end."""
    alerts_mail_due()


@shared_task(name="watch.purge", time_limit=600, soft_time_limit=540, expires=3600)
def purge_task() -> None:
    """Daily: items older than each organisation's retention setting."""
    watch_purge()


# The Monday digest's tasks live beside it; importing them here registers them with Celery.
from parvis.watch import digest_tasks  # noqa: E402, F401
