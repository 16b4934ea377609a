"""Closed answer sets of the diagnostic, with their labels in French and English.

The values are the strings stored in the answers (JSON); the labels are what the form shows.
Networks, content categories and objectives come from ``parvis.core.vocabulary``.
"""

from __future__ import annotations

from enum import StrEnum

from parvis.strategy.engine.text import Text


class HeadcountBand(StrEnum):
    MICRO = "0-9"
    SMALL = "10-19"
    MEDIUM_SMALL = "20-49"
    MEDIUM = "50-249"
    LARGE = "250+"


HEADCOUNT_LABELS: dict[HeadcountBand, Text] = {
    HeadcountBand.MICRO: Text("Moins de 10 personnes", "Fewer than 10 people"),
    HeadcountBand.SMALL: Text("De 10 à 19 personnes", "10 to 19 people"),
    HeadcountBand.MEDIUM_SMALL: Text("De 20 à 49 personnes", "20 to 49 people"),
    HeadcountBand.MEDIUM: Text("De 50 à 249 personnes", "50 to 249 people"),
    HeadcountBand.LARGE: Text("250 personnes ou plus", "250 people or more"),
}


class Sector(StrEnum):
    BUILDING_CRAFTS = "building_crafts"
    INDUSTRY = "industry"
    AGRIFOOD = "agrifood"
    RETAIL = "retail"
    HOSPITALITY = "hospitality"
    BUSINESS_SERVICES = "business_services"
    PERSONAL_SERVICES = "personal_services"
    HEALTH = "health"
    OTHER = "other"


SECTOR_LABELS: dict[Sector, Text] = {
    Sector.BUILDING_CRAFTS: Text("Menuiserie, artisanat du bâtiment", "Joinery, building crafts"),
    Sector.INDUSTRY: Text("Industrie, sous-traitance", "Manufacturing, subcontracting"),
    Sector.AGRIFOOD: Text("Agroalimentaire", "Food and drink"),
    Sector.RETAIL: Text("Commerce de détail", "Retail"),
    Sector.HOSPITALITY: Text(
        "Hôtellerie, restauration, tourisme, loisirs", "Hotels, restaurants, tourism, leisure"
    ),
    Sector.BUSINESS_SERVICES: Text(
        "Services aux entreprises, conseil, numérique", "Business services, consulting, digital"
    ),
    Sector.PERSONAL_SERVICES: Text("Services aux particuliers", "Services to individuals"),
    Sector.HEALTH: Text("Santé, bien-être", "Health, well-being"),
    Sector.OTHER: Text("Autre secteur", "Another sector"),
}


class Website(StrEnum):
    NONE = "none"
    SHOWCASE = "showcase"
    ONLINE_SALES = "online_sales"


WEBSITE_LABELS: dict[Website, Text] = {
    Website.NONE: Text("Pas de site web", "No website"),
    Website.SHOWCASE: Text("Un site vitrine", "A showcase website"),
    Website.ONLINE_SALES: Text(
        "Un site qui vend ou prend des commandes en ligne",
        "A website that sells or takes orders online",
    ),
}


class AccountActivity(StrEnum):
    """How a company uses one network today (one row of the per-network grid)."""

    NO_ACCOUNT = "none"
    DORMANT = "dormant"
    OCCASIONAL = "occasional"
    WEEKLY = "weekly"
    SEVERAL_PER_WEEK = "several_per_week"


ACCOUNT_ACTIVITY_LABELS: dict[AccountActivity, Text] = {
    AccountActivity.NO_ACCOUNT: Text("Pas de compte", "No account"),
    AccountActivity.DORMANT: Text(
        "Un compte, rien publié depuis 3 mois", "An account, nothing posted for 3 months"
    ),
    AccountActivity.OCCASIONAL: Text("Quelques publications par mois", "A few posts a month"),
    AccountActivity.WEEKLY: Text("Environ une publication par semaine", "About one post a week"),
    AccountActivity.SEVERAL_PER_WEEK: Text(
        "Plusieurs publications par semaine", "Several posts a week"
    ),
}

ACCOUNT_EXISTS = frozenset(set(AccountActivity) - {AccountActivity.NO_ACCOUNT})
ACCOUNT_ALIVE = frozenset(
    {AccountActivity.OCCASIONAL, AccountActivity.WEEKLY, AccountActivity.SEVERAL_PER_WEEK}
)


class SelfActivity(StrEnum):
    """The company's own rating of its activity (the study's activity axis)."""

    INACTIVE = "inactive"
    LOW = "low"
    ACTIVE = "active"
    VERY_ACTIVE = "very_active"


SELF_ACTIVITY_LABELS: dict[SelfActivity, Text] = {
    SelfActivity.INACTIVE: Text("Inactive", "Inactive"),
    SelfActivity.LOW: Text("Peu active", "Not very active"),
    SelfActivity.ACTIVE: Text("Active", "Active"),
    SelfActivity.VERY_ACTIVE: Text("Très active", "Very active"),
}


class Tempo(StrEnum):
    """How the company feels it stands against its competitors (the study's tempo axis)."""

    LATE = "late"
    ON_TIME = "on_time"
    AHEAD = "ahead"


TEMPO_LABELS: dict[Tempo, Text] = {
    Tempo.LATE: Text("En retard", "Behind"),
    Tempo.ON_TIME: Text("À l’heure", "On time"),
    Tempo.AHEAD: Text("En avance", "Ahead"),
}


