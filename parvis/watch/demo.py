"""The demo watch of Menuiserie Martin: two invented competitors, a sector search and a trade
feed, with invented posts classified by the real insight package. Every row is marked demo:
the collector never reads a demo source, and the addresses are under ``.example``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from parvis.accounts.models import Organisation, User
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import (
    WEB,
    Alert,
    Competitor,
    Feed,
    FollowerSnapshot,
    Item,
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
# The company's own account, watched like the others (« Le nôtre »): the benchmark's « Vous ».
OWN_PROFILE = ("bluesky", "menuiserie-martin.example", "Menuiserie Martin", 1210, 1150)
# (profile handle, hours ago, text, counters under the network's own names)
POSTS = [
    (
        "atelierchene.example",
        5,
        "Nouvelle gamme de dressings en chêne massif, livrés et posés en trois semaines. "
        "Devis gratuit jusqu’au 31 décembre\u00a0!",
        {"like_count": 48, "repost_count": 6, "reply_count": 4},
    ),
    (
        "atelierchene.example",
        52,
        "Portes ouvertes à l’atelier samedi 12 décembre\u00a0: "
        "venez voir nos machines, café offert.",
        {"like_count": 21, "repost_count": 3, "reply_count": 2},
    ),
    (
        "atelierchene.example",
        24 * 9,
        "Comment entretenir un parquet en chêne huilé\u00a0: nos trois conseils avant l’hiver.",
        {"like_count": 33, "repost_count": 9, "reply_count": 5},
    ),
    (
        "atelierchene.example",
        24 * 23,
        "Chantier terminé à Cesson-Sévigné\u00a0: une bibliothèque sur mesure du sol au plafond.",
        {"like_count": 57, "repost_count": 4, "reply_count": 7},
    ),
    (
        "atelierchene.example",
        24 * 61,
        "-15\u00a0% sur les portes intérieures en chêne jusqu’à la fin du mois.",
        {"like_count": 12, "repost_count": 1, "reply_count": 0},
    ),
    (
        "atelierchene@mastodon.example",
        30,
        "Nous recrutons un ou une menuisier·e poseur·se en CDI à Rennes. Candidatures par message.",
        {"favourites_count": 9, "reblogs_count": 7, "replies_count": 2},
    ),
    (
        "atelierchene@mastodon.example",
        24 * 16,
        "Retour en images sur notre stand au salon de l’habitat de Rennes.",
        {"favourites_count": 5, "reblogs_count": 1, "replies_count": 0},
    ),
    (
        "escaliers-ouest.example",
        20,
        "Avant / après\u00a0: un escalier quart tournant en frêne pour une longère près de Vannes.",
        {"like_count": 35, "repost_count": 2, "reply_count": 6},
    ),
    (
        "escaliers-ouest.example",
        24 * 12,
        "Pourquoi choisir un limon central\u00a0? Nos explications en schémas.",
        {"like_count": 14, "repost_count": 2, "reply_count": 1},
    ),
    (
        "escaliers-ouest.example",
        24 * 40,
        "Offre d’automne\u00a0: la pose offerte pour tout escalier commandé avant le 15 octobre.",
        {"like_count": 8, "repost_count": 0, "reply_count": 1},
    ),
    (
        "menuiserie-martin.example",
        28,
        "Pose d’une porte d’entrée en chêne à Betton ce matin\u00a0: merci à Julie et Marc "
        "pour leur confiance.",
        {"like_count": 26, "repost_count": 2, "reply_count": 3},
    ),
    (
        "menuiserie-martin.example",
        24 * 6,
        "Vos fenêtres laissent passer l’air\u00a0? Trois signes qu’il est temps de les changer.",
        {"like_count": 18, "repost_count": 5, "reply_count": 2},
    ),
    (
        "menuiserie-martin.example",
        24 * 19,
        "L’atelier sera fermé le 11 novembre. Bonne fin de semaine à tous\u00a0!",
        {"like_count": 7, "repost_count": 0, "reply_count": 1},
    ),
    (
        "menuiserie-martin.example",
        24 * 47,
        "Une cuisine en frêne et plan de travail en chêne, de la maquette à la pose.",
        {"like_count": 41, "repost_count": 6, "reply_count": 8},
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
# Found by the company's own-name search (« Menuiserie Martin »).
OWN_NAME_HITS = [
    (
        "julie-betton.example",
        "Julie",
        20,
        "Porte d’entrée posée par Menuiserie Martin ce matin\u00a0: travail soigné, équipe "
        "ponctuelle, je recommande\u00a0!",
    ),
    (
        "maison-rennes.example",
        "Yann",
        24 * 4,
        "Devis demandé à Menuiserie Martin il y a trois semaines, toujours aucune réponse. "
        "Décevant.",
    ),
    (
        "archi-bzh.example",
        "Atelier Archi BZH",
        24 * 15,
        "Menuiserie Martin a fabriqué les fenêtres de notre dernier chantier à Saint-Malo.",
    ),
]
# Mentions of a competitor by name, found by the sector search.
COMPETITOR_MENTIONS = [
    (
        "lucie-vannes.example",
        "Lucie",
        24 * 3,
        "Très contente de notre escalier en frêne par Escaliers de l’Ouest, pose impeccable.",
    ),
    (
        "renovation35.example",
        "Rénovation 35",
        24 * 26,
        "Escalier en chêne de l’Atelier Chêne & Fils\u00a0: beau travail mais six semaines de "
        "retard sur le planning.",
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


def _snapshots(
    organisation: Organisation, profile: WatchedProfile, followers: int, before: int, now: datetime
) -> None:
    """One snapshot every 5 days for 90 days, on a straight line through the two figures."""
    FollowerSnapshot.objects.bulk_create(
        FollowerSnapshot(
            organisation=organisation,
            profile=profile,
            day=(now - timedelta(days=days)).date(),
            followers=max(0, before + (followers - before) * (30 - days) // 30),
        )
        for days in range(90, -1, -5)
    )


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
        _snapshots(organisation, profile, followers, before, now)
        profiles[handle] = profile
    own_network, own_handle, own_display, own_followers, own_before = OWN_PROFILE
    own = WatchedProfile.objects.create(
        organisation=organisation,
        network=own_network,
        handle=own_handle,
        remote_id=f"demo-{own_handle}",
        display_name=own_display,
        followers=own_followers,
        last_checked_at=now,
        last_success_at=now,
        is_demo=True,
    )
    _snapshots(organisation, own, own_followers, own_before, now)
    profiles[own_handle] = own
    own_name = WatchQuery.objects.create(
        organisation=organisation,
        kind=WatchQuery.Kind.OWN_NAME,
        exact_phrase="Menuiserie Martin",
        last_checked_at=now,
        last_success_at=now,
        is_demo=True,
    )
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
            counters=counters,
        )
        for handle, hours, text, counters in POSTS
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
        for handle, name, hours, text in SEARCH_HITS + COMPETITOR_MENTIONS
    ]
    found += [
        Found(
            source=own_name,
            network="bluesky",
            remote_id=f"demo-own-{handle}",
            url="",
            text=text,
            published_at=now - timedelta(hours=hours),
            author_id=f"demo-{handle}",
            author_handle=handle,
            author_name=name,
        )
        for handle, name, hours, text in OWN_NAME_HITS
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
    _alerts(organisation, own_name, profiles["escaliers-ouest.example"], now)


def _alerts(
    organisation: Organisation, own_name: WatchQuery, rival: WatchedProfile, now: datetime
) -> None:
    """Demo alerts drawn from the demo items: two hits on the company's name (one read) and a
    competitor's post above its usual engagement (43 interactions against a median of 13)."""
    items = Item.objects.for_organisation(organisation)
    julie = items.get(dedupe_key="bluesky:demo-own-julie-betton.example")
    yann = items.get(dedupe_key="bluesky:demo-own-maison-rennes.example")
    stairs = items.get(dedupe_key="bluesky:demo-escaliers-ouest.example-20")
    assert rival.competitor is not None
    rows = [
        (Alert.Kind.HIT, julie, own_name, None, 19, None),
        (Alert.Kind.OUTLIER, stairs, None, rival, 18, None),
        (Alert.Kind.HIT, yann, own_name, None, 24 * 4 - 1, now - timedelta(days=3)),
    ]
    for kind, item, query, profile, hours, read_at in rows:
        if profile is not None:
            params = {
                "competitor": rival.competitor.name,
                "network": item.network,
                "handle": profile.handle,
                "engagement": 43,
                "median": 13,
            }
        else:
            params = {
                "phrase": own_name.exact_phrase,
                "network": item.network,
                "author": item.author_name or item.author_handle,
                "title": item.title,
            }
        Alert.objects.create(
            organisation=organisation,
            kind=kind,
            fingerprint=f"{kind}:{item.pk}",
            params=params,
            item=item,
            query=query,
            profile=profile,
            created_at=now - timedelta(hours=hours),
            read_at=read_at,
            # The mailer never e-mails demo alerts; the page shows them with the demo badge.
            is_demo=True,
        )
