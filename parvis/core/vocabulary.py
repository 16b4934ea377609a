"""Words every part of Parvis shares: networks, content categories, objectives.

Kept here, free of Django, so that pure packages (``parvis.insight``, the strategy engine,
the connectors) and the Django apps name things the same way. Labels are written here in
French (the default) and in English; ``label`` picks one for a language code.
"""

from __future__ import annotations

from enum import StrEnum


class Network(StrEnum):
    """The networks Parvis connects to (the registry in ``parvis.networks`` maps each to code)."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    X = "x"
    YOUTUBE = "youtube"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"


NETWORK_LABELS: dict[Network, str] = {
    Network.FACEBOOK: "Facebook",
    Network.INSTAGRAM: "Instagram",
    Network.LINKEDIN: "LinkedIn",
    Network.X: "X",
    Network.YOUTUBE: "YouTube",
    Network.BLUESKY: "Bluesky",
    Network.MASTODON: "Mastodon",
}


class ContentCategory(StrEnum):
    """What a company's own post is about; the alignment score compares the mix to the plan."""

    CUSTOMER_STORY = "customer_story"
    EXPERTISE = "expertise"
    BEHIND_THE_SCENES = "behind_the_scenes"
    OFFER = "offer"
    JOB_OFFER = "job_offer"
    EVENT = "event"
    COMPANY_NEWS = "company_news"
    INDUSTRY_NEWS = "industry_news"
    OTHER = "other"


CONTENT_CATEGORY_LABELS: dict[ContentCategory, str] = {
    ContentCategory.CUSTOMER_STORY: "Témoignage client",
    ContentCategory.EXPERTISE: "Expertise, conseils",
    ContentCategory.BEHIND_THE_SCENES: "Coulisses",
    ContentCategory.OFFER: "Offre, produit",
    ContentCategory.JOB_OFFER: "Offre d’emploi",
    ContentCategory.EVENT: "Événement",
    ContentCategory.COMPANY_NEWS: "Actualité de l’entreprise",
    ContentCategory.INDUSTRY_NEWS: "Actualité du secteur",
    ContentCategory.OTHER: "Autre",
}

CONTENT_CATEGORY_LABELS_EN: dict[ContentCategory, str] = {
    ContentCategory.CUSTOMER_STORY: "Customer story",
    ContentCategory.EXPERTISE: "Expertise, advice",
    ContentCategory.BEHIND_THE_SCENES: "Behind the scenes",
    ContentCategory.OFFER: "Offer, product",
    ContentCategory.JOB_OFFER: "Job offer",
    ContentCategory.EVENT: "Event",
    ContentCategory.COMPANY_NEWS: "Company news",
    ContentCategory.INDUSTRY_NEWS: "Industry news",
    ContentCategory.OTHER: "Other",
}

# Categories that talk about the company itself: the study found PME publish mostly these
# while saying they want customer relation and watch; the editorial line caps their share.
SELF_CENTRED_CATEGORIES: frozenset[ContentCategory] = frozenset(
    {ContentCategory.COMPANY_NEWS, ContentCategory.BEHIND_THE_SCENES, ContentCategory.OFFER}
)


class Objective(StrEnum):
    """The four priority uses of the Bpifrance study, plus recruitment and community."""

    PROSPECTING = "prospecting"
    CUSTOMER_RELATION = "customer_relation"
    VISIBILITY = "visibility"
    WATCH = "watch"
    RECRUITMENT = "recruitment"
    COMMUNITY = "community"


OBJECTIVE_LABELS: dict[Objective, str] = {
    Objective.PROSPECTING: "Prospecter et vendre",
    Objective.CUSTOMER_RELATION: "Relation client",
    Objective.VISIBILITY: "Visibilité et notoriété",
    Objective.WATCH: "Veille sectorielle et concurrentielle",
    Objective.RECRUITMENT: "Recrutement, marque employeur",
    Objective.COMMUNITY: "Animer une communauté",
}
OBJECTIVE_LABELS_EN: dict[Objective, str] = {
    Objective.PROSPECTING: "Prospecting and selling",
    Objective.CUSTOMER_RELATION: "Customer relations",
    Objective.VISIBILITY: "Visibility and awareness",
    Objective.WATCH: "Industry and competitor watch",
    Objective.RECRUITMENT: "Recruitment, employer brand",
    Objective.COMMUNITY: "Building a community",
}


def category_label(category: ContentCategory, language: str | None) -> str:
    """The category's label in ``language`` (a language code; French unless English)."""
    if language and language.startswith("en"):
        return CONTENT_CATEGORY_LABELS_EN[category]
    return CONTENT_CATEGORY_LABELS[category]


class Intent(StrEnum):
    """What an inbound message asks of the company (labels of ``shared/data/inbox_dev.tsv``)."""

    QUESTION = "question"
    COMPLAINT = "complaint"
    PURCHASE_INTENT = "purchase_intent"
    JOB_APPLICATION = "job_application"
    PRAISE = "praise"
    SPAM = "spam"
    OTHER = "other"


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"
