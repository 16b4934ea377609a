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
    Website,
)
from parvis.strategy.engine.figures import FigureBook, Statement, default_figures
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.text import Text, msg


class Quadrant(StrEnum):
    DORMANT = "dormant"
    OVER_CONFIDENT = "over_confident"
    CATCHING_UP = "catching_up"
    LEADING = "leading"


QUADRANT_LABELS: dict[Quadrant, Text] = {
    Quadrant.DORMANT: Text("En veille", "On standby"),
    Quadrant.OVER_CONFIDENT: Text("Confiante mais peu active", "Confident but not very active"),
    Quadrant.CATCHING_UP: Text("En rattrapage", "Catching up"),
    Quadrant.LEADING: Text("En tête", "Ahead of the pack"),
}

QUADRANT_DESCRIPTIONS: dict[Quadrant, Text] = {
    Quadrant.DORMANT: Text(
        "Vous vous sentez en retard et vous êtes peu ou pas actif sur les réseaux.",
        "You feel behind and you are not very active, or not active, on social networks.",
    ),
    Quadrant.OVER_CONFIDENT: Text(
        "Vous vous sentez à l’heure, mais vous êtes peu ou pas actif sur les réseaux.",
        "You feel on time, but you are not very active, or not active, on social networks.",
    ),
    Quadrant.CATCHING_UP: Text(
        "Vous vous sentez en retard, mais vous êtes déjà actif sur les réseaux.",
        "You feel behind, but you are already active on social networks.",
    ),
    Quadrant.LEADING: Text(
        "Vous vous sentez à l’heure ou en avance, et vous êtes actif sur les réseaux.",
        "You feel on time or ahead, and you are active on social networks.",
    ),
}

QUADRANT_FIGURES: dict[Quadrant, str] = {
    Quadrant.DORMANT: "bpi_typ_dormant",
    Quadrant.OVER_CONFIDENT: "bpi_typ_overconfident",
    Quadrant.CATCHING_UP: "bpi_typ_catching_up",
    Quadrant.LEADING: "bpi_typ_leading",
}

ATTRIBUTION = Text("D’après Bpifrance Le Lab (2018)", "After Bpifrance Le Lab (2018)")

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
    label: Text
    statement: Statement


@dataclass(frozen=True, slots=True)
class Placement:
    quadrant: Quadrant
    label: Text
    description: Text
    attribution: Text
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
    return Statement(
        msg(
            "{share} des PME-ETI interrogées en 2018",
            "{share} of the SMEs and mid-caps surveyed in 2018",
            share=fig.formatted,
        ),
        (fig,),
    )


def _warnings(profile: CompanyProfile, quadrant: Quadrant, book: FigureBook) -> list[Statement]:
    warnings: list[Statement] = []
    if quadrant is Quadrant.OVER_CONFIDENT:
        fig = book["bpi_typ_overconfident"]
        warnings.append(
            Statement(
                msg(
                    "Attention : vous vous sentez à l’heure alors que votre activité reste "
                    "faible. C’est le cas de {share} des PME-ETI interrogées, qui ont surpris les "
                    "auteurs de l’étude : vos concurrents actifs prennent l’avance.",
                    "Watch out: you feel on time while your activity stays low. So do {share} "
                    "of the SMEs and mid-caps surveyed, which surprised the study’s authors: "
                    "your active competitors are taking the lead.",
                    share=fig.formatted,
                ),
                (fig,),
            )
        )
    if quadrant is Quadrant.DORMANT:
        fig = book["bpi_typ_dormant"]
        warnings.append(
            Statement(
                msg(
                    "Vous êtes dans le groupe le plus nombreux ({share} des PME-ETI "
                    "interrogées) : le plan commence petit, avec une routine qui tient dans "
                    "votre temps.",
                    "You are in the largest group ({share} of the SMEs and mid-caps surveyed): "
                    "the plan starts small, with a routine that fits your time.",
                    share=fig.formatted,
                ),
                (fig,),
            )
        )
    declared_regular = any(profile.activity(n) in REGULAR_CADENCES for n in Network)
    if profile.self_activity in ACTIVE_SELF_RATINGS and not declared_regular:
        warnings.append(
            Statement(
                Text(
                    "Vous jugez l’entreprise active, mais aucun compte ne publie chaque "
                    "semaine : une fois vos comptes connectés, Parvis comparera cette "
                    "impression à votre rythme réel.",
                    "You rate the company as active, but no account posts every week: once "
                    "your accounts are connected, Parvis will compare this impression with "
                    "your real rhythm.",
                )
            )
        )
    return warnings


