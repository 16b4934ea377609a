"""The two changes the REST API offers that the pages do not (yet): renaming a competitor and
saying whose a source is. Checked against the actor's role and recorded in the activity log,
like every change in ``services.py``."""

from __future__ import annotations

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.watch.models import Competitor, Feed, WatchedProfile


def competitor_rename(*, actor: Actor, competitor: Competitor, name: str) -> Competitor:
    actor.require(Role.MANAGER)
    competitor.name = name.strip()[:120]
    competitor.save(update_fields=["name"])
    actor.audit("watch.competitor.renamed", competitor, name=competitor.name)
    return competitor


def source_assign(
    *, actor: Actor, source: WatchedProfile | Feed, competitor: Competitor | None
) -> WatchedProfile | Feed:
    """A profile or a feed becomes a competitor's, or no competitor's (the company's own
    account, a sector feed). The caller loads ``competitor`` inside the organisation."""
    actor.require(Role.MANAGER)
    source.competitor = competitor
    source.save(update_fields=["competitor"])
    actor.audit(
        "watch.source.assigned",
        source,
        kind=type(source).__name__.lower(),
        competitor=competitor.pk if competitor else None,
    )
    return source
