"""The changes the REST API offers that the pages do not (yet): renaming a competitor, saying
whose a source is, and changing a search's words. Checked against the actor's role and
recorded in the activity log, like every change in ``services.py``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.watch.models import Competitor, Feed, WatchedProfile, WatchQuery
from parvis.watch.queries import is_empty
from parvis.watch.services import WatchRefused

# Each text field of a search and the length its column holds.
QUERY_FIELDS = {
    "all_words": 300,
    "any_words": 300,
    "none_words": 300,
    "exact_phrase": 200,
    "hashtags": 300,
}


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


def query_update(*, actor: Actor, query: WatchQuery, changes: dict[str, str]) -> WatchQuery:
    """Apply ``changes`` (only the fields given) with the spacing and bounds of ``query_add``.
    A search left saying nothing is refused and nothing is saved."""
    actor.require(Role.MANAGER)
    for name, limit in QUERY_FIELDS.items():
        if name in changes:
            setattr(query, name, " ".join(changes[name].split())[:limit])
    if "kind" in changes:
        query.kind = changes["kind"]
    if "language" in changes:
        query.language = changes["language"][:8]
    if is_empty(query):
        query.refresh_from_db()
        raise WatchRefused(_("Give at least one word, a phrase or a hashtag."))
    query.save()
    actor.audit("watch.query.updated", query, fields=sorted(changes))
    return query
