"""Place a company in the study's 2×2 typology and compare it with the study's figures.

Typology (study §2.4): self-perceived tempo (late / on time or ahead) × self-rated activity
(inactive or low / active or very active). Parvis shows neutral labels of its own, never
Bpifrance's group names, and cites the study for the 2018 shares. Every comparison sentence is
a :class:`Statement` carrying the figure it quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.strategy.engine.choices import (
    AccountActivity,
    BudgetBand,
    HeadcountBand,
    Obstacle,
    Publisher,
    ReplyHabit,
    ResponseDelay,
    Sector,
    SelfActivity,
    Tempo,
)
from parvis.strategy.engine.figures import FigureBook, Statement, default_figures
from parvis.strategy.engine.profile import CompanyProfile


class Quadrant(StrEnum):
    DORMANT = "dormant"
    OVER_CONFIDENT = "over_confident"
    CATCHING_UP = "catching_up"
    LEADING = "leading"


QUADRANT_LABELS: dict[Quadrant, str] = {
    Quadrant.DORMANT: "En veille",
    Quadrant.OVER_CONFIDENT: "Confiante mais peu active",
    Quadrant.CATCHING_UP: "En rattrapage",
    Quadrant.LEADING: "En tête",
}

QUADRANT_DESCRIPTIONS: dict[Quadrant, str] = {
    Quadrant.DORMANT: "Vous vous sentez en retard et vous êtes peu ou pas actif sur les réseaux.",
    Quadrant.OVER_CONFIDENT: "Vous vous sentez à l’heure, mais vous êtes peu ou pas actif sur "
    "les réseaux.",
    Quadrant.CATCHING_UP: "Vous vous sentez en retard, mais vous êtes déjà actif sur les réseaux.",
    Quadrant.LEADING: "Vous vous sentez à l’heure ou en avance, et vous êtes actif sur les "
    "réseaux.",
}

QUADRANT_FIGURES: dict[Quadrant, str] = {
    Quadrant.DORMANT: "bpi_typ_dormant",
    Quadrant.OVER_CONFIDENT: "bpi_typ_overconfident",
    Quadrant.CATCHING_UP: "bpi_typ_catching_up",
    Quadrant.LEADING: "bpi_typ_leading",
}

ATTRIBUTION = "D’après Bpifrance Le Lab (2018)"

NETWORK_PRESENCE_FIGURES: dict[Network, str] = {
    Network.FACEBOOK: "bpi_fb_share",
    Network.LINKEDIN: "bpi_li_share",
    Network.X: "bpi_tw_share",
    Network.YOUTUBE: "bpi_yt_share",
    Network.INSTAGRAM: "bpi_ig_share",
}

SELF_ACTIVITY_FIGURES: dict[SelfActivity, str] = {
    SelfActivity.INACTIVE: "bpi_inactive",
    SelfActivity.LOW: "bpi_low_activity",
    SelfActivity.ACTIVE: "bpi_active",
    SelfActivity.VERY_ACTIVE: "bpi_active",
}

OBSTACLE_FIGURES: dict[Obstacle, str] = {
    Obstacle.TIME: "bpi_obst_time",
    Obstacle.SKILLS: "bpi_obst_skills",
    Obstacle.NOT_PRIORITY: "bpi_not_priority",
}

ACTIVE_SELF_RATINGS = frozenset({SelfActivity.ACTIVE, SelfActivity.VERY_ACTIVE})
# Declared cadences that back up a claim of being active.
REGULAR_CADENCES = frozenset({AccountActivity.WEEKLY, AccountActivity.SEVERAL_PER_WEEK})


@dataclass(frozen=True, slots=True)
class QuadrantShare:
    quadrant: Quadrant
    label: str
    statement: Statement


@dataclass(frozen=True, slots=True)
class Placement:
    quadrant: Quadrant
    label: str
    description: str
    attribution: str
    share: Statement
    distribution: tuple[QuadrantShare, ...]
    warnings: tuple[Statement, ...]
    comparisons: tuple[Statement, ...]


def quadrant_of(tempo: Tempo, activity: SelfActivity) -> Quadrant:
    """The study's 2×2: late or not, active or not."""
    active = activity in ACTIVE_SELF_RATINGS
    if tempo is Tempo.LATE:
        return Quadrant.CATCHING_UP if active else Quadrant.DORMANT
    return Quadrant.LEADING if active else Quadrant.OVER_CONFIDENT


