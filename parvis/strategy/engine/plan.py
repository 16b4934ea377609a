"""The plan: ranked objectives, networks, editorial line, budget and first actions.

``build_plan`` is a pure function of a :class:`CompanyProfile`; it never exceeds the minutes
the leader declared and says what it left out (see ``network_choice``).
"""

from __future__ import annotations

from dataclasses import dataclass

from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.strategy.engine.choices import (
    AccountActivity,
    BudgetBand,
    Measurement,
    ReplyHabit,
    ResponseDelay,
    Sector,
)
from parvis.strategy.engine.editorial import (
    EditorialLine,
    category_mix,
    editorial_tone,
    response_goal,
)
from parvis.strategy.engine.figures import Figure, FigureBook, Statement, default_figures
from parvis.strategy.engine.network_choice import (
    DroppedNetwork,
    NetworkPlan,
    TimeAllocation,
    choose_networks,
)
from parvis.strategy.engine.objectives import RankedObjective, rank_objectives
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.rules import (
    DEFAULT_HOURLY_COST_EUR,
    SELF_CENTRED_CAP,
    WORKING_WEEKS_PER_YEAR,
)
from parvis.strategy.engine.text import Text, counted, msg, number, per_week

CONSUMER_FACING_SECTORS = frozenset({Sector.HOSPITALITY, Sector.RETAIL})


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Knobs the organisation may change; defaults are Parvis's (see ``rules``)."""

    hourly_cost_eur: int | None = None
    working_weeks_per_year: int = WORKING_WEEKS_PER_YEAR


@dataclass(frozen=True, slots=True)
class Budget:
    """The plan's cost in time and euros, against the study's reference (``bpi_budget_ref``)."""

    minutes_available: int
    minutes_planned: int
    hours_per_year: int
    hourly_cost_eur: int
    staff_cost_eur_per_year: int
    reference: Figure
    statement: Statement

    @property
    def gap_to_reference_eur(self) -> int:
        return max(0, round(self.reference.value) - self.staff_cost_eur_per_year)


@dataclass(frozen=True, slots=True)
class PlanAction:
    """One step of the action plan (study §7.3 rules, in their order)."""

    key: str
    title: Text
    detail: Statement


@dataclass(frozen=True, slots=True)
class Plan:
    objectives: tuple[RankedObjective, ...]
    networks: tuple[NetworkPlan, ...]
    dropped: tuple[DroppedNetwork, ...]
    editorial: EditorialLine
    time: TimeAllocation
    budget: Budget
    actions: tuple[PlanAction, ...]
    starts_from_zero: bool
    notes: tuple[Statement, ...]
    sector: Sector

    @property
    def active_objectives(self) -> tuple[RankedObjective, ...]:
        return tuple(o for o in self.objectives if o.is_active)

    def network(self, network: Network) -> NetworkPlan | None:
        return next((p for p in self.networks if p.network is network), None)


def _budget(
    profile: CompanyProfile, time: TimeAllocation, settings: PlanSettings, book: FigureBook
) -> Budget:
    ref = book["bpi_budget_ref"]
    hourly = settings.hourly_cost_eur or profile.hourly_cost_eur or DEFAULT_HOURLY_COST_EUR
    hours = round(time.total * settings.working_weeks_per_year / 60)
    cost = hours * hourly
    text = msg(
        "Votre plan demande {time}, soit environ {hours} par an ; à {hourly} € de l’heure, "
        "cela représente {cost} € par an de temps de travail. Pour comparaison, {sentence}.",
        "Your plan takes {time}, about {hours} a year; at €{hourly} an hour, that is €{cost} "
        "a year of working time. For comparison, {sentence}.",
        time=per_week(time.total),
        hours=counted(hours, ("heure", "heures"), ("hour", "hours")),
        hourly=number(hourly),
        cost=number(cost),
        sentence=ref.sentence,
    )
    if cost < ref.value:
        text += Text(
            " Votre plan est plus modeste : c’est un point de départ tenable ; une petite ligne "
            "de promotion payante aidera vos publications à être vues.",
            " Your plan is more modest: it is a starting point you can keep up; a small paid "
            "promotion budget will help your posts be seen.",
        )
    return Budget(
        minutes_available=profile.minutes_per_week,
        minutes_planned=time.total,
        hours_per_year=hours,
        hourly_cost_eur=hourly,
        staff_cost_eur_per_year=cost,
        reference=ref,
        statement=Statement(text, (ref,)),
    )


