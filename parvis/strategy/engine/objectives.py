"""Rank the six objectives for one company, each with the reason for its place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parvis.core.vocabulary import Objective
from parvis.strategy.engine.choices import HeadcountBand, ReplyHabit, Sector
from parvis.strategy.engine.figures import FigureBook, Statement
from parvis.strategy.engine.labels import OBJECTIVE_TEXTS
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.rules import RANK_WEIGHTS
from parvis.strategy.engine.text import Text, msg

# The four priority uses of the study come first when nothing else decides.
STUDY_PRIORITY_USES = (
    Objective.PROSPECTING,
    Objective.CUSTOMER_RELATION,
    Objective.VISIBILITY,
    Objective.WATCH,
)
VISUAL_LOCAL_SECTORS = frozenset(
    {Sector.HOSPITALITY, Sector.RETAIL, Sector.BUILDING_CRAFTS, Sector.PERSONAL_SERVICES}
)
TEAM_SIZES_THAT_HIRE = frozenset(
    {HeadcountBand.MEDIUM_SMALL, HeadcountBand.MEDIUM, HeadcountBand.LARGE}
)

# The objective as the object of a sentence: "LinkedIn sert la prospection et la veille".
OBJECTIVE_NOUNS: dict[Objective, Text] = {
    Objective.PROSPECTING: Text("la prospection", "prospecting"),
    Objective.CUSTOMER_RELATION: Text("la relation client", "customer relations"),
    Objective.VISIBILITY: Text("la visibilité", "visibility"),
    Objective.WATCH: Text("la veille", "industry watch"),
    Objective.RECRUITMENT: Text("le recrutement", "recruitment"),
    Objective.COMMUNITY: Text("l’animation de votre communauté", "building your community"),
}


@dataclass(frozen=True, slots=True)
class RankedObjective:
    objective: Objective
    rank: int
    weight: float
    chosen_by_user: bool
    reason: Statement

    @property
    def label(self) -> Text:
        return OBJECTIVE_TEXTS[self.objective]

    @property
    def is_active(self) -> bool:
        """Active objectives drive the networks, the content mix and the routine."""
        return self.weight > 0


def context_fit(profile: CompanyProfile) -> dict[Objective, float]:
    """How much each objective suits the company's situation, 0 to 1 (tie-breaker and default)."""
    b2b = profile.b2b_share / 100
    fit = {
        Objective.PROSPECTING: 0.4 + 0.5 * b2b,
        Objective.CUSTOMER_RELATION: 0.4 + 0.4 * (1 - b2b),
        Objective.VISIBILITY: 0.6 + (0.3 if profile.sector in VISUAL_LOCAL_SECTORS else 0.0),
        Objective.WATCH: 0.5,
        Objective.RECRUITMENT: 0.45 if profile.headcount in TEAM_SIZES_THAT_HIRE else 0.2,
        Objective.COMMUNITY: 0.3 + 0.3 * (1 - b2b),
    }
    if profile.reply_habit is ReplyHabit.NEVER:
        fit[Objective.CUSTOMER_RELATION] += 0.1
    return fit


