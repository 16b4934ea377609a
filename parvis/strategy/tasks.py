"""Strategy tasks: recompute alignment scores. Thin, loaded by id, safe to run twice."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.strategy import selectors, services
from parvis.strategy.models import Plan


@shared_task(
    name="strategy.recompute_alignment", ignore_result=True, time_limit=600, soft_time_limit=540
)
def recompute_alignment() -> None:
    """The periodic sweep: an organisation with a current plan is scored again when it has no
    score today, or when a post went live or a reply was sent since its last score. Frequent
    runs therefore cost a couple of aggregate queries per organisation, and the score follows
    what the organisation does within minutes."""
    organisation_ids = (
        Plan.objects.filter(is_current=True).values_list("organisation_id", flat=True).distinct()
    )
    today = timezone.now().date()
    for organisation in Organisation.objects.filter(pk__in=list(organisation_ids)):
        latest = selectors.alignment_latest(organisation)
        activity = selectors.last_activity_at(organisation)
        if (
            latest is None
            or latest.computed_at.date() < today
            or (activity is not None and activity > latest.computed_at)
        ):
            services.alignment_recompute(organisation=organisation)


@shared_task(
    name="strategy.recompute_alignment_one", ignore_result=True, time_limit=120, soft_time_limit=100
)
def recompute_alignment_one(organisation_id: int, requested_at: str | None = None) -> None:
    """On demand (a plan was made, a post went live, a message got its first answer).

    ``requested_at`` (ISO 8601) is when the change was committed: a score computed since then
    already counts it, so the request is dropped. Many posts going live together thus cost one
    computation, and running the task twice is harmless.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    if requested_at:
        latest = selectors.alignment_latest(organisation)
        if latest is not None and latest.computed_at >= datetime.fromisoformat(requested_at):
            return
    services.alignment_recompute(organisation=organisation)