def _actions(
    profile: CompanyProfile, networks: tuple[NetworkPlan, ...], book: FigureBook
) -> tuple[PlanAction, ...]:
    actions: list[PlanAction] = []

    def add(key: str, title: Text, detail: Statement) -> None:
        actions.append(PlanAction(key, title, detail))

    if not profile.objectives:
        add(
            "define_objectives",
            Text("Fixez un ou deux objectifs d’affaires", "Set one or two business objectives"),
            Statement(
                Text(
                    "Le plan propose un point de départ ; choisissez vos objectifs pour qu’il "
                    "vous ressemble.",
                    "The plan suggests a starting point; choose your objectives so that it "
                    "fits you.",
                )
            ),
        )
    if not profile.editorial_line:
        add(
            "editorial_line",
            Text("Adoptez une ligne éditoriale", "Adopt an editorial line"),
            Statement(
                Text(
                    "Réunissez les personnes concernées et validez le mélange de contenus "
                    "proposé ci-dessous, le ton et les visuels.",
                    "Gather the people involved and agree on the content mix suggested below, "
                    "the tone and the visuals.",
                )
            ),
        )
    if not profile.calendar:
        add(
            "calendar",
            Text("Planifiez vos publications à l’avance", "Plan your posts ahead"),
            Statement(
                Text(
                    "La routine hebdomadaire remplit votre calendrier de créneaux réguliers.",
                    "The weekly routine fills your calendar with regular slots.",
                )
            ),
        )
    if profile.is_b2b and profile.activity(Network.LINKEDIN) is AccountActivity.NO_ACCOUNT:
        add(
            "linkedin_first",
            Text("LinkedIn d’abord", "LinkedIn first"),
            Statement(
                Text(
                    "Vous vendez surtout à des entreprises et n’avez pas de page LinkedIn.",
                    "You sell mostly to businesses and have no LinkedIn page.",
                )
            ),
        )
    if profile.sector in CONSUMER_FACING_SECTORS and not {
        Network.INSTAGRAM,
        Network.FACEBOOK,
    } & set(profile.accounts):
        add(
            "consumer_networks_first",
            Text("Instagram et Facebook d’abord", "Instagram and Facebook first"),
            Statement(
                Text(
                    "Vos clients sont des particuliers qui vous cherchent en images.",
                    "Your customers are individuals who look for you in pictures.",
                )
            ),
        )
    dormant = [n for n in profile.accounts if profile.activity(n) is AccountActivity.DORMANT]
    kept = {p.network for p in networks}
    to_close = [n for n in dormant if n not in kept]
    if to_close:
        labels = ", ".join(NETWORK_LABELS[n] for n in to_close)
        add(
            "close_dormant",
            Text("Fermez les comptes en sommeil", "Close the dormant accounts"),
            Statement(
                msg(
                    "Comptes concernés : {accounts}. Un compte abandonné inquiète les clients.",
                    "Accounts concerned: {accounts}. An abandoned account worries customers.",
                    accounts=labels,
                )
            ),
        )
    slow = profile.response_delay is ResponseDelay.SEVERAL_DAYS
    if profile.reply_habit in (ReplyHabit.NEVER, ReplyHabit.SOMETIMES) or slow:
        fig = book["sprout_answered_2016"]
        add(
            "customer_care",
            Text("Mettez en place une routine de réponse", "Set up an answering routine"),
            Statement(
                msg(
                    "Un passage quotidien dans la boîte de réception et des réponses types ; "
                    "{sentence}.",
                    "A daily look at the inbox and template answers; {sentence}.",
                    sentence=fig.sentence,
                ),
                (fig,),
            ),
        )
    if not profile.leader_active:
        add(
            "leader_presence",
            Text("Montrez-vous en tant que dirigeant", "Show yourself as the business leader"),
            Statement(
                Text(
                    "L’implication personnelle du dirigeant est le premier moteur identifié "
                    "par l’étude : commentez et partagez depuis votre profil, quelques minutes "
                    "par semaine.",
                    "The leader’s personal involvement is the first driver the study found: "
                    "comment and share from your own profile, a few minutes a week.",
                )
            ),
        )
    if not profile.trained:
        fig = book["bpi_untrained"]
        add(
            "training",
            Text("Formez la personne qui publie", "Train the person who posts"),
            Statement(
                msg(
                    "Une formation courte suffit pour démarrer ; {sentence}.",
                    "A short course is enough to start; {sentence}.",
                    sentence=fig.sentence,
                ),
                (fig,),
            ),
        )
    if profile.budget is not BudgetBand.FROM_10K:
        ref = book["bpi_budget_ref"]
        add(
            "budget_gap",
            Text("Regardez le budget en face", "Face the budget"),
            Statement(
                msg(
                    "Selon l’étude, {sentence}. Le budget ci-dessous chiffre votre plan, temps "
                    "compris.",
                    "According to the study, {sentence}. The budget below puts a figure on "
                    "your plan, time included.",
                    sentence=ref.sentence,
                ),
                (ref,),
            ),
        )
    if profile.measurement in (Measurement.NEVER, Measurement.AUDIENCE_ONLY):
        add(
            "measure",
            Text("Suivez trois indicateurs", "Follow three indicators"),
            Statement(
                Text(
                    "Connectez vos comptes : Parvis suit le rythme de publication, "
                    "l’engagement et le délai de réponse.",
                    "Connect your accounts: Parvis follows the publishing rhythm, engagement "
                    "and response time.",
                )
            ),
        )
    return tuple(actions)


