"""Generate the training set of company posts, one content category each.

Run ``parvis insight generate-posts`` (or ``python -m training.insight.generate_posts``) from a
source checkout to rewrite ``training/insight/data/posts_train.tsv`` (deterministic for a
seed). Categories are the :class:`parvis.core.vocabulary.ContentCategory` values; templates
were written for Parvis by the project. Hand-written posts live in ``data/posts_extra.tsv``.
"""

# ruff: noqa: E501  (the templates are whole sentences; cutting them would hurt reading)

from __future__ import annotations

import argparse
import random
from pathlib import Path

from parvis.insight.text import fold
from training.insight import lexicon as lx
from training.insight.generate import _capitalise, _slots, _strip_accents

DATA_DIR = Path(__file__).resolve().parent / "data"
OUTPUT = DATA_DIR / "posts_train.tsv"
SEED = 20261127
PER_CATEGORY = 160

POSTS: dict[str, tuple[str, ...]] = {
    "customer_story": (
        "« {quote} » : merci à {name} pour ce retour après {service} à {city} !",
        "Retour d'expérience : {name}, client depuis 3 ans, nous raconte comment {item} a changé son quotidien.",
        "Témoignage : la maison {name} à {city} nous a confié {service}. Résultat en photos 👇",
        "Ils nous font confiance : découvrez le projet de {name}, {item} réalisé en {month}.",
        "Cas client : comment une PME de {city} a gagné 5 heures par semaine avec {item}.",
        "Merci {name} pour ces jolis mots ! Voir nos clients heureux, c'est notre plus belle récompense.",
        "Avant / après chez {name} à {city} : {item}, un chantier dont on est fiers (et eux aussi 😉).",
        "« {quote} » Ce retour de {name} nous va droit au cœur.",
        "Success story : {name} a choisi {item} pour son entreprise. Il nous explique pourquoi.",
        "Customer story: how {name}'s team in {city} saved hours every week with our tools.",
        "Nos clients en parlent mieux que nous : l'avis de {name} sur {service}.",
    ),
    "expertise": (
        "3 conseils pour bien choisir {item} : matière, entretien, budget. On vous explique 👇",
        "Le saviez-vous ? {tip}",
        "Tuto : comment entretenir {item} pour qu'il dure 20 ans.",
        "Les erreurs à éviter avant de lancer {service}. Notre fiche pratique.",
        "Question fréquente : faut-il {choice} ? Notre réponse d'expert.",
        "Petit guide : {n} points à vérifier avant de signer un devis pour {service}.",
        "Conseil du {day} : {tip}",
        "Décryptage : ce que change la nouvelle norme pour {service}.",
        "Pro tip: {tip_en}",
        "Comment reconnaître un {item} de qualité ? Nos artisans partagent leurs astuces.",
        "Fiche technique : tout comprendre sur {item} en 2 minutes.",
    ),
    "behind_the_scenes": (
        "Dans les coulisses de l'atelier : {name} prépare {item} depuis 6h ce matin ☕",
        "Un jour avec notre équipe : de la commande à la livraison, on vous montre tout.",
        "Petite visite de l'atelier en vidéo 🎥 Vous voyez la machine au fond ? Elle a 40 ans !",
        "Ce matin, réunion d'équipe autour des croissants 🥐 c'est comme ça qu'on commence la semaine.",
        "Making-of de notre dernière réalisation : {n} heures de travail, et beaucoup de café.",
        "Découvrez les mains qui fabriquent {item} : voici {name}, chez nous depuis 12 ans.",
        "Les coulisses du shooting pour la nouvelle collection, entre fous rires et tasses de thé.",
        "Rangement de printemps à l'entrepôt, on a retrouvé des trésors 😅",
        "Behind the scenes at the workshop: {name} getting {item_en} ready for delivery.",
        "Portrait d'équipe : {name}, {role}, nous parle de son métier.",
        "Premier jour pour notre nouvelle recrue {name}, bienvenue dans l'équipe !",
    ),
    "offer": (
        "Nouveau : {item} est disponible en boutique et en ligne ! 🎉",
        "Offre de printemps : -20 % sur {item} jusqu'au {n} {month}.",
        "Découvrez notre nouvelle gamme : {item}, fabriqué à {city}.",
        "Commandez dès maintenant {item} pour les fêtes, livraison offerte dès 50 €.",
        "Notre formule {service} est de retour, réservez votre créneau 👉 lien en bio",
        "Promo flash ce week-end : {item} à prix doux, dans la limite des stocks.",
        "Vous cherchez {item} ? Nous l'avons en stock, venez le découvrir en magasin.",
        "La nouvelle version de notre logiciel est en ligne : plus rapide, plus simple. Essai gratuit 14 jours.",
        "Now available: {item_en}, handmade in {city}. Order online today!",
        "Pensez à réserver {service} pour la saison, les places partent vite !",
        "Le menu de {month} est arrivé : à découvrir dès {day} midi.",
    ),
    "job_offer": (
        "On recrute ! Nous cherchons un(e) {role} en CDI à {city}. Envoyez votre CV à jobs@exemple.fr",
        "Offre d'alternance : rejoignez-nous comme {role} à la rentrée de septembre.",
        "Vous êtes {role} et vous aimez le travail bien fait ? Notre équipe s'agrandit, postulez !",
        "Nous recrutons pour la saison : {role}, temps plein, logement possible.",
        "Stage de 6 mois à pourvoir : {role}, à {city}, dès {month}.",
        "Envie de nous rejoindre ? Poste de {role} ouvert, candidatures jusqu'au {n} {month}.",
        "#recrutement Nous cherchons notre futur(e) {role} ! Détails et candidature en commentaire.",
        "We're hiring a {role_en} in {city}! Apply via the link in bio.",
        "Job dating le {day} {n} {month} à l'atelier : venez rencontrer l'équipe, CV bienvenus.",
        "Apprenti(e) {role} recherché(e) pour la rentrée, formation assurée par nos compagnons.",
    ),
    "event": (
        "Rendez-vous au salon de {city} du {n} au {n2} {month}, stand B12 !",
        "Portes ouvertes samedi {n} {month} : visite de l'atelier et démonstrations toute la journée.",
        "Webinaire gratuit le {day} {n} {month} à 11h : {service}, inscription en bio.",
        "Ce {day}, dégustation en boutique de 16h à 19h, venez nombreux !",
        "Nous serons présents au marché de Noël de {city} du {n} au {n2} décembre.",
        "Atelier découverte le {n} {month} : places limitées, réservez vite.",
        "Save the date 📅 notre soirée anniversaire aura lieu le {n} {month}.",
        "Join us at the {city} trade fair on {month_en} {n}, booth 24!",
        "Conférence le {day} soir à la CCI de {city} : nous interviendrons sur {service}.",
        "Live Instagram {day} à 18h : on répond à toutes vos questions sur {item}.",
    ),
    "company_news": (
        "Grande nouvelle : nous ouvrons une deuxième boutique à {city} en {month} !",
        "Nous fêtons nos 20 ans cette année, merci à tous ceux qui nous accompagnent depuis le début.",
        "Fiers d'avoir obtenu la certification {label} pour notre atelier.",
        "Notre entreprise déménage : à partir du {n} {month}, retrouvez-nous zone des Landes à {city}.",
        "Nous sommes lauréats du prix de l'artisanat de {city}, toute l'équipe est ravie 🏆",
        "Nouveau site internet en ligne ! Plus clair, plus rapide, à découvrir.",
        "Cette année, nous avons planté 500 arbres et réduit nos déchets de 30 %. Notre bilan RSE est en ligne.",
        "Bienvenue à {name}, notre nouvelle directrice commerciale !",
        "Fermeture exceptionnelle le {day} {n} {month} pour inventaire.",
        "Big news: we're opening a new workshop in {city} this {month_en}!",
        "Nous rejoignons le réseau des entreprises du patrimoine vivant, une belle reconnaissance.",
    ),
    "industry_news": (
        "Hausse du prix des matières premières : ce que ça change pour {service} en {year}.",
        "Nouvelle réglementation sur {topic} au 1er janvier : ce qu'il faut savoir.",
        "Selon une étude de l'INSEE, le secteur a recruté 12 % de plus l'an dernier.",
        "MaPrimeRénov' évolue encore : les montants {year} sont publiés.",
        "Le marché de {topic} progresse de 8 % en France, porté par les PME.",
        "La pénurie de main-d'œuvre touche tout le secteur : 4 entreprises sur 10 peinent à recruter.",
        "Les chiffres du commerce en ligne en France pour {year} viennent de sortir.",
        "Industry update: new EU rules on {topic_en} will apply from next year.",
        "Article à lire : comment l'IA transforme {topic} dans les petites entreprises.",
        "La filière {topic} se mobilise face à la hausse des coûts de l'énergie.",
        "Le salon international de {topic} a annoncé ses dates pour {year}.",
    ),
    "other": (
        "Bon week-end à tous ! ☀️",
        "Joyeux Noël et bonnes fêtes de fin d'année 🎄",
        "Quel est votre plat préféré ? Dites-le nous en commentaire 👇",
        "Bonne fête à toutes les mamans 💐",
        "Petite pensée pour tous ceux qui reprennent le travail ce lundi 😅",
        "Il fait beau, on en profite ! Et vous, vous faites quoi ce week-end ?",
        "Happy new year to all our followers! 🎉",
        "Bonne rentrée à tous les écoliers !",
        "Sondage : plutôt café ou thé le matin ?",
        "Un petit mot pour vous souhaiter une belle semaine.",
        "Le printemps est là 🌸",
    ),
}