def _presence_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    fig = book["bpi_present_any"]
    has_account = bool(profile.accounts)
    presence = (
        msg(
            "Comme {share} des PME-ETI interrogées, vous avez un compte sur au moins un réseau.",
            "Like {share} of the SMEs and mid-caps surveyed, you have an account on at least "
            "one network.",
            share=fig.formatted,
        )
        if has_account
        else msg(
            "Contrairement à {share} des PME-ETI interrogées, vous n’avez encore aucun "
            "compte : le plan part de zéro.",
            "Unlike {share} of the SMEs and mid-caps surveyed, you have no account yet: the "
            "plan starts from zero.",
            share=fig.formatted,
        )
    )
    out.append(Statement(presence, (fig,)))
    if has_account:
        for network, figure_id in NETWORK_PRESENCE_FIGURES.items():
            if network in profile.accounts:
                fig = book[figure_id]
                out.append(
                    Statement(
                        msg(
                            "Comme {share} des PME-ETI présentes sur les réseaux, vous êtes "
                            "sur {network}.",
                            "Like {share} of the SMEs and mid-caps present on social networks, "
                            "you are on {network}.",
                            share=fig.formatted,
                            network=NETWORK_LABELS[network],
                        ),
                        (fig,),
                    )
                )
    if profile.headcount is not HeadcountBand.MICRO:
        fig = book["fr_sm_any_2023"]
        reminder = msg(
            "Pour mémoire, {sentence} ({year}).",
            "For the record, {sentence} ({year}).",
            sentence=fig.sentence,
            year=str(fig.data_year),
        )
        out.append(Statement(reminder, (fig,)))
    return out


def _micro_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    """A company of fewer than ten people is compared first with micro-businesses (Insee),
    the closest population the references have, for presence and for the website."""
    if profile.headcount is not HeadcountBand.MICRO:
        return []
    fig = book[
        "fr_micro_sm_hcr_2022" if profile.sector is Sector.HOSPITALITY else "fr_micro_sm_2022"
    ]
    presence = (
        msg(
            "Vous êtes présent sur les réseaux ; pour comparaison, {sentence}.",
            "You are present on social networks; for comparison, {sentence}.",
            sentence=fig.sentence,
        )
        if profile.accounts
        else msg(
            "Vous n’avez encore aucun compte ; pour comparaison, {sentence}.",
            "You have no account yet; for comparison, {sentence}.",
            sentence=fig.sentence,
        )
    )
    return [Statement(presence, (fig,)), _website_comparison(profile, book)]


def _website_comparison(profile: CompanyProfile, book: FigureBook) -> Statement:
    """The website against micro-businesses below ten people, else against businesses of ten
    or more (Insee publishes both)."""
    micro = profile.headcount is HeadcountBand.MICRO
    fig = book["fr_micro_web_2022" if micro else "fr_web_2023"]
    text = (
        msg(
            "Vous n’avez pas de site web ; pour comparaison, {sentence}.",
            "You have no website; for comparison, {sentence}.",
            sentence=fig.sentence,
        )
        if profile.website is Website.NONE
        else msg(
            "Vous avez un site web ; pour comparaison, {sentence}.",
            "You have a website; for comparison, {sentence}.",
            sentence=fig.sentence,
        )
    )
    return Statement(text, (fig,))


def _activity_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    fig = book[SELF_ACTIVITY_FIGURES[profile.self_activity]]
    wording = {
        SelfActivity.INACTIVE: Text(
            "vous vous dites inactif sur les réseaux",
            "you say you are inactive on social networks",
        ),
        SelfActivity.LOW: Text(
            "vous vous dites peu actif sur les réseaux",
            "you say you are not very active on social networks",
        ),
        SelfActivity.ACTIVE: Text(
            "vous vous dites actif sur les réseaux", "you say you are active on social networks"
        ),
        SelfActivity.VERY_ACTIVE: Text(
            "vous vous dites actif, voire très actif, sur les réseaux",
            "you say you are active, even very active, on social networks",
        ),
    }[profile.self_activity]
    out.append(
        Statement(
            msg(
                "Comme {share} des PME-ETI interrogées, {wording}.",
                "Like {share} of the SMEs and mid-caps surveyed, {wording}.",
                share=fig.formatted,
                wording=wording,
            ),
            (fig,),
        )
    )
    fig = book["bpi_feel_late"]
    tempo = (
        msg(
            "Comme {share} des dirigeants interrogés, vous estimez être en retard.",
            "Like {share} of the business leaders surveyed, you feel you are behind.",
            share=fig.formatted,
        )
        if profile.tempo is Tempo.LATE
        else msg(
            "{share} des dirigeants interrogés estiment être en retard ; pas vous.",
            "{share} of the business leaders surveyed feel they are behind; not you.",
            share=fig.formatted,
        )
    )
    out.append(Statement(tempo, (fig,)))
    return out


