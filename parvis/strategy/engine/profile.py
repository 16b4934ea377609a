"""A completed diagnostic as typed data: what scoring, placement and planning read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.strategy.engine.choices import (
    ACCOUNT_ALIVE,
    ACCOUNT_EXISTS,
    AccountActivity,
    BudgetBand,
    HeadcountBand,
    Measurement,
    Obstacle,
    Publisher,
    ReplyHabit,
    ResponseDelay,
    Sector,
    SelfActivity,
    Tempo,
    Website,
)
from parvis.strategy.engine.questionnaire import Answers, validate_answers
from parvis.strategy.engine.text import Text


class IncompleteDiagnosticError(ValueError):
    """The answers are not complete or not valid; ``errors`` holds the messages per question."""

    def __init__(self, errors: Mapping[str, Text]) -> None:
        super().__init__(f"diagnostic not usable: {sorted(errors)}")
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """One company's diagnostic answers, typed. Build it with :func:`profile_from_answers`."""

    headcount: HeadcountBand
    sector: Sector
    b2b_share: int
    website: Website
    networks: Mapping[Network, AccountActivity]
    self_activity: SelfActivity
    tempo: Tempo
    leader_active: bool
    publishers: frozenset[Publisher]
    trained: bool
    minutes_per_week: int
    budget: BudgetBand
    objectives: tuple[Objective, ...]
    written_objectives: bool
    editorial_line: bool
    calendar: bool
    measurement: Measurement
    reply_habit: ReplyHabit
    response_delay: ResponseDelay | None = None
    hourly_cost_eur: int | None = None
    published_categories: frozenset[ContentCategory] = frozenset()
    obstacles: frozenset[Obstacle] = frozenset()

    def activity(self, network: Network) -> AccountActivity:
        return self.networks.get(network, AccountActivity.NO_ACCOUNT)

    @property
    def accounts(self) -> tuple[Network, ...]:
        """Networks where the company has an account, alive or not, in vocabulary order."""
        return tuple(n for n in Network if self.activity(n) in ACCOUNT_EXISTS)

    @property
    def alive_accounts(self) -> tuple[Network, ...]:
        """Networks where the company published in the last three months."""
        return tuple(n for n in Network if self.activity(n) in ACCOUNT_ALIVE)

    @property
    def is_b2b(self) -> bool:
        return self.b2b_share >= 50

    @property
    def is_b2c(self) -> bool:
        return self.b2b_share <= 50


def profile_from_answers(answers: Answers) -> CompanyProfile:
    """Type a complete, valid set of answers; raise :class:`IncompleteDiagnosticError` if not."""
    errors = validate_answers(answers, require_complete=True)
    if errors:
        raise IncompleteDiagnosticError(errors)

    def text(key: str) -> str:
        return str(answers[key])

    def flag(key: str) -> bool:
        return bool(answers[key])

    def items(key: str) -> list[str]:
        value = answers.get(key)
        return [str(item) for item in value] if isinstance(value, list) else []

    grid = answers["networks"]
    assert isinstance(grid, dict)  # guaranteed by validation
    delay = answers.get("response_delay")
    reply_habit = ReplyHabit(text("reply_habit"))
    asked_delay = reply_habit in (ReplyHabit.ALWAYS, ReplyHabit.SOMETIMES)
    cost = answers.get("hourly_cost")
    return CompanyProfile(
        headcount=HeadcountBand(text("headcount")),
        sector=Sector(text("sector")),
        b2b_share=int(str(answers["b2b_share"])),
        website=Website(text("website")),
        networks={Network(k): AccountActivity(str(v)) for k, v in grid.items()},
        self_activity=SelfActivity(text("self_activity")),
        tempo=Tempo(text("tempo")),
        leader_active=flag("leader_active"),
        publishers=frozenset(Publisher(v) for v in items("publishers")),
        trained=flag("trained"),
        minutes_per_week=int(str(answers["minutes_per_week"])),
        budget=BudgetBand(text("budget")),
        objectives=tuple(Objective(v) for v in items("objectives")),
        written_objectives=flag("written_objectives"),
        editorial_line=flag("editorial_line"),
        calendar=flag("calendar"),
        measurement=Measurement(text("measurement")),
        reply_habit=reply_habit,
        response_delay=ResponseDelay(str(delay)) if asked_delay and delay is not None else None,
        hourly_cost_eur=int(str(cost)) if cost is not None else None,
        published_categories=frozenset(ContentCategory(v) for v in items("published_categories")),
        obstacles=frozenset(Obstacle(v) for v in items("obstacles")),
    )