QUOTES = (
    "Un travail soigné et une équipe à l'écoute",
    "On a adoré le résultat",
    "Je recommande sans hésiter",
    "Délais tenus, rien à redire",
    "Un vrai coup de cœur",
)
TIPS = (
    "le bois massif se patine avec le temps, il ne faut pas le vernir trop tôt.",
    "une chaudière entretenue consomme jusqu'à 12 % de moins.",
    "la pâte à pain repose mieux au frais toute une nuit.",
    "un pneu sous-gonflé augmente la consommation de carburant.",
    "une crème s'applique sur peau légèrement humide pour mieux pénétrer.",
    "sauvegarder ses données chaque semaine évite bien des sueurs froides.",
)
TIPS_EN = (
    "oil your wooden worktop twice a year to keep it waterproof.",
    "check your tyre pressure once a month.",
)
CHOICES = (
    "isoler par l'intérieur ou par l'extérieur",
    "choisir le chêne ou le hêtre",
    "louer ou acheter son matériel",
    "passer au logiciel en ligne",
)
LABELS = ("Qualibat RGE", "ISO 9001", "Ecocert", "Qualiopi", "B Corp")
TOPICS = (
    "la rénovation énergétique",
    "l'emballage",
    "la boulangerie artisanale",
    "la cybersécurité",
    "le bâtiment",
    "la cosmétique bio",
    "la logistique",
)
TOPICS_EN = ("packaging waste", "energy efficiency", "e-invoicing")
MONTHS_EN = ("March", "April", "June", "September", "October")


