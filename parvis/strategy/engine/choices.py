"""Closed answer sets of the diagnostic, with their French labels.

The values are the strings stored in the answers (JSON); the labels are what the form shows.
Networks, content categories and objectives come from ``parvis.core.vocabulary``.
"""

from __future__ import annotations

from enum import StrEnum


class HeadcountBand(StrEnum):
    MICRO = "0-9"
    SMALL = "10-19"
    MEDIUM_SMALL = "20-49"
    MEDIUM = "50-249"
    LARGE = "250+"


HEADCOUNT_LABELS: dict[HeadcountBand, str] = {
    HeadcountBand.MICRO: "Moins de 10 personnes",
    HeadcountBand.SMALL: "De 10 à 19 personnes",
    HeadcountBand.MEDIUM_SMALL: "De 20 à 49 personnes",
    HeadcountBand.MEDIUM: "De 50 à 249 personnes",
    HeadcountBand.LARGE: "250 personnes ou plus",
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


SECTOR_LABELS: dict[Sector, str] = {
    Sector.BUILDING_CRAFTS: "Menuiserie, artisanat du bâtiment",
    Sector.INDUSTRY: "Industrie, sous-traitance",
    Sector.AGRIFOOD: "Agroalimentaire",
    Sector.RETAIL: "Commerce de détail",
    Sector.HOSPITALITY: "Hôtellerie, restauration, tourisme, loisirs",
    Sector.BUSINESS_SERVICES: "Services aux entreprises, conseil, numérique",
    Sector.PERSONAL_SERVICES: "Services aux particuliers",
    Sector.HEALTH: "Santé, bien-être",
    Sector.OTHER: "Autre secteur",
}


class Website(StrEnum):
    NONE = "none"
    SHOWCASE = "showcase"
    ONLINE_SALES = "online_sales"


WEBSITE_LABELS: dict[Website, str] = {
    Website.NONE: "Pas de site web",
    Website.SHOWCASE: "Un site vitrine",
    Website.ONLINE_SALES: "Un site qui vend ou prend des commandes en ligne",
}


class AccountActivity(StrEnum):
    """How a company uses one network today (one row of the per-network grid)."""

    NO_ACCOUNT = "none"
    DORMANT = "dormant"
    OCCASIONAL = "occasional"
    WEEKLY = "weekly"
    SEVERAL_PER_WEEK = "several_per_week"


ACCOUNT_ACTIVITY_LABELS: dict[AccountActivity, str] = {
    AccountActivity.NO_ACCOUNT: "Pas de compte",
    AccountActivity.DORMANT: "Un compte, rien publié depuis 3 mois",
    AccountActivity.OCCASIONAL: "Quelques publications par mois",
    AccountActivity.WEEKLY: "Environ une publication par semaine",
    AccountActivity.SEVERAL_PER_WEEK: "Plusieurs publications par semaine",
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


SELF_ACTIVITY_LABELS: dict[SelfActivity, str] = {
    SelfActivity.INACTIVE: "Inactive",
    SelfActivity.LOW: "Peu active",
    SelfActivity.ACTIVE: "Active",
    SelfActivity.VERY_ACTIVE: "Très active",
}


class Tempo(StrEnum):
    """How the company feels it stands against its competitors (the study's tempo axis)."""

    LATE = "late"
    ON_TIME = "on_time"
    AHEAD = "ahead"


TEMPO_LABELS: dict[Tempo, str] = {
    Tempo.LATE: "En retard",
    Tempo.ON_TIME: "À l’heure",
    Tempo.AHEAD: "En avance",
}


class Publisher(StrEnum):
    LEADER = "leader"
    MARKETING_TEAM = "marketing_team"
    OTHER_STAFF = "other_staff"
    AGENCY = "agency"
    NOBODY = "nobody"


PUBLISHER_LABELS: dict[Publisher, str] = {
    Publisher.LEADER: "Le dirigeant ou la dirigeante",
    Publisher.MARKETING_TEAM: "Une personne ou une équipe marketing, communication",
    Publisher.OTHER_STAFF: "D’autres salariés, quand ils ont le temps",
    Publisher.AGENCY: "Une agence ou un prestataire",
    Publisher.NOBODY: "Personne pour l’instant",
}


class BudgetBand(StrEnum):
    """Yearly spend on social networks, staff time included (bands of the study, §7.1)."""

    ZERO = "zero"
    UNDER_1K = "under_1k"
    FROM_1K_TO_5K = "1k_5k"
    FROM_5K_TO_10K = "5k_10k"
    FROM_10K = "10k_plus"


BUDGET_LABELS: dict[BudgetBand, str] = {
    BudgetBand.ZERO: "Rien",
    BudgetBand.UNDER_1K: "Moins de 1 000 €",
    BudgetBand.FROM_1K_TO_5K: "De 1 000 à 5 000 €",
    BudgetBand.FROM_5K_TO_10K: "De 5 000 à 10 000 €",
    BudgetBand.FROM_10K: "10 000 € ou plus",
}


class Measurement(StrEnum):
    NEVER = "never"
    AUDIENCE_ONLY = "audience_only"
    REGULAR_KPIS = "regular_kpis"
    BUSINESS_KPIS = "business_kpis"


MEASUREMENT_LABELS: dict[Measurement, str] = {
    Measurement.NEVER: "Nous ne regardons pas les résultats",
    Measurement.AUDIENCE_ONLY: "Nous regardons parfois les abonnés et les « j’aime »",
    Measurement.REGULAR_KPIS: "Nous suivons quelques indicateurs chaque mois",
    Measurement.BUSINESS_KPIS: "Nous relions les réseaux à des contacts, ventes ou candidatures",
}


class ReplyHabit(StrEnum):
    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"
    NO_MESSAGES = "no_messages"


REPLY_HABIT_LABELS: dict[ReplyHabit, str] = {
    ReplyHabit.ALWAYS: "Oui, à chaque fois",
    ReplyHabit.SOMETIMES: "Parfois",
    ReplyHabit.NEVER: "Non, jamais",
    ReplyHabit.NO_MESSAGES: "Nous ne recevons pas de messages",
}


class ResponseDelay(StrEnum):
    WITHIN_HOUR = "within_hour"
    SAME_HALF_DAY = "same_half_day"
    WITHIN_DAY = "within_day"
    SEVERAL_DAYS = "several_days"


RESPONSE_DELAY_LABELS: dict[ResponseDelay, str] = {
    ResponseDelay.WITHIN_HOUR: "Dans l’heure",
    ResponseDelay.SAME_HALF_DAY: "Dans la demi-journée",
    ResponseDelay.WITHIN_DAY: "Dans la journée",
    ResponseDelay.SEVERAL_DAYS: "Après plusieurs jours",
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


OBSTACLE_LABELS: dict[Obstacle, str] = {
    Obstacle.TIME: "Le manque de temps",
    Obstacle.SKILLS: "Le manque de compétences",
    Obstacle.NOT_PRIORITY: "Ce n’est pas une priorité",
    Obstacle.NO_INTEREST: "Je ne vois pas l’intérêt pour mon activité",
    Obstacle.COST: "Le coût",
    Obstacle.DATA_FEARS: "La crainte pour nos données",
    Obstacle.NONE: "Aucun frein particulier",
}
