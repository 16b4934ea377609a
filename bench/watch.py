"""``parvis bench watch``: ingestion rate, timeline and search latency at scale, and one
collection cycle of many sources against local peers with the calls each network's limits allow.

Run ``parvis bench watch`` (or ``python -m bench.watch``); ``--json`` prints one JSON object.

* ingestion: ``--ingest`` French posts and articles through ``items_store``, the store every
  collection cycle ends with (dedupe, one ``parvis.insight`` batch for language, sentiment and
  intents, content categories for watched accounts' posts, insert, links to every source that
  found them), in batches of ``--batch`` as a cycle brings them: ``ingest_per_s``, end to end,
  in one process;
* scale: the store is then filled up to ``--items`` items (default 1,000,000; the issue's
  target is 5,000,000: ``--items 5000000``) with plain ``INSERT``s, not timed as ingestion;
* latency: ``--queries`` timeline pages (no filter, network, sentiment, competitor, source,
  period, later pages) and as many searches (one word, two words, with a filter), p50 and p95
  in milliseconds, through ``watch.selectors.timeline`` and the page's ``page_of`` as
  ``timeline_page`` runs them (rows plus one, their sources; no count);
* collection: ``--sources`` sources (default 1,000) spread over organisations the size of a
  large plan, collected by ``collect_organisation`` in one cycle against a local peer
  (``bench/watch_peer.py``) over real HTTP: feeds, Mastodon, Bluesky and X. The peer counts
  the calls per network, per account and per client address, and every call beyond a
  documented window limit is a ``rate_limit_violations``.

``--mode sqlite`` (default) builds a fresh SQLite database in a temporary folder (``--dir`` to
keep it: the fill is then skipped when it is already big enough); ``--mode postgres`` uses
``--database-url`` (or ``DATABASE_URL``). Targets (issue 13): ingestion ≥ 2,000 items/s;
5,000,000 items; timeline and search p95 ≤ 100 ms on SQLite, ≤ 50 ms on PostgreSQL; 1,000
sources in one cycle with no rate-limit violation.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import (
    add_database_arguments,
    analyse_tables,
    report,
    setup_django,
    summary,
    timed_ms,
)
from bench.watch_data import SEARCH_WORDS, World, fill, found_batches, world

TARGETS = {
    "ingest_per_s": 2000.0,
    "items": 5_000_000,
    "sqlite_p95_ms": 100.0,
    "postgres_p95_ms": 50.0,
}


def _ingest(bench: World, count: int, batch: int, rng: random.Random) -> dict[str, float]:
    """Items per second through ``items_store``: per second of wall time, and per second of
    this process's CPU time (steadier on a shared machine; SQLite's work is in-process)."""
    from parvis.watch.ingest import items_store

    batches = found_batches(bench, count, batch, rng, stamp=time.time_ns())
    started, cpu = time.perf_counter(), time.process_time()
    stored = 0
    for rows in batches:
        stored += items_store(bench.organisation.pk, rows).stored
    wall, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    return {
        "ingest_per_s": round(stored / wall, 1),
        "ingest_per_cpu_s": round(stored / cpu_s, 1),
        "ingested": stored,
        "ingest_found_rows": sum(len(rows) for rows in batches),
    }


def _page(bench: World, filters: Any, page: int) -> Any:
    """What ``timeline_page`` asks the database for one page: the count, the rows, their
    sources."""
    from parvis.core.paging import page_of
    from parvis.watch.selectors import PAGE_SIZE, timeline

    items = timeline(bench.organisation, filters).prefetch_related(
        "sources__profile__competitor", "sources__feed", "sources__query"
    )
    return page_of(items, str(page), PAGE_SIZE).object_list


def _latency(bench: World, queries: int, rng: random.Random) -> dict[str, float]:
    from parvis.watch.selectors import TimelineFilters

    now = datetime.now(UTC)
    variants = [
        TimelineFilters(),
        TimelineFilters(network="mastodon"),
        TimelineFilters(sentiment="negative"),
        TimelineFilters(competitor=bench.competitors[0].pk),
        TimelineFilters(source=f"profile:{bench.profiles[0].pk}"),
        TimelineFilters(source=f"feed:{bench.feeds[0].pk}"),
        TimelineFilters(since=now - timedelta(days=7)),
        TimelineFilters(since=now - timedelta(days=30), network="web", sentiment="positive"),
    ]

    def words() -> str:
        if rng.random() < 0.6:
            return rng.choice(SEARCH_WORDS)
        return f"{rng.choice(SEARCH_WORDS)} {rng.choice(SEARCH_WORDS)}"

    def page(filters: TimelineFilters, number: int) -> Callable[[], object]:
        return lambda: _page(bench, filters, number)

    timeline_calls = [
        page(rng.choice(variants), rng.choice([1, 1, 1, 2, 5])) for _ in range(queries)
    ]
    search_calls = [
        page(TimelineFilters(text=words(), sentiment=rng.choice(["", "", "negative"])), 1)
        for _ in range(queries)
    ]
    # Warm the caches, as a running server has them (fewer for a short run: at 5,000,000 items
    # one timeline page can take seconds).
    warm = max(1, min(10, queries // 5))
    timed_ms(timeline_calls[:warm] + search_calls[:warm])
    return {
        **summary("timeline", timed_ms(timeline_calls)),
        **summary("search", timed_ms(search_calls)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parvis bench watch", description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="items stored (5,000,000)")
    parser.add_argument("--ingest", type=int, default=20_000, help="items ingested, timed")
    parser.add_argument("--batch", type=int, default=500, help="items per store (one cycle)")
    parser.add_argument("--queries", type=int, default=300, help="timeline pages and searches")
    parser.add_argument("--sources", type=int, default=1_000, help="sources in the cycle")
    parser.add_argument("--servers", type=int, default=1, help="Mastodon servers they use")
    parser.add_argument("--seed", type=int, default=13)
    add_database_arguments(parser)
    args = parser.parse_args(argv)
    # The collection peer listens on 127.0.0.1: the guarded HTTP client must let feeds reach it.
    cleanup = setup_django(
        args, prefix="parvis-bench-watch-", env={"PARVIS_HTTP_ALLOW_PRIVATE": "127.0.0.1/32"}
    )
    rng = random.Random(args.seed)
    try:
        from parvis.insight import analyse_many, categorise_posts

        analyse_many(["Bonjour"])  # load the models before timing, as a worker has them
        categorise_posts(["Bonjour"])
        bench = world()
        figures: dict[str, Any] = {
            "mode": args.mode,
            **_ingest(bench, args.ingest, args.batch, rng),
        }
        started = time.perf_counter()
        figures["items"] = fill(bench, args.items, rng, progress=not args.json)
        figures["fill_s"] = round(time.perf_counter() - started, 1)
        analyse_tables()
        figures.update(_latency(bench, args.queries, rng))
        if args.sources:
            from bench.watch_collect import collect

            figures.update(collect(args.sources, rng, servers=args.servers))
        figures["load_average"] = round(os.getloadavg()[0], 1)
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    target = TARGETS[f"{args.mode}_p95_ms"]
    figures["targets_met"] = bool(
        figures["ingest_per_s"] >= TARGETS["ingest_per_s"]
        and figures["items"] >= TARGETS["items"]
        and figures["timeline_p95_ms"] <= target
        and figures["search_p95_ms"] <= target
        and figures.get("rate_limit_violations", 0) == 0
        and figures.get("sources_collected", args.sources) >= args.sources
    )
    report(figures, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