def generate(seed: int = SEED, per_category: int = PER_CATEGORY) -> list[tuple[str, str]]:
    """Return ``(text, category)`` rows, deduplicated, in a seed-determined order."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for category, templates in POSTS.items():
        produced = attempts = 0
        while produced < per_category and attempts < per_category * 20:
            attempts += 1
            slots = _slots(rng)
            sector = rng.choice(lx.SECTORS)
            slots.update(
                quote=rng.choice(QUOTES),
                tip=rng.choice(TIPS),
                tip_en=rng.choice(TIPS_EN),
                choice=rng.choice(CHOICES),
                label=rng.choice(LABELS),
                topic=rng.choice(TOPICS),
                topic_en=rng.choice(TOPICS_EN),
                month_en=rng.choice(MONTHS_EN),
                year=str(rng.choice((2025, 2026, 2027))),
                n2=str(rng.randint(16, 28)),
                item_en=rng.choice(sector.en_items),
                role_en=rng.choice(sector.en_roles),
            )
            text = rng.choice(templates).format(**slots)
            if rng.random() < 0.1:
                text = _strip_accents(text)
            text = _capitalise(text)
            if fold(text) in seen:
                continue
            seen.add(fold(text))
            rows.append((text, category))
            produced += 1
    rng.shuffle(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the insight training posts.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = generate(args.seed)
    with args.output.open("w", encoding="utf-8") as stream:
        stream.write("# Generated by training/insight/generate_posts.py.\n")
        stream.write("text\tcategory\n")
        stream.writelines(f"{text}\t{category}\n" for text, category in rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
