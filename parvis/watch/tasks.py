"""Watch tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Organisation
from parvis.watch.collect import collect_organisation
from parvis.watch.models import Feed, WatchedProfile, WatchQuery
from parvis.watch.services import watch_purge

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


@shared_task(name="watch.purge", time_limit=600, soft_time_limit=540, expires=3600)
def purge_task() -> None:
    """Daily: items older than each organisation's retention setting."""
    watch_purge()