def _share(quadrant: Quadrant, book: FigureBook) -> Statement:
    fig = book[QUADRANT_FIGURES[quadrant]]
    return Statement(f"{fig.formatted} des PME-ETI interrogées en 2018", (fig,))


def _warnings(profile: CompanyProfile, quadrant: Quadrant, book: FigureBook) -> list[Statement]:
    warnings: list[Statement] = []
    if quadrant is Quadrant.OVER_CONFIDENT:
        fig = book["bpi_typ_overconfident"]
        warnings.append(
            Statement(
                "Attention : vous vous sentez à l’heure alors que votre activité reste faible. "
                f"C’est le cas de {fig.formatted} des PME-ETI interrogées, qui ont surpris les "
                "auteurs de l’étude : vos concurrents actifs prennent l’avance.",
                (fig,),
            )
        )
    if quadrant is Quadrant.DORMANT:
        fig = book["bpi_typ_dormant"]
        warnings.append(
            Statement(
                f"Vous êtes dans le groupe le plus nombreux ({fig.formatted} des PME-ETI "
                "interrogées) : le plan commence petit, avec une routine qui tient dans votre "
                "temps.",
                (fig,),
            )
        )
    declared_regular = any(profile.activity(n) in REGULAR_CADENCES for n in Network)
    if profile.self_activity in ACTIVE_SELF_RATINGS and not declared_regular:
        warnings.append(
            Statement(
                "Vous jugez l’entreprise active, mais aucun compte ne publie chaque semaine : "
                "une fois vos comptes connectés, Parvis comparera cette impression à votre "
                "rythme réel."
            )
        )
    return warnings


def _like(condition: bool, sentence_if_like: str, sentence_if_unlike: str) -> str:
    return sentence_if_like if condition else sentence_if_unlike


def _presence_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    fig = book["bpi_present_any"]
    has_account = bool(profile.accounts)
    out.append(
        Statement(
            _like(
                has_account,
                f"Comme {fig.formatted} des PME-ETI interrogées, vous avez un compte sur au "
                "moins un réseau.",
                f"Contrairement à {fig.formatted} des PME-ETI interrogées, vous n’avez encore "
                "aucun compte : le plan part de zéro.",
            ),
            (fig,),
        )
    )
    if has_account:
        for network, figure_id in NETWORK_PRESENCE_FIGURES.items():
            if network in profile.accounts:
                fig = book[figure_id]
                out.append(
                    Statement(
                        f"Comme {fig.formatted} des PME-ETI présentes sur les réseaux, vous "
                        f"êtes sur {NETWORK_LABELS[network]}.",
                        (fig,),
                    )
                )
    if profile.headcount is HeadcountBand.MICRO:
        fig_id = (
            "fr_micro_sm_hcr_2022" if profile.sector is Sector.HOSPITALITY else "fr_micro_sm_2022"
        )
        fig = book[fig_id]
        out.append(Statement(f"Pour mémoire, {fig.sentence} (Insee, {fig.data_year}).", (fig,)))
    else:
        fig = book["fr_sm_any_2023"]
        out.append(Statement(f"Pour mémoire, {fig.sentence} ({fig.data_year}).", (fig,)))
    return out


