"""One collection cycle for one organisation: feeds, then each network, then one store.

A failing source never stops the others: its state says what happened (in French) and the
cycle goes on. Network calls are bounded by :mod:`parvis.watch.budget`; what was collected
before an error is stored all the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks.base import Connector
from parvis.networks.contracts import PublicPost
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    NotFound,
    NotSupported,
    RateLimited,
)
from parvis.networks.models import SocialAccount
from parvis.networks.services import account_record_error, account_record_success
from parvis.watch.budget import ADDRESS_LIMITS, Spending, organisations_sharing, spending_for
from parvis.watch.feeds import FeedError, fetch_feed
from parvis.watch.ingest import Found, Source, StoreResult, items_store
from parvis.watch.models import WEB, Feed, FollowerSnapshot, WatchedProfile, WatchQuery
from parvis.watch.queries import query_matches, search_text
from parvis.watch.selectors import retention_cutoff
from parvis.watch.states import is_waiting, source_error, source_ok, source_pause

log = logging.getLogger("parvis.watch")

FEED_INTERVAL = timedelta(minutes=30)  # politeness: a feed is read at most this often
PAGE_LIMIT = 25

ConnectorFor = Callable[[SocialAccount], Connector]


@dataclass
class CycleResult:
    calls: dict[str, int] = field(default_factory=dict)
    stored: StoreResult = field(default_factory=StoreResult)
    errors: int = 0


def _label(network: str) -> str:
    try:
        return NETWORK_LABELS[Network(network)]
    except ValueError:
        return network


def _due(sources: Iterable[Source], now: datetime) -> list[Source]:
    return [s for s in sources if not is_waiting(s, now)]


# --- feeds -----------------------------------------------------------------------------------


def _collect_feed(feed: Feed, now: datetime, found: list[Found], result: CycleResult) -> None:
    try:
        fetched = fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FeedError as exc:
        source_error(feed, now, code=exc.code, message=exc.message)
        result.errors += 1
        return
    if not fetched.not_modified:
        feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
        feed.title = feed.title or fetched.title
        feed.site_url = feed.site_url or fetched.site_url
        found += [
            Found(
                source=feed,
                network=WEB,
                remote_id=entry.remote_id,
                url=entry.url,
                title=entry.title,
                text=entry.text,
                author_handle=entry.author,
                published_at=entry.published_at,
            )
            for entry in fetched.entries
        ]
    source_ok(feed, now, warning=fetched.warning)


# --- networks --------------------------------------------------------------------------------


def _found(source: Source, network: str, post: PublicPost) -> Found:
    return Found(
        source=source,
        network=network,
        remote_id=post.remote_id,
        url=post.url,
        text=post.text,
        published_at=post.created_at,
        author_id=post.author_id,
        author_handle=post.author_handle,
        author_name=post.author_name,
        counters=dict(post.counters),
        language=post.language,
    )


def _account_for(organisation: Organisation, network: str) -> SocialAccount | None:
    """The organisation's connected account on ``network`` the watch reads with: one not
    rate-limited when there is one."""
    accounts = list(
        SocialAccount.objects.for_organisation(organisation)
        .filter(kind=network, status=SocialAccount.Status.CONNECTED, is_demo=False)
        .order_by(F("rate_limited_until").asc(nulls_first=True), "pk")
    )
    return accounts[0] if accounts else None


def _unsupported_message(network: str, source: Source) -> str:
    label = _label(network)
    if isinstance(source, WatchQuery):
        return (
            f"{label} ne permet pas la recherche de publications avec Parvis\u00a0: "
            "suivez plutôt un flux RSS (Google Alerts, presse spécialisée)."
        )
    return (
        f"{label} ne permet pas de lire les publications d’autres comptes\u00a0: "
        "ajoutez plutôt le flux RSS de leur site."
    )


def _read_source(
    source: Source,
    network: str,
    connector: Connector,
    spending: Spending,
    now: datetime,
    found: list[Found],
) -> bool:
    """Read one source; False when the budget is spent (the source waits for next cycle)."""
    if isinstance(source, WatchQuery):
        if not spending.take(search=True):
            return False
        text = search_text(source)
        page = connector.search_posts(text, language=source.language, limit=PAGE_LIMIT)
        found += [_found(source, network, p) for p in page.items if query_matches(source, p.text)]
        return True
    assert isinstance(source, WatchedProfile)
    if not FollowerSnapshot.objects.filter(profile=source, day=now.date()).exists():
        if not spending.take():
            return False
        profile = connector.public_profile(source.remote_id or source.handle)
        source.display_name = profile.display_name[:200] or source.display_name
        # As services.profile_add: the avatar view serves https addresses only, and the page
        # would show a broken image for any other.
        if profile.avatar_url.startswith("https://"):
            source.avatar_url = profile.avatar_url[:500]
        source.followers = profile.followers
        if profile.followers is not None:
            FollowerSnapshot.objects.update_or_create(
                organisation_id=source.organisation_id,
                profile=source,
                day=now.date(),
                defaults={"followers": profile.followers},
            )
    if not spending.take():
        return False
    page = connector.public_posts(source.remote_id, limit=PAGE_LIMIT)
    found += [_found(source, network, p) for p in page.items]
    return True


def _collect_network(
    organisation: Organisation,
    network: str,
    sources: list[Source],
    now: datetime,
    found: list[Found],
    result: CycleResult,
    connector_for: ConnectorFor,
) -> None:
    label = _label(network)
    account = _account_for(organisation, network)
    if account is None:
        for source in sources:
            message = f"Aucun compte {label} connecté\u00a0: connectez-en un dans « Comptes »."
            source_error(source, now, code="no_account", message=message)
        return
    if account.is_rate_limited(now):
        assert account.rate_limited_until is not None
        for source in sources:
            source_pause(
                source, now, until=account.rate_limited_until, reason=f"limite de {label} atteinte"
            )
        return
    connector = connector_for(account)
    sharing = organisations_sharing(account) if network in ADDRESS_LIMITS else 1
    spending = spending_for(network, sharing=sharing)
    try:
        _read_all(account, network, sources, connector, spending, now, found, result)
    finally:
        result.calls[network] = spending.used
        connector.close()


def _read_all(
    account: SocialAccount,
    network: str,
    sources: list[Source],
    connector: Connector,
    spending: Spending,
    now: datetime,
    found: list[Found],
    result: CycleResult,
) -> None:
    label = _label(network)
    # The sources least recently read first, so a budget too small for all still rotates.
    order = sorted(sources, key=lambda s: (s.last_checked_at is not None, s.last_checked_at or now))
    for index, source in enumerate(order):
        try:
            if not _read_source(source, network, connector, spending, now, found):
                break
        except NotFound:
            message = "Compte introuvable ou privé sur " + label + "."
            if isinstance(source, WatchQuery):
                message = f"{label} ne trouve rien pour cette recherche."
            source_error(source, now, code="not_found", message=message)
            result.errors += 1
            continue
        except NotSupported:
            source_error(
                source, now, code="not_supported", message=_unsupported_message(network, source)
            )
            continue
        except RateLimited as exc:
            account_record_error(account=account, error=exc)
            for waiting in order[index:]:
                source_pause(waiting, now, until=exc.retry_at, reason=f"limite de {label} atteinte")
            result.errors += 1
            return
        except AuthExpired as exc:
            account_record_error(account=account, error=exc)
            message = (
                f"La connexion du compte {label} @{account.handle} a expiré\u00a0: "
                "reconnectez-le dans « Comptes »."
            )
            for waiting in order[index:]:
                source_error(waiting, now, code="auth_expired", message=message)
            result.errors += 1
            return
        except ConnectorError as exc:
            source_error(source, now, code="transient", message=exc.user_message)
            result.errors += 1
            continue
        source_ok(source, now)
    account_record_success(account=account)


def collect_organisation(
    organisation: Organisation,
    *,
    now: datetime | None = None,
    connector_for: ConnectorFor | None = None,
) -> CycleResult:
    """Read every due source of ``organisation`` and store what is new, in one batch."""
    now = now or timezone.now()
    connector_for = connector_for or (lambda account: account.connector())
    result = CycleResult()
    found: list[Found] = []
    feeds = Feed.objects.for_organisation(organisation).filter(is_demo=False)
    for feed in _due(feeds, now):
        assert isinstance(feed, Feed)
        if feed.last_checked_at is None or now - feed.last_checked_at >= FEED_INTERVAL:
            _collect_feed(feed, now, found, result)
    by_network: dict[str, list[Source]] = {}
    profiles = WatchedProfile.objects.for_organisation(organisation).filter(is_demo=False)
    queries = WatchQuery.objects.for_organisation(organisation).filter(is_demo=False)
    for profile in _due(profiles, now):
        assert isinstance(profile, WatchedProfile)
        by_network.setdefault(profile.network, []).append(profile)
    networks = searchable_networks(organisation)
    for query in _due(queries, now):
        if not networks:
            message = "Aucun compte connecté pour chercher\u00a0: connectez-en un dans « Comptes »."
            source_error(query, now, code="no_account", message=message)
        for network in networks:
            by_network.setdefault(network, []).append(query)
    for network, sources in by_network.items():
        _collect_network(organisation, network, sources, now, found, result, connector_for)
    result.stored = items_store(
        organisation.pk, found, not_before=retention_cutoff(organisation, now), now=now
    )
    return result


def searchable_networks(organisation: Organisation) -> list[str]:
    """The networks a query runs on: those where the organisation has a connected account."""
    return sorted(
        set(
            SocialAccount.objects.for_organisation(organisation)
            .filter(status=SocialAccount.Status.CONNECTED, is_demo=False)
            .values_list("kind", flat=True)
        )
    )