class Publisher(StrEnum):
    LEADER = "leader"
    MARKETING_TEAM = "marketing_team"
    OTHER_STAFF = "other_staff"
    AGENCY = "agency"
    NOBODY = "nobody"


PUBLISHER_LABELS: dict[Publisher, Text] = {
    Publisher.LEADER: Text("Le dirigeant ou la dirigeante", "The business leader"),
    Publisher.MARKETING_TEAM: Text(
        "Une personne ou une équipe marketing, communication",
        "A marketing or communication person or team",
    ),
    Publisher.OTHER_STAFF: Text(
        "D’autres salariés, quand ils ont le temps", "Other employees, when they have time"
    ),
    Publisher.AGENCY: Text("Une agence ou un prestataire", "An agency or a contractor"),
    Publisher.NOBODY: Text("Personne pour l’instant", "Nobody for now"),
}


class BudgetBand(StrEnum):
    """Yearly spend on social networks, staff time included (bands of the study, §7.1)."""

    ZERO = "zero"
    UNDER_1K = "under_1k"
    FROM_1K_TO_5K = "1k_5k"
    FROM_5K_TO_10K = "5k_10k"
    FROM_10K = "10k_plus"


BUDGET_LABELS: dict[BudgetBand, Text] = {
    BudgetBand.ZERO: Text("Rien", "Nothing"),
    BudgetBand.UNDER_1K: Text("Moins de 1 000 €", "Less than €1,000"),
    BudgetBand.FROM_1K_TO_5K: Text("De 1 000 à 5 000 €", "€1,000 to €5,000"),
    BudgetBand.FROM_5K_TO_10K: Text("De 5 000 à 10 000 €", "€5,000 to €10,000"),
    BudgetBand.FROM_10K: Text("10 000 € ou plus", "€10,000 or more"),
}


class Measurement(StrEnum):
    NEVER = "never"
    AUDIENCE_ONLY = "audience_only"
    REGULAR_KPIS = "regular_kpis"
    BUSINESS_KPIS = "business_kpis"


MEASUREMENT_LABELS: dict[Measurement, Text] = {
    Measurement.NEVER: Text("Nous ne regardons pas les résultats", "We do not look at the results"),
    Measurement.AUDIENCE_ONLY: Text(
        "Nous regardons parfois les abonnés et les « j’aime »",
        "We sometimes look at followers and likes",
    ),
    Measurement.REGULAR_KPIS: Text(
        "Nous suivons quelques indicateurs chaque mois", "We follow a few indicators every month"
    ),
    Measurement.BUSINESS_KPIS: Text(
        "Nous relions les réseaux à des contacts, ventes ou candidatures",
        "We link social media to leads, sales or job applications",
    ),
}


class ReplyHabit(StrEnum):
    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"
    NO_MESSAGES = "no_messages"


REPLY_HABIT_LABELS: dict[ReplyHabit, Text] = {
    ReplyHabit.ALWAYS: Text("Oui, à chaque fois", "Yes, every time"),
    ReplyHabit.SOMETIMES: Text("Parfois", "Sometimes"),
    ReplyHabit.NEVER: Text("Non, jamais", "No, never"),
    ReplyHabit.NO_MESSAGES: Text("Nous ne recevons pas de messages", "We do not receive messages"),
}


class ResponseDelay(StrEnum):
    WITHIN_HOUR = "within_hour"
    SAME_HALF_DAY = "same_half_day"
    WITHIN_DAY = "within_day"
    SEVERAL_DAYS = "several_days"


RESPONSE_DELAY_LABELS: dict[ResponseDelay, Text] = {
    ResponseDelay.WITHIN_HOUR: Text("Dans l’heure", "Within the hour"),
    ResponseDelay.SAME_HALF_DAY: Text("Dans la demi-journée", "Within half a day"),
    ResponseDelay.WITHIN_DAY: Text("Dans la journée", "Within the day"),
    ResponseDelay.SEVERAL_DAYS: Text("Après plusieurs jours", "After several days"),
}

# Upper bound of each delay band, in hours: what the alignment and scoring compare to goals.
RESPONSE_DELAY_HOURS: dict[ResponseDelay, float] = {
    ResponseDelay.WITHIN_HOUR: 1.0,
    ResponseDelay.SAME_HALF_DAY: 4.0,
    ResponseDelay.WITHIN_DAY: 24.0,
    ResponseDelay.SEVERAL_DAYS: 72.0,
}


class Obstacle(StrEnum):
    TIME = "time"
    SKILLS = "skills"
    NOT_PRIORITY = "not_priority"
    NO_INTEREST = "no_interest"
    COST = "cost"
    DATA_FEARS = "data_fears"
    NONE = "none"


OBSTACLE_LABELS: dict[Obstacle, Text] = {
    Obstacle.TIME: Text("Le manque de temps", "Lack of time"),
    Obstacle.SKILLS: Text("Le manque de compétences", "Lack of skills"),
    Obstacle.NOT_PRIORITY: Text("Ce n’est pas une priorité", "It is not a priority"),
    Obstacle.NO_INTEREST: Text(
        "Je ne vois pas l’intérêt pour mon activité", "I do not see the point for my business"
    ),
    Obstacle.COST: Text("Le coût", "The cost"),
    Obstacle.DATA_FEARS: Text("La crainte pour nos données", "Fears for our data"),
    Obstacle.NONE: Text("Aucun frein particulier", "Nothing in particular"),
}
