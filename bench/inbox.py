"""``parvis bench inbox``: ingestion rate, and inbox list and search latency at scale.

Run ``parvis bench inbox`` (or ``python -m bench.inbox``); ``--json`` prints one JSON object.

* ingestion: ``--ingest`` realistic French messages through ``inbox_ingest`` (dedup, threading,
  classification by ``parvis.insight``, routing, priority, storage and search index), in
  batches of ``--batch`` as a poll page or a webhook burst brings them: ``ingest_per_s``, end
  to end, in one process (the reference machine has 2 cores; the other is left to the DB);
* scale: the store is then filled up to ``--messages`` messages (default 1,000,000) with bulk
  inserts — conversations of 1 to 7 messages over 90 days, varied French texts — so that the
  search index holds every one of them;
* latency: ``--queries`` inbox list reads (priority and newest order, filters by network,
  intent, status, assignee, over the goal, later pages) and as many searches (rare and
  common words, two-word queries), p50 and p95 in milliseconds, through the same selector
  the page uses (``inbox_page``), rows fully loaded;
* query count: the whole inbox page rendered for 10 and for 100 rows shown must make the same
  number of SQL queries.

``--mode sqlite`` (default) builds a fresh SQLite database in a temporary folder (``--dir`` to
keep it and reuse it: the fill is then skipped when it is already big enough); ``--mode
postgres`` uses ``--database-url`` (or ``DATABASE_URL``), a database it may fill and drop
tables in. Targets (issue 6): ingestion ≥ 1,000 messages/s; list and search p95 ≤ 100 ms on
SQLite and ≤ 50 ms on PostgreSQL with 1,000,000 messages.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import percentile, setup_django, timed_ms

TARGETS = {"ingest_per_s": 2000.0, "sqlite_p95_ms": 100.0, "postgres_p95_ms": 50.0}

FIRST_NAMES = [
    "Anne",
    "Bruno",
    "Chloé",
    "David",
    "Élodie",
    "Fabien",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Julien",
    "Karine",
    "Léa",
    "Mathis",
    "Nadia",
    "Olivier",
    "Pauline",
    "Quentin",
    "Romane",
    "Sébastien",
    "Théo",
    "Ulysse",
    "Victoire",
    "Yanis",
    "Zoé",
]
PRODUCTS = [
    "escalier",
    "table",
    "bibliothèque",
    "cuisine",
    "porte",
    "fenêtre",
    "volet",
    "parquet",
    "terrasse",
    "placard",
    "dressing",
    "bureau",
    "lit",
    "banc",
    "pergola",
    "portail",
    "comptoir",
    "étagère",
    "armoire",
    "verrière",
]
WOODS = ["chêne", "noyer", "hêtre", "frêne", "pin", "mélèze", "douglas", "châtaignier", "érable"]
CITIES = [
    "Rennes",
    "Brest",
    "Nantes",
    "Vannes",
    "Quimper",
    "Lorient",
    "Saint-Malo",
    "Lannion",
    "Morlaix",
    "Dinan",
    "Laval",
    "Angers",
    "Caen",
    "Tours",
    "Le Mans",
]
TEMPLATES = [
    "Bonjour, je voudrais un devis pour un(e) {product} en {wood} à {city}, quel est le prix ?",
    "Ma commande n° {number} ({product}) n'est toujours pas livrée, c'est inadmissible !",
    "Vous êtes ouverts le samedi ? Je voudrais voir des échantillons de {wood}.",
    "Magnifique travail sur notre {product}, merci à toute l'équipe de {city} !",
    "Bonjour, je cherche un apprentissage en menuiserie près de {city}, voici ma candidature.",
    "Gagnez {number} abonnés en 24 h !!! Cliquez ici http://bit.ly/promo{number}",
    "Le {product} livré hier a une rayure, pouvez-vous passer la voir ? Commande {number}.",
    "Combien de temps pour fabriquer un(e) {product} sur mesure en {wood} ?",
    "Merci {first} pour le conseil sur le {wood}, le {product} est superbe.",
    "Est-ce que vous intervenez à {city} pour la pose d'un(e) {product} ?",
    "Je suis déçu du service après-vente, le {product} grince toujours.",
    "Belle réalisation ! Vous travaillez aussi pour les professionnels à {city} ?",
]


def _text(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(
        product=rng.choice(PRODUCTS),
        wood=rng.choice(WOODS),
        city=rng.choice(CITIES),
        number=rng.randint(1000, 99999),
        first=rng.choice(FIRST_NAMES),
    )


def _cast() -> tuple[Any, Any, list[Any]]:
    from parvis.accounts.models import Organisation, User
    from parvis.accounts.services import organisation_create
    from parvis.networks.models import SocialAccount

    user = User.objects.filter(email="bench@example.invalid").first()
    if user is None:
        user = User.objects.create_user("bench@example.invalid", None, full_name="Bench")
    organisation = Organisation.objects.filter(slug="bench-inbox").first()
    if organisation is None:
        organisation = organisation_create(name="Bench Inbox", owner=user)
        Organisation.objects.filter(pk=organisation.pk).update(slug="bench-inbox")
        organisation.refresh_from_db()
    accounts = []
    for kind in ("facebook", "instagram", "linkedin", "x"):
        account, _ = SocialAccount.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            remote_id=f"bench-{kind}",
            defaults={"handle": f"bench_{kind}"},
        )
        accounts.append(account)
    return user, organisation, accounts


def _ingest(accounts: list[Any], count: int, batch: int, rng: random.Random) -> tuple[float, float]:
    """Messages per second through inbox_ingest, classification included: per second of wall
    time, and per second of this process's CPU time (steadier on a shared machine; the
    database work of SQLite is in-process and counted)."""
    from parvis.inbox.ingest import inbox_ingest
    from parvis.networks.contracts import InboundItem, InboundKind

    now = datetime.now(UTC)
    stamp = int(time.time())
    kinds = [InboundKind.COMMENT, InboundKind.COMMENT, InboundKind.MENTION, InboundKind.DM]
    batches: list[tuple[Any, list[InboundItem]]] = []
    for start in range(0, count, batch):
        account = accounts[(start // batch) % len(accounts)]
        items = []
        for n in range(start, min(count, start + batch)):
            author = rng.randint(1, max(10, count // 3))
            items.append(
                InboundItem(
                    kind=rng.choice(kinds),
                    remote_id=f"ingest-{stamp}-{n}",
                    text=_text(rng),
                    created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 20)),
                    author_id=f"author-{author}",
                    author_handle=f"client{author}",
                    author_name=rng.choice(FIRST_NAMES) + " " + rng.choice(CITIES),
                    thread_id=f"post-{rng.randint(1, 400)}",
                )
            )
        batches.append((account, items))
    started, cpu = time.perf_counter(), time.process_time()
    for account, items in batches:
        inbox_ingest(account, items, now=now)
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu)


def _fill(organisation: Any, accounts: list[Any], target: int, rng: random.Random) -> int:
    """Bulk-insert conversations and messages until the organisation holds ``target``."""
    from django.db import transaction

    from parvis.inbox.models import Conversation, Message

    have = Message.objects.filter(organisation=organisation).count()
    now = datetime.now(UTC)
    intents = [
        "question",
        "complaint",
        "purchase_intent",
        "job_application",
        "praise",
        "other",
        "spam",
    ]
    weights = [30, 12, 14, 4, 20, 15, 5]
    serial = have
    while have < target:
        with transaction.atomic():
            conversations: list[Conversation] = []
            sizes: list[int] = []
            for _ in range(2000):
                if have + sum(sizes) >= target:
                    break
                size = min(rng.randint(1, 7), target - have - sum(sizes))
                account = rng.choice(accounts)
                last = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
                intent = rng.choices(intents, weights)[0]
                answered = rng.random() < 0.7
                status = "spam" if intent == "spam" else ("done" if answered else "open")
                serial += 1
                conversations.append(
                    Conversation(
                        organisation=organisation,
                        account=account,
                        kind="comment",
                        thread_key=f"bulk-{serial}",
                        participant_id=f"bulk-author-{serial}",
                        participant_handle=f"client{serial}",
                        participant_name=rng.choice(FIRST_NAMES),
                        snippet=_text(rng),
                        message_count=size,
                        status=status,
                        last_message_at=last,
                        first_inbound_at=last - timedelta(hours=size),
                        awaiting_since=None if answered else last - timedelta(hours=size),
                        first_response_at=last if answered else None,
                        priority_score=rng.uniform(0, 90),
                        priority_level="normal",
                        intent=intent,
                        sentiment=rng.choice(["negative", "neutral", "positive"]),
                        is_lead=intent == "purchase_intent",
                    )
                )
                sizes.append(size)
            created = Conversation.objects.bulk_create(conversations)
            messages = []
            for conversation, size in zip(created, sizes, strict=True):
                for m in range(size):
                    serial += 1
                    messages.append(
                        Message(
                            organisation=organisation,
                            conversation=conversation,
                            account_id=conversation.account_id,
                            remote_id=f"bulk-{serial}",
                            author_id=conversation.participant_id,
                            author_handle=conversation.participant_handle,
                            author_name=conversation.participant_name,
                            text=_text(rng),
                            created_at=(conversation.first_inbound_at or now)
                            + timedelta(minutes=m),
                            intent=conversation.intent,
                            sentiment=conversation.sentiment,
                        )
                    )
            Message.objects.bulk_create(messages, batch_size=2000)
            have += len(messages)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inbox_message; ANALYZE inbox_conversation;")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return have


def _latency(
    organisation: Any, user: Any, accounts: list[Any], queries: int, rng: random.Random
) -> dict[str, float]:
    from parvis.inbox.selectors import InboxFilters, inbox_page

    variants = [
        InboxFilters(),
        InboxFilters(order="newest"),
        InboxFilters(network="instagram"),
        InboxFilters(intent="complaint"),
        InboxFilters(status="done", order="newest"),
        InboxFilters(assignee="none"),
        InboxFilters(over_goal=True),
        InboxFilters(sentiment="negative", order="newest"),
    ]
    words = [
        *PRODUCTS,
        *WOODS,
        *CITIES,
        "livrée",
        "inadmissible",
        "devis",
        "apprentissage",
        "rayure",
        "grince",
    ]

    def listing(filters: InboxFilters, offset: int) -> Callable[[], object]:
        return lambda: (
            inbox_page(
                organisation=organisation, user=user, filters=filters, offset=offset
            ).conversations
        )

    def search(q: str) -> Callable[[], object]:
        return lambda: (
            inbox_page(
                organisation=organisation,
                user=user,
                filters=InboxFilters(q=q, status=""),
            ).conversations
        )

    list_calls = [
        listing(rng.choice(variants), rng.choice([0, 0, 0, 50, 100])) for _ in range(queries)
    ]
    search_calls = [
        search(
            rng.choice(words)
            if rng.random() < 0.7
            else f"{rng.choice(PRODUCTS)} {rng.choice(CITIES)}"
        )
        for _ in range(queries)
    ]
    timed_ms(list_calls[:10] + search_calls[:10])  # warm the caches, as a running server has them
    list_ms = timed_ms(list_calls)
    search_ms = timed_ms(search_calls)
    return {
        "list_p50_ms": round(statistics.median(list_ms), 2),
        "list_p95_ms": round(percentile(list_ms, 0.95), 2),
        "search_p50_ms": round(statistics.median(search_ms), 2),
        "search_p95_ms": round(percentile(search_ms, 0.95), 2),
    }


def _query_counts(organisation: Any, user: Any) -> dict[str, int]:
    """SQL queries of the whole inbox page (rendered) for 10 and for 100 rows shown."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("inbox:inbox", kwargs={"org": organisation.slug})
    counts = {}
    for rows in (10, 100):
        client.get(f"{url}?order=newest&per_page={rows}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{url}?order=newest&per_page={rows}")
        if response.status_code != 200:
            raise RuntimeError(f"the inbox page answered {response.status_code}")
        counts[f"page_queries_{rows}_rows"] = len(captured)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parvis bench inbox", description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages stored")
    parser.add_argument("--ingest", type=int, default=20_000, help="messages ingested, timed")
    parser.add_argument("--batch", type=int, default=100, help="messages per ingestion call")
    parser.add_argument("--queries", type=int, default=300, help="list reads and searches each")
    parser.add_argument("--mode", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="PostgreSQL for --mode postgres")
    parser.add_argument("--dir", default="", help="keep the SQLite database in this folder")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    cleanup = setup_django(args, prefix="parvis-bench-inbox-")
    rng = random.Random(args.seed)
    try:
        user, organisation, accounts = _cast()
        from parvis.insight.analysis import analyse_many

        analyse_many(["Bonjour"])  # load the models before timing, as a worker has them
        ingest_per_s, ingest_per_cpu_s = _ingest(accounts, args.ingest, args.batch, rng)
        started = time.perf_counter()
        messages = _fill(organisation, accounts, args.messages, rng)
        fill_s = time.perf_counter() - started
        figures: dict[str, Any] = {
            "mode": args.mode,
            "messages": messages,
            "ingest_per_s": round(ingest_per_s, 1),
            "ingest_per_cpu_s": round(ingest_per_cpu_s, 1),
            "load_average": round(os.getloadavg()[0], 1),
            "ingested": args.ingest,
            "fill_s": round(fill_s, 1),
            **_latency(organisation, user, accounts, args.queries, rng),
            **_query_counts(organisation, user),
        }
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    target = TARGETS[f"{args.mode}_p95_ms"]
    figures["targets_met"] = bool(
        figures["ingest_per_s"] >= TARGETS["ingest_per_s"]
        and figures["list_p95_ms"] <= target
        and figures["search_p95_ms"] <= target
        and figures["page_queries_10_rows"] == figures["page_queries_100_rows"]
    )
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
