"""Slot values for the message and post generators: sectors, items, places, names.

Everything here was written for Parvis by the project; no third-party corpus is copied.
Each sector lists what a French PME of that trade sells, what goes wrong, and whom it hires,
so generated messages stay coherent ("la vidange de ma Clio", not "la vidange du croissant").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sector:
    """What one trade sells, the problems its customers meet and the jobs it offers."""

    name: str
    items: tuple[str, ...]  # French noun phrases with article: "un escalier en chêne"
    things: tuple[str, ...]  # French possessive noun phrases: "mon escalier", "ma commande"
    services: tuple[str, ...]  # French service phrases: "la pose", "une révision"
    problems: tuple[str, ...]  # French problem phrases, past tense: "est arrivé rayé"
    roles: tuple[str, ...]  # French job titles: "menuisier poseur"
    en_items: tuple[str, ...]
    en_problems: tuple[str, ...]
    en_roles: tuple[str, ...]
    units: tuple[str, ...]  # for sized needs: "mètres linéaires", "personnes"


SECTORS: tuple[Sector, ...] = (
    Sector(
        "menuiserie",
        (
            "un escalier en chêne",
            "une cuisine sur mesure",
            "un dressing",
            "des volets bois",
            "une porte d'entrée",
            "une bibliothèque murale",
            "une terrasse en pin",
        ),
        ("mon escalier", "mon dressing", "ma porte", "ma terrasse", "ma cuisine"),
        ("la pose", "un métré", "la fabrication", "la rénovation d'un parquet"),
        (
            "est arrivé avec une rayure sur toute la longueur",
            "ne ferme plus correctement",
            "a gondolé après deux mois",
            "a été posé de travers",
        ),
        ("menuisier poseur", "apprenti ébéniste", "menuisier d'atelier"),
        ("a custom oak staircase", "a fitted kitchen", "wooden shutters", "a walk-in wardrobe"),
        ("the door won't close properly", "the wood started warping after a month"),
        ("carpenter", "joinery apprentice"),
        ("mètres linéaires", "m²", "fenêtres", "portes"),
    ),
    Sector(
        "boulangerie",
        (
            "une pièce montée",
            "un gâteau d'anniversaire",
            "des viennoiseries pour un séminaire",
            "un plateau de mignardises",
            "des baguettes tradition",
            "une bûche de Noël",
        ),
        ("mon gâteau", "ma commande", "ma bûche", "mon pain"),
        ("la livraison", "une commande spéciale", "un buffet"),
        (
            "était sec et rassis",
            "n'était pas prêt à l'heure",
            "avait un goût de brûlé",
            "n'était pas celui que j'avais commandé",
        ),
        ("boulanger", "vendeuse", "apprenti pâtissier", "tourier"),
        ("a birthday cake", "pastries for a meeting", "a wedding cake"),
        ("the cake was dry and stale", "my order was not ready on time"),
        ("baker", "shop assistant"),
        ("personnes", "parts", "croissants", "baguettes"),
    ),
    Sector(
        "logiciel",
        (
            "votre logiciel de caisse",
            "l'abonnement Pro",
            "votre outil de planning",
            "la version entreprise",
            "le module de facturation",
            "votre appli mobile",
        ),
        ("mon compte", "mon abonnement", "mon application", "mon export", "mon tableau de bord"),
        ("une démo", "l'intégration API", "la migration de nos données", "une formation"),
        (
            "plante à chaque mise à jour",
            "m'a déconnecté et je ne peux plus me connecter",
            "affiche une erreur 500 depuis ce matin",
            "a perdu toutes mes données de la semaine",
        ),
        ("développeur Python", "commercial SaaS", "chargé de support client", "product owner"),
        ("your POS software", "the Pro plan", "your scheduling tool", "the enterprise plan"),
        (
            "the app keeps crashing since the update",
            "I'm locked out of my account",
            "the export has been broken for a week",
        ),
        ("software developer", "customer success manager", "sales rep"),
        ("utilisateurs", "licences", "postes", "salariés"),
    ),
    Sector(
        "garage",
        (
            "une révision complète",
            "quatre pneus neufs",
            "un contrôle technique",
            "le changement de l'embrayage",
            "une vidange",
            "un pare-brise",
        ),
        ("ma voiture", "ma Clio", "mon véhicule", "ma moto", "ma camionnette"),
        ("une révision", "un diagnostic", "la carrosserie", "un devis réparation"),
        (
            "fait toujours le même bruit après la réparation",
            "a une nouvelle rayure sur la portière",
            "est tombée en panne deux jours après la révision",
            "a été rendue sale",
        ),
        ("mécanicien", "carrossier", "apprenti mécanicien", "réceptionnaire atelier"),
        ("a full service", "four new tyres", "a brake check", "a clutch replacement"),
        ("the car still makes the same noise", "my car broke down two days after the service"),
        ("mechanic", "apprentice mechanic"),
        ("véhicules", "pneus", "utilitaires"),
    ),
    Sector(
        "hôtel",
        (
            "une chambre double",
            "un séjour en demi-pension",
            "la salle de séminaire",
            "un week-end bien-être",
            "la suite avec vue",
            "un forfait spa",
        ),
        ("ma chambre", "ma réservation", "mon séjour", "ma facture"),
        ("un séminaire", "une réservation de groupe", "un mariage", "le petit-déjeuner"),
        (
            "était sale à notre arrivée",
            "sentait le tabac",
            "n'avait pas d'eau chaude",
            "ne correspondait pas du tout aux photos",
        ),
        ("réceptionniste", "femme de chambre", "commis de cuisine", "serveur"),
        ("a double room", "a weekend stay", "the meeting room", "a spa package"),
        ("the room was dirty when we arrived", "there was no hot water"),
        ("receptionist", "housekeeper", "waiter"),
        ("personnes", "chambres", "nuits", "participants"),
    ),
    Sector(
        "e-commerce",
        (
            "la robe fleurie",
            "les baskets blanches",
            "le sac en cuir",
            "le pull en laine",
            "la veste en jean",
            "le coffret cadeau",
        ),
        ("ma commande", "mon colis", "ma robe", "mon retour"),
        ("un échange", "la livraison express", "un retour"),
        (
            "est arrivé déchiré",
            "ne correspond pas à la taille indiquée",
            "a été livré à la mauvaise adresse",
            "a déteint au premier lavage",
        ),
        ("préparateur de commandes", "community manager", "chargée de service client"),
        ("the floral dress", "the white sneakers", "the leather bag", "the wool jumper"),
        (
            "my parcel arrived torn",
            "the size is completely wrong",
            "it was delivered to the wrong address",
        ),
        ("warehouse picker", "community manager"),
        ("pièces", "exemplaires", "unités", "tailles"),
    ),
    Sector(
        "industrie",
        (
            "des pièces usinées en inox",
            "des palettes sur mesure",
            "un lot de cartons imprimés",
            "des profilés aluminium",
            "des joints toriques",
            "des tôles découpées laser",
        ),
        ("ma livraison", "mon lot", "ma commande", "mes pièces"),
        ("la découpe laser", "le pliage", "un prototype", "une série"),
        (
            "sont arrivées hors tolérance",
            "ont été livrées avec trois semaines de retard",
            "étaient rouillées à réception",
            "ne correspondent pas au plan",
        ),
        ("technicien de maintenance", "soudeur", "tourneur-fraiseur", "opérateur CN"),
        ("machined stainless parts", "custom pallets", "laser-cut sheets", "aluminium profiles"),
        ("the parts arrived out of tolerance", "the batch was three weeks late"),
        ("maintenance technician", "welder", "CNC operator"),
        ("pièces", "palettes", "tonnes", "kg"),
    ),
    Sector(
        "restaurant",
        (
            "un repas de groupe",
            "la formule du midi",
            "un menu de fête",
            "un buffet froid",
            "une privatisation de la salle",
            "un brunch",
        ),
        ("mon plat", "ma table", "ma réservation", "mon addition"),
        ("un traiteur", "un repas d'entreprise", "un anniversaire"),
        (
            "était froid quand il est arrivé",
            "nous a rendus malades",
            "était beaucoup trop salé",
            "a mis une heure à arriver",
        ),
        ("serveur", "commis de cuisine", "plongeur", "chef de partie"),
        ("a group dinner", "the lunch menu", "a private room", "a catering buffet"),
        ("the food was cold", "we waited an hour for our meal"),
        ("waiter", "kitchen porter", "line cook"),
        ("personnes", "couverts", "invités"),
    ),
    Sector(
        "cosmétique",
        (
            "la crème de jour bio",
            "le sérum à la vitamine C",
            "le shampoing solide",
            "le coffret découverte",
            "le baume à lèvres",
            "l'huile sèche",
        ),
        ("ma crème", "mon flacon", "ma commande", "mon coffret"),
        ("un conseil peau", "une commande en gros", "un coffret personnalisé"),
        (
            "m'a donné des plaques rouges",
            "est arrivé avec le couvercle cassé",
            "n'a plus la même odeur",
            "a coulé dans tout le colis",
        ),
        ("conseillère de vente", "esthéticienne", "préparateur de commandes"),
        ("the vitamin C serum", "the organic day cream", "the solid shampoo"),
        ("it gave me a rash", "the bottle leaked everywhere"),
        ("beauty advisor", "beautician"),
        ("flacons", "coffrets", "unités"),
    ),
    Sector(
        "bâtiment",
        (
            "une extension de 30 m²",
            "la rénovation d'une salle de bain",
            "une isolation des combles",
            "une toiture",
            "un ravalement de façade",
            "une pompe à chaleur",
        ),
        ("mon chantier", "ma toiture", "ma salle de bain", "ma facture"),
        ("un devis travaux", "une visite technique", "une rénovation énergétique"),
        (
            "fuit depuis les travaux",
            "n'est toujours pas terminé après quatre mois",
            "a été laissé plein de gravats",
            "présente des fissures",
        ),
        ("maçon", "plombier chauffagiste", "électricien", "conducteur de travaux"),
        ("a 30 m² extension", "a bathroom renovation", "loft insulation", "a heat pump"),
        ("the roof has been leaking since the works", "the site is still not finished"),
        ("electrician", "plumber", "site manager"),
        ("m²", "logements", "mètres linéaires"),
    ),
    Sector(
        "formation",
        (
            "la formation Excel",
            "un stage de management",
            "la formation SST",
            "un atelier réseaux sociaux",
            "la certification Qualiopi",
        ),
        ("ma session", "ma formation", "mon inscription", "mon attestation"),
        ("une session intra-entreprise", "un financement OPCO", "un accompagnement"),
        (
            "a été annulée la veille sans explication",
            "n'était pas du tout au niveau annoncé",
            "ne m'a jamais envoyé l'attestation",
            "était animée par quelqu'un qui lisait ses slides",
        ),
        ("formateur", "assistante de formation", "chargé de développement commercial"),
        ("the Excel course", "a management workshop", "the first aid training"),
        ("the session was cancelled the day before", "I never got my certificate"),
        ("trainer", "training coordinator"),
        ("personnes", "stagiaires", "salariés", "sessions"),
    ),
    Sector(
        "fleuriste",
        (
            "un bouquet de mariée",
            "des compositions pour un mariage",
            "un abonnement floral",
            "une couronne de deuil",
            "des plantes pour nos bureaux",
        ),
        ("mon bouquet", "ma livraison", "ma composition"),
        ("la livraison de fleurs", "la décoration florale", "un abonnement"),
        (
            "était fané le lendemain",
            "a été livré en retard pour l'enterrement",
            "ne ressemblait pas du tout à la photo",
        ),
        ("fleuriste", "apprentie fleuriste", "livreur"),
        ("a bridal bouquet", "flowers for our office", "a funeral wreath"),
        ("the flowers were wilted the next day", "the bouquet looked nothing like the photo"),
        ("florist", "delivery driver"),
        ("bouquets", "tables", "centres de table"),
    ),
)

CITIES = (
    "Rennes",
    "Lyon",
    "Nantes",
    "Lille",
    "Bordeaux",
    "Toulouse",
    "Strasbourg",
    "Limoges",
    "Angers",
    "Brest",
    "Dijon",
    "Grenoble",
    "Annecy",
    "Niort",
    "Quimper",
    "Tours",
    "Clermont",
    "Caen",
    "Metz",
    "Pau",
    "Marseille",
    "Nancy",
    "Vannes",
    "Colmar",
)
FIRST_NAMES = (
    "Karim",
    "Julie",
    "Sophie",
    "Thomas",
    "Nadia",
    "Marc",
    "Léa",
    "Yannick",
    "Inès",
    "Paul",
    "Camille",
    "Mehdi",
    "Chloé",
    "Hugo",
    "Fatou",
    "Antoine",
    "Élodie",
    "Sami",
)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EN_DAYS = ("Monday", "Tuesday", "Friday", "Saturday", "Sunday")
MONTHS = ("janvier", "mars", "avril", "mai", "juin", "septembre", "octobre", "décembre")
DELAYS = ("deux semaines", "trois semaines", "un mois", "dix jours", "six semaines", "5 jours")
EN_DELAYS = ("two weeks", "three weeks", "a month", "ten days")
POSITIVE_EMOJI = ("😍", "👍", "🙏", "❤️", "👏", "😊", "🥰", "💯", "✨", "🔥", "🤩")
NEGATIVE_EMOJI = ("😡", "😤", "🙄", "😞", "👎", "😠", "🤬", "😩", "💔")
NEUTRAL_EMOJI = ("🤔", "👀", "🙂", "📦", "📅")