def _zero_notes(profile: CompanyProfile, networks: tuple[NetworkPlan, ...]) -> list[Statement]:
    if profile.accounts or not networks:
        return []
    first = networks[0]
    return [
        Statement(
            msg(
                "Vous partez de zéro : créez d’abord votre compte {n}, complétez la "
                "description, le logo et les coordonnées, puis publiez une première fois. Le "
                "reste du plan suit semaine après semaine.",
                "You start from zero: first create your {n} account, fill in the description, "
                "the logo and the contact details, then post a first time. The rest of the "
                "plan follows week after week.",
                n=first.label,
            )
        )
    ]


def build_plan(
    profile: CompanyProfile,
    settings: PlanSettings | None = None,
    book: FigureBook | None = None,
) -> Plan:
    """The whole plan for one company. Never plans more minutes than ``minutes_per_week``."""
    settings = settings or PlanSettings()
    book = book or default_figures()
    objectives = rank_objectives(profile, book)
    choice = choose_networks(profile, objectives)
    goal_hours, goal_reason = response_goal(profile, objectives, book)
    editorial = EditorialLine(
        category_mix=category_mix(objectives),
        self_centred_cap=SELF_CENTRED_CAP,
        posts_per_week={p.network: p.posts_per_week for p in choice.networks},
        response_time_goal_hours=goal_hours,
        response_goal_reason=goal_reason,
        tone=editorial_tone(profile.b2b_share),
    )
    return Plan(
        objectives=objectives,
        networks=choice.networks,
        dropped=choice.dropped,
        editorial=editorial,
        time=choice.time,
        budget=_budget(profile, choice.time, settings, book),
        actions=_actions(profile, choice.networks, book),
        starts_from_zero=not profile.accounts,
        notes=tuple(_zero_notes(profile, choice.networks)) + choice.notes,
        sector=profile.sector,
    )
