"""The demo watch of Menuiserie Martin: two invented competitors, a sector search and a trade
feed, with invented posts classified by the real insight package. Every row is marked demo:
the collector never reads a demo source, and the addresses are under ``.example``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.accounts.models import Organisation, User
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import (
    WEB,
    Competitor,
    Feed,
    FollowerSnapshot,
    WatchedProfile,
    WatchQuery,
)

# (competitor, network, handle, display name, followers today, followers 30 days ago)
PROFILES = [
    ("Atelier Chêne & Fils", "bluesky", "atelierchene.example", "Atelier Chêne & Fils", 1840, 1710),
    (
        "Atelier Chêne & Fils",
        "mastodon",
        "atelierchene@mastodon.example",
        "Atelier Chêne",
        420,
        395,
    ),
    (
        "Escaliers de l’Ouest",
        "bluesky",
        "escaliers-ouest.example",
        "Escaliers de l’Ouest",
        960,
        990,
    ),
]
# (profile handle, hours ago, text, likes)
POSTS = [
    (
        "atelierchene.example",
        5,
        "Nouvelle gamme de dressings en chêne massif, livrés et posés en trois semaines. "
        "Devis gratuit jusqu’au 31 décembre\u00a0!",
        48,
    ),
    (
        "atelierchene.example",
        52,
        "Portes ouvertes à l’atelier samedi 12 décembre\u00a0: "
        "venez voir nos machines, café offert.",
        21,
    ),
    (
        "atelierchene@mastodon.example",
        30,
        "Nous recrutons un ou une menuisier·e poseur·se en CDI à Rennes. Candidatures par message.",
        9,
    ),
    (
        "escaliers-ouest.example",
        20,
        "Avant / après\u00a0: un escalier quart tournant en frêne pour une longère près de Vannes.",
        35,
    ),
]
# (author handle, author name, hours ago, text)
SEARCH_HITS = [
    (
        "claire-renove.example",
        "Claire",
        8,
        "Quelqu’un connaît un bon menuisier pour un escalier en chêne vers Rennes\u00a0? "
        "On cherche un artisan sérieux.",
    ),
    (
        "bricoleur35.example",
        "Paul",
        40,
        "Escalier en chêne posé il y a un an, déjà des marches qui grincent… très déçu.",
    ),
]
FEED_ITEMS = [
    (
        "Prix du chêne\u00a0: nouvelle hausse de 8\u202f% au troisième trimestre",
        "prix-du-chene",
        26,
        "Les scieries annoncent une hausse des tarifs du chêne français\u00a0; "
        "les menuisiers s’inquiètent pour leurs devis.",
    ),
    (
        "MaPrimeRénov’\u00a0: ce qui change pour les fenêtres en 2027",
        "maprimerenov-fenetres",
        75,
        "Le remplacement des menuiseries extérieures reste aidé, sous conditions de ressources.",
    ),
]


def fill(organisation: Organisation, owner: User) -> None:
    now = timezone.now()
    competitors = {
        name: Competitor.objects.create(organisation=organisation, name=name, is_demo=True)
        for name in dict.fromkeys(p[0] for p in PROFILES)
    }
    profiles = {}
    for competitor, network, handle, display, followers, before in PROFILES:
        profile = WatchedProfile.objects.create(
            organisation=organisation,
            network=network,
            handle=handle,
            remote_id=f"demo-{handle}",
            display_name=display,
            followers=followers,
            competitor=competitors[competitor],
            last_checked_at=now,
            last_success_at=now,
            is_demo=True,
        )
        FollowerSnapshot.objects.bulk_create(
            FollowerSnapshot(
                organisation=organisation,
                profile=profile,
                day=(now - timedelta(days=days)).date(),
                followers=before + (followers - before) * (30 - days) // 30,
            )
            for days in (30, 20, 10, 0)
        )
        profiles[handle] = profile
    query = WatchQuery.objects.create(
        organisation=organisation,
        all_words="escalier",
        any_words="chêne frêne",
        last_checked_at=now,
        last_success_at=now,
        is_demo=True,
    )
    feed = Feed.objects.create(
        organisation=organisation,
        url="https://journal-artisan-bois.example/rss",
        title="Le Journal de l’Artisan Bois (démo)",
        site_url="https://journal-artisan-bois.example/",
        last_checked_at=now,
        last_success_at=now,
        is_demo=True,
    )
    found = [
        Found(
            source=profiles[handle],
            network=profiles[handle].network,
            remote_id=f"demo-{handle}-{hours}",
            url="",
            text=text,
            published_at=now - timedelta(hours=hours),
            author_id=profiles[handle].remote_id,
            author_handle=handle,
            author_name=profiles[handle].display_name,
            counters={"like_count": likes},
        )
        for handle, hours, text, likes in POSTS
    ]
    found += [
        Found(
            source=query,
            network="bluesky",
            remote_id=f"demo-search-{handle}",
            url="",
            text=text,
            published_at=now - timedelta(hours=hours),
            author_id=f"demo-{handle}",
            author_handle=handle,
            author_name=name,
        )
        for handle, name, hours, text in SEARCH_HITS
    ]
    found += [
        Found(
            source=feed,
            network=WEB,
            remote_id=f"https://journal-artisan-bois.example/{slug}",
            url=f"https://journal-artisan-bois.example/{slug}",
            title=title,
            text=text,
            published_at=now - timedelta(hours=hours),
        )
        for title, slug, hours, text in FEED_ITEMS
    ]
    items_store(organisation.pk, found, now=now, is_demo=True)