def _activity_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    fig = book[SELF_ACTIVITY_FIGURES[profile.self_activity]]
    wording = {
        SelfActivity.INACTIVE: "vous vous dites inactif sur les réseaux",
        SelfActivity.LOW: "vous vous dites peu actif sur les réseaux",
        SelfActivity.ACTIVE: "vous vous dites actif sur les réseaux",
        SelfActivity.VERY_ACTIVE: "vous vous dites actif, voire très actif, sur les réseaux",
    }[profile.self_activity]
    out.append(Statement(f"Comme {fig.formatted} des PME-ETI interrogées, {wording}.", (fig,)))
    fig = book["bpi_feel_late"]
    out.append(
        Statement(
            _like(
                profile.tempo is Tempo.LATE,
                f"Comme {fig.formatted} des dirigeants interrogés, vous estimez être en retard.",
                f"{fig.formatted} des dirigeants interrogés estiment être en retard ; pas vous.",
            ),
            (fig,),
        )
    )
    return out


def _organisation_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    if Publisher.LEADER in profile.publishers:
        fig = book["bpi_leader_posts"]
        out.append(
            Statement(
                f"Comme dans {fig.formatted} des PME-ETI interrogées, c’est le dirigeant qui "
                "publie.",
                (fig,),
            )
        )
    if not profile.trained:
        fig = book["bpi_untrained"]
        out.append(
            Statement(
                f"Comme dans {fig.formatted} des PME-ETI interrogées, personne n’est formé aux "
                "réseaux sociaux.",
                (fig,),
            )
        )
    for obstacle, figure_id in OBSTACLE_FIGURES.items():
        if obstacle in profile.obstacles:
            fig = book[figure_id]
            reason = {
                Obstacle.TIME: "le manque de temps vous freine",
                Obstacle.SKILLS: "le manque de compétences vous freine",
                Obstacle.NOT_PRIORITY: "ce n’est pas une priorité pour vous",
            }[obstacle]
            out.append(
                Statement(f"Comme {fig.formatted} des dirigeants interrogés, {reason}.", (fig,))
            )
    return out


def _means_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    ref = book["bpi_budget_ref"]
    if profile.budget is BudgetBand.ZERO:
        fig = book["bpi_budget_zero"]
        out.append(
            Statement(
                f"Comme {fig.formatted} des PME-ETI interrogées, vous n’y consacrez aucun budget.",
                (fig,),
            )
        )
    if profile.budget is BudgetBand.FROM_10K:
        out.append(Statement(f"Votre budget atteint la référence : {ref.sentence}.", (ref,)))
    else:
        fig = book["bpi_budget_lt10k"]
        out.append(
            Statement(
                f"Comme {fig.formatted} des PME-ETI interrogées, vous y consacrez moins que la "
                f"référence : {ref.sentence}.",
                (fig, ref),
            )
        )
    return out


def _dialogue_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    if profile.reply_habit in (ReplyHabit.NEVER, ReplyHabit.SOMETIMES):
        fig = book["sprout_unanswered_2015"]
        out.append(
            Statement(
                f"Vous n’êtes pas seul : {fig.sentence}. Répondre est un moyen simple de se "
                "distinguer.",
                (fig,),
            )
        )
    delay = profile.response_delay
    if delay in (ResponseDelay.WITHIN_DAY, ResponseDelay.SEVERAL_DAYS):
        fig = book["sprout_expect_2016"]
        out.append(Statement(f"À savoir : {fig.sentence}.", (fig,)))
    return out


def place_company(profile: CompanyProfile, book: FigureBook | None = None) -> Placement:
    """The company's quadrant, the 2018 distribution, warnings and comparison sentences."""
    book = book or default_figures()
    quadrant = quadrant_of(profile.tempo, profile.self_activity)
    comparisons = (
        _presence_comparisons(profile, book)
        + _activity_comparisons(profile, book)
        + _organisation_comparisons(profile, book)
        + _means_comparisons(profile, book)
        + _dialogue_comparisons(profile, book)
    )
    return Placement(
        quadrant=quadrant,
        label=QUADRANT_LABELS[quadrant],
        description=QUADRANT_DESCRIPTIONS[quadrant],
        attribution=ATTRIBUTION,
        share=_share(quadrant, book),
        distribution=tuple(QuadrantShare(q, QUADRANT_LABELS[q], _share(q, book)) for q in Quadrant),
        warnings=tuple(_warnings(profile, quadrant, book)),
        comparisons=tuple(comparisons),
    )
