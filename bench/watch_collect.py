"""One collection cycle of many sources against the local peer (``bench/watch_peer.py``).

The sources are spread over organisations the size of a large plan would allow — 25 each: 15
feeds, 6 Mastodon accounts of competitors and 4 searches (run on Mastodon, where each
organisation has its connected account) — until ``--sources`` are watched. Each organisation's
account lives on one of ``--servers`` Mastodon servers (1 by default: every organisation on the
same server, the hardest case for that server's per-address limit). The cycle is what the
scheduler starts every 15 minutes: ``collect_organisation`` for each organisation, in turn, as
one worker thread runs them, through the real connectors and the guarded HTTP client.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.watch_data import SEARCH_WORDS
from bench.watch_peer import running_peer

PER_ORGANISATION = {"feeds": 15, "profiles": 6, "queries": 4}


def _organisations(peer_url: str, sources: int, servers: int, stamp: int) -> list[Any]:
    from parvis.accounts.models import Organisation, User
    from parvis.accounts.services import organisation_create
    from parvis.networks.models import SocialAccount
    from parvis.watch.models import Feed, WatchedProfile, WatchQuery, WatchSettings

    user = User.objects.create_user(f"collect-{stamp}@example.invalid", None, full_name="Bench")
    organisations: list[Organisation] = []
    left, feed_number = sources, 0
    while left > 0:
        index = len(organisations)
        organisation = organisation_create(name=f"Veille {stamp} {index}", owner=user)
        WatchSettings.objects.update_or_create(
            organisation=organisation, defaults={"plan_size": WatchSettings.PlanSize.LARGE}
        )
        owned = {"organisation": organisation}
        SocialAccount.objects.create(
            **owned,
            kind="mastodon",
            handle=f"atelier{index}",
            remote_id=str(100_000 + index),
            api_base_url=f"{peer_url}/mastodon/s{index % servers}",
            access_token=f"token-{stamp}-{index}",
            status=SocialAccount.Status.CONNECTED,
        )
        for _ in range(min(left, PER_ORGANISATION["feeds"])):
            feed_number += 1
            Feed.objects.create(**owned, url=f"{peer_url}/feeds/{feed_number}.xml")
            left -= 1
        for n in range(min(left, PER_ORGANISATION["profiles"])):
            account_id = str(index * 10 + n + 1)
            WatchedProfile.objects.create(
                **owned, network="mastodon", handle=f"rival{account_id}", remote_id=account_id
            )
            left -= 1
        for n in range(min(left, PER_ORGANISATION["queries"])):
            WatchQuery.objects.create(**owned, all_words=SEARCH_WORDS[(index + n) % 40])
            left -= 1
        organisations.append(organisation)
    return organisations


def _sources_read(organisations: list[Any], since: datetime) -> dict[str, int]:
    """Sources read in the cycle, and those left waiting (budget spent, paused) or in error."""
    from parvis.watch.models import Feed, WatchedProfile, WatchQuery

    counts = {"sources_collected": 0, "sources_waiting": 0, "sources_in_error": 0}
    for model in (Feed, WatchedProfile, WatchQuery):
        rows = model.objects.filter(organisation__in=organisations)
        counts["sources_collected"] += rows.filter(last_success_at__gte=since).count()
        counts["sources_in_error"] += rows.filter(state="error").count()
        counts["sources_waiting"] += (
            rows.exclude(state="error").exclude(last_success_at__gte=since).count()
        )
    return counts


def collect(sources: int, rng: random.Random, *, servers: int = 1) -> dict[str, Any]:
    """Run one cycle of ``sources`` sources; the figures the peer and the database give."""
    from parvis.watch.collect import collect_organisation
    from parvis.watch.models import Item

    stamp = rng.randint(10**8, 10**9)
    with running_peer(SEARCH_WORDS) as peer:
        organisations = _organisations(peer.url, sources, servers, stamp)
        before = Item.objects.filter(organisation__in=organisations).count()
        since = datetime.now(UTC) - timedelta(seconds=1)
        started = time.perf_counter()
        errors = 0
        for organisation in organisations:
            errors += collect_organisation(organisation).errors
        cycle_s = time.perf_counter() - started
        violations = peer.counts.violations()
        calls = dict(peer.counts.by_network)
        busiest = max(peer.counts.by_server.values(), default=0)
    stored = Item.objects.filter(organisation__in=organisations).count() - before
    return {
        "sources": sources,
        "organisations": len(organisations),
        "mastodon_servers": servers,
        **_sources_read(organisations, since),
        "cycle_errors": errors,
        "cycle_s": round(cycle_s, 1),
        "cycle_items_stored": stored,
        "calls": calls,
        "mastodon_calls_busiest_server": busiest,
        "rate_limit_violations": sum(violations.values()),
        "rate_limit_violations_by_limit": violations,
    }