def _context_reason(objective: Objective, profile: CompanyProfile, book: FigureBook) -> Statement:
    if objective is Objective.PROSPECTING:
        if profile.is_b2b:
            return Statement(
                Text(
                    "Vous vendez surtout à des entreprises : les réseaux professionnels "
                    "permettent de repérer des acheteurs et de leur montrer votre savoir-faire.",
                    "You sell mostly to businesses: professional networks help you spot buyers "
                    "and show them your know-how.",
                )
            )
        return Statement(
            Text(
                "Vos clients sont surtout des particuliers : la vente passe d’abord par la "
                "visibilité locale et des offres claires.",
                "Your customers are mostly individuals: selling starts with local visibility "
                "and clear offers.",
            )
        )
    if objective is Objective.CUSTOMER_RELATION:
        fig = book["sprout_expect_2016"]
        return Statement(
            msg(
                "Commentaires et messages sont souvent des demandes de clients ; {sentence}.",
                "Comments and messages are often customer requests; {sentence}.",
                sentence=fig.sentence,
            ),
            (fig,),
        )
    if objective is Objective.VISIBILITY:
        if profile.sector in VISUAL_LOCAL_SECTORS:
            return Statement(
                Text(
                    "Votre métier se montre bien en images : être vu régulièrement près de chez "
                    "vos clients entretient la notoriété.",
                    "Your trade shows well in pictures: being seen regularly near your "
                    "customers keeps your name known.",
                )
            )
        return Statement(
            Text(
                "Être vu régulièrement par clients et prospects entretient la notoriété.",
                "Being seen regularly by customers and prospects keeps your name known.",
            )
        )
    if objective is Objective.WATCH:
        return Statement(
            Text(
                "Suivre concurrents et secteur aide à décider ; Parvis en fait un résumé "
                "hebdomadaire à lire en quelques minutes.",
                "Following competitors and your industry helps you decide; Parvis sums it up "
                "every week, to read in a few minutes.",
            )
        )
    if objective is Objective.RECRUITMENT:
        if profile.headcount in TEAM_SIZES_THAT_HIRE:
            return Statement(
                Text(
                    "Avec une équipe de votre taille, montrer vos métiers et vos équipes aide à "
                    "recruter.",
                    "With a team of your size, showing your trades and your people helps you "
                    "recruit.",
                )
            )
        return Statement(
            Text(
                "Utile quand vous recrutez : montrer l’équipe attire les candidats.",
                "Useful when you recruit: showing the team attracts candidates.",
            )
        )
    return Statement(
        Text(
            "Réunir clients, partenaires et passionnés autour de votre métier crée du "
            "bouche-à-oreille.",
            "Bringing customers, partners and enthusiasts together around your trade creates "
            "word of mouth.",
        )
    )


ORDINALS = (
    Text("premier", "first"),
    Text("deuxième", "second"),
    Text("troisième", "third"),
)


def rank_objectives(profile: CompanyProfile, book: FigureBook) -> tuple[RankedObjective, ...]:
    """All six objectives, ranked.

    The user's choices come first, in their order, weighted 1, 0.7, 0.5. When the user chose
    none, the two best-fitting priority uses of the study become active, so the plan still
    has a direction (study §7.3 rule 1). The others follow by fit, with weight 0.
    """
    fit = context_fit(profile)
    # The questionnaire allows three; a profile built by hand may hold more: extras are ignored.
    chosen = list(dict.fromkeys(profile.objectives))[: len(RANK_WEIGHTS)]
    weights: Mapping[Objective, float]
    if chosen:
        weights = {o: RANK_WEIGHTS[i] for i, o in enumerate(chosen)}
    else:
        defaults = sorted(STUDY_PRIORITY_USES, key=lambda o: (-fit[o], list(Objective).index(o)))
        weights = {o: RANK_WEIGHTS[i] for i, o in enumerate(defaults[:2])}
    others = sorted(
        (o for o in Objective if o not in weights),
        key=lambda o: (-fit[o], list(Objective).index(o)),
    )
    order = list(weights) + others
    ranked = []
    for index, objective in enumerate(order, start=1):
        context = _context_reason(objective, profile, book)
        if objective in chosen:
            lead = msg(
                "Vous l’avez placé en {rank} choix. ",
                "You ranked it as your {rank} choice. ",
                rank=ORDINALS[chosen.index(objective)],
            )
        elif objective in weights:
            lead = Text(
                "Proposé comme point de départ, faute d’objectif choisi. ",
                "Suggested as a starting point, since no objective was chosen. ",
            )
        else:
            lead = Text("Pas prioritaire pour l’instant. ", "Not a priority for now. ")
        ranked.append(
            RankedObjective(
                objective=objective,
                rank=index,
                weight=weights.get(objective, 0.0),
                chosen_by_user=objective in chosen,
                reason=Statement(lead + context.text, context.figures),
            )
        )
    return tuple(ranked)