def _organisation_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    if Publisher.LEADER in profile.publishers:
        fig = book["bpi_leader_posts"]
        out.append(
            Statement(
                msg(
                    "Comme dans {share} des PME-ETI interrogées, c’est le dirigeant qui publie.",
                    "As in {share} of the SMEs and mid-caps surveyed, the business leader is "
                    "the one who posts.",
                    share=fig.formatted,
                ),
                (fig,),
            )
        )
    if not profile.trained:
        fig = book["bpi_untrained"]
        out.append(
            Statement(
                msg(
                    "Comme dans {share} des PME-ETI interrogées, personne n’est formé aux "
                    "réseaux sociaux.",
                    "As in {share} of the SMEs and mid-caps surveyed, nobody is trained in "
                    "social media.",
                    share=fig.formatted,
                ),
                (fig,),
            )
        )
    for obstacle, figure_id in OBSTACLE_FIGURES.items():
        if obstacle in profile.obstacles:
            fig = book[figure_id]
            reason = {
                Obstacle.TIME: Text(
                    "le manque de temps vous freine", "lack of time holds you back"
                ),
                Obstacle.SKILLS: Text(
                    "le manque de compétences vous freine", "lack of skills holds you back"
                ),
                Obstacle.NOT_PRIORITY: Text(
                    "ce n’est pas une priorité pour vous", "it is not a priority for you"
                ),
            }[obstacle]
            out.append(
                Statement(
                    msg(
                        "Comme {share} des dirigeants interrogés, {reason}.",
                        "Like {share} of the business leaders surveyed, {reason}.",
                        share=fig.formatted,
                        reason=reason,
                    ),
                    (fig,),
                )
            )
    return out


def _means_comparisons(profile: CompanyProfile, book: FigureBook) -> list[Statement]:
    out: list[Statement] = []
    ref = book["bpi_budget_ref"]
    if profile.budget is BudgetBand.ZERO:
        fig = book["bpi_budget_zero"]
        out.append(
            Statement(
                msg(
                    "Comme {share} des PME-ETI interrogées, vous n’y consacrez aucun budget.",
                    "Like {share} of the SMEs and mid-caps surveyed, you spend no budget on it.",
                    share=fig.formatted,
                ),
                (fig,),
            )
        )
    if profile.budget is BudgetBand.FROM_10K:
        out.append(
            Statement(
                msg(
                    "Votre budget atteint la référence : {sentence}.",
                    "Your budget reaches the benchmark: {sentence}.",
                    sentence=ref.sentence,
                ),
                (ref,),
            )
        )
    else:
        fig = book["bpi_budget_lt10k"]
        out.append(
            Statement(
                msg(
                    "Comme {share} des PME-ETI interrogées, vous y consacrez moins que la "
                    "référence : {sentence}.",
                    "Like {share} of the SMEs and mid-caps surveyed, you spend less than the "
                    "benchmark: {sentence}.",
                    share=fig.formatted,
                    sentence=ref.sentence,
                ),
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
                msg(
                    "Vous n’êtes pas seul : {sentence}. Répondre est un moyen simple de se "
                    "distinguer.",
                    "You are not alone: {sentence}. Answering is a simple way to stand out.",
                    sentence=fig.sentence,
                ),
                (fig,),
            )
        )
    delay = profile.response_delay
    if delay in (ResponseDelay.WITHIN_DAY, ResponseDelay.SEVERAL_DAYS):
        fig = book["sprout_expect_2016"]
        out.append(
            Statement(
                msg("À savoir : {sentence}.", "Good to know: {sentence}.", sentence=fig.sentence),
                (fig,),
            )
        )
    return out


def place_company(profile: CompanyProfile, book: FigureBook | None = None) -> Placement:
    """The company's quadrant, the 2018 distribution, warnings and comparison sentences."""
    book = book or default_figures()
    quadrant = quadrant_of(profile.tempo, profile.self_activity)
    # The closest population first: micro-businesses for a company below ten people.
    comparisons = (
        _micro_comparisons(profile, book)
        + _presence_comparisons(profile, book)
        + _activity_comparisons(profile, book)
        + _organisation_comparisons(profile, book)
        + _means_comparisons(profile, book)
        + _dialogue_comparisons(profile, book)
    )
    if profile.headcount is not HeadcountBand.MICRO:
        comparisons.append(_website_comparison(profile, book))
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
