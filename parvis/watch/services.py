"""What people change in the watch: competitors, sources, settings. Each change is checked
against the actor's role and the plan's limits, and recorded in the activity log."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.core.enqueue import task_send_on_commit
from parvis.core.guarded_http import AddressRefused, check_url
from parvis.networks.base import Connector
from parvis.networks.contracts import PublicProfile
from parvis.networks.errors import ConnectorError
from parvis.networks.models import SocialAccount
from parvis.privacy.retention import delete_in_batches
from parvis.watch.feeds import FeedError, FeedLink, discover
from parvis.watch.limits import limits_for
from parvis.watch.models import (
    Competitor,
    Feed,
    Item,
    WatchedProfile,
    WatchQuery,
    WatchSettings,
)
from parvis.watch.queries import is_empty
from parvis.watch.selectors import DAYS_PER_MONTH, watch_settings_for

MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 36


class WatchRefused(Exception):
    """A change the watch refuses, with the French/English sentence to show."""


def _reading_account(organisation: Organisation, network: str) -> SocialAccount:
    account: SocialAccount | None = (
        SocialAccount.objects.for_organisation(organisation)
        .filter(kind=network, status=SocialAccount.Status.CONNECTED, is_demo=False)
        .order_by("pk")
        .first()
    )
    if account is None:
        raise WatchRefused(
            _("No connected account on this network: connect one on the Accounts page first.")
        )
    return account


def profile_lookup(
    *, actor: Actor, network: str, handle: str, connector: Connector | None = None
) -> PublicProfile:
    """Find a public account by handle or URL with one of the organisation's accounts on that
    network, to show it before saving. Raises :class:`WatchRefused` with what to do."""
    actor.require(Role.MANAGER)
    handle = handle.strip()
    if not handle:
        raise WatchRefused(_("Type a handle or the address of their page."))
    account = _reading_account(actor.organisation, network)
    try:
        return (connector or account.connector()).public_profile(handle)
    except ConnectorError as exc:
        raise WatchRefused(exc.user_message) from exc


def competitor_create(*, actor: Actor, name: str) -> Competitor:
    actor.require(Role.MANAGER)
    organisation = actor.organisation
    limit = limits_for(watch_settings_for(organisation)).competitors
    if Competitor.objects.for_organisation(organisation).count() >= limit:
        raise WatchRefused(_("Your plan allows %(count)d competitors.") % {"count": limit})
    competitor = Competitor.objects.create(organisation=organisation, name=name.strip()[:120])
    actor.audit("watch.competitor.created", competitor, name=competitor.name)
    return competitor


def competitor_delete(*, actor: Actor, competitor: Competitor) -> None:
    actor.require(Role.MANAGER)
    actor.audit("watch.competitor.deleted", competitor, name=competitor.name)
    competitor.delete()


# A new source is read within seconds, not at the next 15-minute cycle; the sources added in
# the same few seconds (a competitor's two accounts, then a keyword) share one cycle. The
# cycle's budgets still apply: reading early never spends more than the network allows.
COLLECT_SOON_DELAY_S = 5


def collect_soon(organisation: Organisation) -> None:
    """Ask for one collection cycle of ``organisation`` a few seconds after the commit."""
    if cache.add(f"watch:collect-soon:{organisation.pk}", 1, timeout=COLLECT_SOON_DELAY_S):
        task_send_on_commit(
            "watch.collect_organisation", [organisation.pk], countdown=COLLECT_SOON_DELAY_S
        )


@transaction.atomic
def profile_add(
    *,
    actor: Actor,
    network: str,
    handle: str,
    competitor: Competitor | None,
    connector: Connector | None = None,
) -> WatchedProfile:
    """Look the account up again (what the browser showed is never trusted) and watch it."""
    found = profile_lookup(actor=actor, network=network, handle=handle, connector=connector)
    profile, _created = WatchedProfile.objects.update_or_create(
        organisation=actor.organisation,
        network=network,
        remote_id=found.remote_id[:200],
        defaults={
            "handle": found.handle[:200],
            "display_name": found.display_name[:200],
            "avatar_url": found.avatar_url[:500] if found.avatar_url.startswith("https://") else "",
            "page_url": found.url[:500] if found.url.startswith(("https://", "http://")) else "",
            "followers": found.followers,
            "competitor": competitor,
        },
    )
    actor.audit("watch.profile.added", profile, network=network, handle=profile.handle)
    collect_soon(actor.organisation)
    return profile


def query_add(
    *,
    actor: Actor,
    kind: str,
    all_words: str = "",
    any_words: str = "",
    none_words: str = "",
    exact_phrase: str = "",
    hashtags: str = "",
    language: str = "",
) -> WatchQuery:
    actor.require(Role.MANAGER)
    organisation = actor.organisation
    limit = limits_for(watch_settings_for(organisation)).queries
    if WatchQuery.objects.for_organisation(organisation).count() >= limit:
        raise WatchRefused(_("Your plan allows %(count)d searches.") % {"count": limit})
    query = WatchQuery(
        organisation=organisation,
        kind=kind,
        all_words=" ".join(all_words.split())[:300],
        any_words=" ".join(any_words.split())[:300],
        none_words=" ".join(none_words.split())[:300],
        exact_phrase=" ".join(exact_phrase.split())[:200],
        hashtags=" ".join(hashtags.split())[:300],
        language=language[:8],
    )
    if is_empty(query):
        raise WatchRefused(_("Give at least one word, a phrase or a hashtag."))
    query.save()
    actor.audit("watch.query.added", query, kind=kind)
    collect_soon(organisation)
    return query


def feed_find(*, actor: Actor, site_url: str) -> list[FeedLink]:
    """The feeds a site announces (« Trouver le flux »)."""
    actor.require(Role.MANAGER)
    try:
        return discover(site_url.strip())
    except FeedError as exc:
        raise WatchRefused(exc.message) from exc


def feed_add(*, actor: Actor, url: str, competitor: Competitor | None = None) -> Feed:
    actor.require(Role.MANAGER)
    organisation = actor.organisation
    limit = limits_for(watch_settings_for(organisation)).feeds
    if Feed.objects.for_organisation(organisation).count() >= limit:
        raise WatchRefused(_("Your plan allows %(count)d feeds.") % {"count": limit})
    url = url.strip()
    try:
        check_url(url)  # a clear refusal now; the client checks again at each fetch
    except AddressRefused as exc:
        raise WatchRefused(_("This address cannot be read: check it.")) from exc
    feed, created = Feed.objects.get_or_create(
        organisation=organisation, url=url[:1000], defaults={"competitor": competitor}
    )
    if created:
        actor.audit("watch.feed.added", feed, url=feed.url)
        collect_soon(organisation)
    return feed


def source_remove(*, actor: Actor, source: WatchedProfile | WatchQuery | Feed) -> None:
    """Stop watching a source. Items it found stay (other sources may share them) until the
    retention purge."""
    actor.require(Role.MANAGER)
    actor.audit("watch.source.removed", source, kind=type(source).__name__.lower())
    source.delete()


def retention_update(*, actor: Actor, months: int) -> None:
    actor.require(Role.MANAGER)
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise ValidationError(_("Choose between 1 and 36 months."))
    settings = watch_settings_for(actor.organisation)
    settings.retention_months = months
    settings.save(update_fields=["retention_months"])
    actor.audit("watch.settings.updated", settings, retention_months=months)


def watch_purge(*, now: datetime | None = None) -> int:
    """Items older than their organisation's retention (the daily task). Returns how many."""
    now = now or timezone.now()
    deleted = 0
    for organisation_id, months in _retentions():
        cutoff = now - timedelta(days=round(months * DAYS_PER_MONTH))
        deleted += delete_in_batches(
            Item.objects.filter(organisation_id=organisation_id, published_at__lt=cutoff)
        )
    return deleted


def _retentions() -> list[tuple[int, int]]:
    configured = dict(WatchSettings.objects.values_list("organisation_id", "retention_months"))
    default = WatchSettings._meta.get_field("retention_months").default
    organisations = Item.objects.values_list("organisation_id", flat=True).distinct()
    return [(org_id, configured.get(org_id, default)) for org_id in organisations]
