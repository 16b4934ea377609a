"""The watch benchmark's world: one organisation's sources, realistic posts, the bulk fill.

Posts are French sector chatter for a joinery (the inbox benchmark's words: products, woods,
cities), competitors' announcements and trade-press articles, so ``parvis.insight`` and the
full-text index see the kind of text a real watch stores.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.inbox import CITIES, FIRST_NAMES, PRODUCTS, WOODS

NETWORKS = ["bluesky", "mastodon", "x", "youtube", "instagram"]
POST_TEMPLATES = [
    "Nouvelle réalisation : un(e) {product} en {wood} massif pour une maison de {city}.",
    "Portes ouvertes samedi à l'atelier de {city} : venez voir nos {product}s en {wood} !",
    "Quelqu'un connaît un bon menuisier à {city} pour un(e) {product} sur mesure ?",
    "Très déçu de {first}, mon {product} en {wood} a gondolé après deux mois.",
    "Le prix du {wood} a encore augmenté de {number} % cette année, les artisans trinquent.",
    "Salon de l'habitat de {city} : {number} exposants, dont trois menuiseries du coin.",
    "Tuto : comment huiler un(e) {product} en {wood} sans laisser de traces.",
    "On recrute un(e) apprenti(e) menuisier à {city}, envoyez vos candidatures !",
    "Merci à {first} pour ce magnifique {product} en {wood}, travail impeccable.",
    "Promo de printemps : -{number} % sur les {product}s en {wood} jusqu'à dimanche.",
    "Le {wood} de France est-il vraiment plus écologique ? Enquête auprès de {number} scieries.",
    "Livraison du {product} à {city} avec trois semaines de retard, aucune nouvelle du SAV.",
]
SEARCH_WORDS = [*PRODUCTS, *WOODS, *CITIES, "menuisier", "atelier", "salon", "promo", "recrute"]


def post_text(rng: random.Random) -> str:
    """One or two sentences: enough combinations that texts rarely repeat (a repeated text
    would flatter any cache)."""
    text = _sentence(rng)
    return f"{text} {_sentence(rng)}" if rng.random() < 0.6 else text


def _sentence(rng: random.Random) -> str:
    return rng.choice(POST_TEMPLATES).format(
        product=rng.choice(PRODUCTS),
        wood=rng.choice(WOODS),
        city=rng.choice(CITIES),
        number=rng.randint(2, 99),
        first=rng.choice(FIRST_NAMES),
    )


@dataclass
class World:
    user: Any
    organisation: Any
    competitors: list[Any]
    profiles: list[Any]
    queries: list[Any]
    feeds: list[Any]


def world(slug: str = "bench-watch") -> World:
    """The benchmark's organisation with 5 competitors, 3 profiles each on 3 networks, 5 of its
    own profiles, 10 searches and 20 feeds (created once, reused by a kept database)."""
    from parvis.accounts.models import Organisation, User
    from parvis.accounts.services import organisation_create
    from parvis.watch.models import Competitor, Feed, WatchedProfile, WatchQuery

    user = User.objects.filter(email=f"{slug}@example.invalid").first()
    if user is None:
        user = User.objects.create_user(f"{slug}@example.invalid", None, full_name="Bench")
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = organisation_create(name="Bench Veille", owner=user)
        Organisation.objects.filter(pk=organisation.pk).update(slug=slug)
        organisation.refresh_from_db()
    owned: dict[str, Any] = {"organisation": organisation}
    competitors = [
        Competitor.objects.get_or_create(**owned, name=f"Menuiserie {city}")[0]
        for city in CITIES[:5]
    ]
    profiles = []
    for index, competitor in enumerate([*competitors, None]):
        for network in NETWORKS[:3]:
            handle = f"rival{index}-{network}"
            profiles.append(
                WatchedProfile.objects.get_or_create(
                    **owned,
                    network=network,
                    remote_id=handle,
                    defaults={"handle": handle, "competitor": competitor},
                )[0]
            )
    queries = [
        WatchQuery.objects.get_or_create(**owned, all_words=word)[0]
        for word in ["menuisier", "escalier chêne", "parquet", "atelier", "pergola", *WOODS[:5]]
    ]
    feeds = [
        Feed.objects.get_or_create(
            **owned,
            url=f"https://presse-{n}.example/flux.xml",
            defaults={"competitor": competitors[n] if n < len(competitors) else None},
        )[0]
        for n in range(20)
    ]
    return World(user, organisation, competitors, profiles, queries, feeds)


def found_batches(
    bench: World, count: int, batch: int, rng: random.Random, stamp: int
) -> list[list[Any]]:
    """``count`` distinct posts and articles in batches of ``batch`` (one collection cycle's
    store), with one in ten found a second time by a search, as a cycle finds them."""
    from parvis.watch.ingest import Found

    now = datetime.now(UTC)
    batches: list[list[Any]] = []
    for start in range(0, count, batch):
        rows: list[Found] = []
        for n in range(start, min(count, start + batch)):
            web = rng.random() < 0.2
            source = rng.choice(bench.feeds if web else bench.profiles)
            network = "web" if web else source.network
            remote_id = f"bench-{stamp}-{n}"
            row = Found(
                source=source,
                network=network,
                remote_id=remote_id,
                url=f"https://presse.example/{stamp}/{n}" if web else "",
                title=f"Article {n}" if web else "",
                text=post_text(rng),
                published_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
                author_id=f"author-{rng.randint(1, 5000)}",
                author_handle=f"auteur{rng.randint(1, 5000)}",
                author_name=rng.choice(FIRST_NAMES),
                counters={"like_count": rng.randint(0, 300), "reply_count": rng.randint(0, 20)},
            )
            rows.append(row)
            if not web and rng.random() < 0.1:
                rows.append(replace(row, source=rng.choice(bench.queries)))  # same post
        batches.append(rows)
    return batches


SENTIMENTS = ["negative", "neutral", "neutral", "positive", "positive"]
INTENTS = ["other", "question", "praise", "complaint", "purchase_intent"]
FILL_CHUNK = 20_000  # rows per transaction: big enough for speed, small enough for memory


def fill(bench: World, target: int, rng: random.Random, *, progress: bool = False) -> int:
    """Insert items (and one source link each) with plain ``INSERT``s until the organisation
    holds ``target``: the bulk of a big store, not timed as ingestion (no classification; the
    sentiment and intents are drawn at random). The full-text index follows (SQLite triggers,
    PostgreSQL's generated column)."""
    import json
    import sys

    from django.db import connection, transaction

    from parvis.watch.models import Item, ItemSource

    have = Item.objects.filter(organisation=bench.organisation).count()
    item_columns, item_defaults = _columns(Item)
    link_columns, link_defaults = _columns(ItemSource)
    now = datetime.now(UTC)
    run = f"{rng.getrandbits(32):08x}"  # a run's own keys, whatever an earlier run left
    serial = 0
    item_sql = _insert_sql(Item._meta.db_table, item_columns)
    link_sql = _insert_sql(ItemSource._meta.db_table, link_columns)
    quote = connection.ops.quote_name
    item_table = Item._meta.db_table
    while have < target:
        size = min(FILL_CHUNK, target - have)
        rows, sources = [], []
        for _ in range(size):
            serial += 1
            web = rng.random() < 0.2
            source = rng.choice(bench.feeds if web else bench.profiles)
            network = "web" if web else source.network
            intent = rng.choice(INTENTS)
            values = {
                **item_defaults,
                "organisation_id": bench.organisation.pk,
                "network": network,
                "remote_id": f"fill-{run}-{serial}",
                "dedupe_key": f"{network}:fill-{run}-{serial}",
                "url": f"https://presse.example/fill/{run}/{serial}" if web else "",
                "title": f"Article {serial}" if web else "",
                "text": post_text(rng),
                "author_id": f"author-{rng.randint(1, 50_000)}",
                "author_handle": f"auteur{rng.randint(1, 50_000)}",
                "author_name": rng.choice(FIRST_NAMES),
                "published_at": now - timedelta(seconds=rng.randint(0, 86400 * 390)),
                "collected_at": now,
                "counters": json.dumps({"like_count": rng.randint(0, 300)}),
                "language": "fr",
                "sentiment": rng.choice(SENTIMENTS),
                "sentiment_score": round(rng.uniform(-1, 1), 4),
                "intents": json.dumps({intent: round(rng.uniform(0.4, 1), 4)}),
            }
            if connection.vendor == "sqlite":
                values["published_at"] = values["published_at"].isoformat(sep=" ")
                values["collected_at"] = values["collected_at"].isoformat(sep=" ")
            rows.append(tuple(values[c] for c in item_columns))
            sources.append(source)
        with transaction.atomic(), connection.cursor() as cursor:
            # One writer: the rows inserted now are exactly those above the highest id before.
            cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(item_table)}")  # noqa: S608
            before = cursor.fetchone()[0] or 0
            _write(cursor, item_table, item_columns, item_sql, rows)
            new_ids = f"SELECT {quote('id')} FROM {quote(item_table)} WHERE {quote('id')} > %s"  # noqa: S608
            cursor.execute(new_ids + f" ORDER BY {quote('id')}", [before])
            ids = [row[0] for row in cursor.fetchall()]
            links = []
            for item_id, source in zip(ids, sources, strict=True):
                link = {
                    **link_defaults,
                    "organisation_id": bench.organisation.pk,
                    "item_id": item_id,
                }
                link[_link_column(source)] = source.pk
                links.append(tuple(link[c] for c in link_columns))
            _write(cursor, ItemSource._meta.db_table, link_columns, link_sql, links)
        have += size
        if progress:
            print(f"filled {have:,}", file=sys.stderr, flush=True)
    return have


def _columns(model: Any) -> tuple[list[str], dict[str, Any]]:
    """The model's columns but the id, and each one's default as the database stores it (so
    columns added by later migrations get their default without this module knowing them)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        value = f.get_default() if f.has_default() or not f.null else None
        if value is not None and f.get_internal_type() == "JSONField":
            value = __import__("json").dumps(value)
        elif value is not None:
            value = f.get_db_prep_save(value, connection)
        defaults[f.column] = value
    return [f.column for f in fields], defaults


def _insert_sql(table: str, columns: list[str]) -> str:
    from django.db import connection

    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - names only


def _link_column(source: Any) -> str:
    from parvis.watch.models import Feed, WatchedProfile

    if isinstance(source, WatchedProfile):
        return "profile_id"
    return "feed_id" if isinstance(source, Feed) else "query_id"


def _write(
    cursor: Any, table: str, columns: list[str], sql: str, rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows``: with ``COPY`` on PostgreSQL (an ``executemany`` there costs a round trip
    per row), else with the prepared ``INSERT``."""
    from django.db import connection

    if connection.vendor != "postgresql":
        cursor.executemany(sql, rows)
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
