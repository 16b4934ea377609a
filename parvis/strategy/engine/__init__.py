"""The strategy co-pilot's pure engine: diagnostic, scoring, placement, plan, routine, alignment.

No Django, no ORM: plain typed data in, plain typed data out. The Django app
``parvis.strategy`` stores the answers and results and calls these functions. Every text meant
for people is a :class:`Text` in French and English; the Django layer shows one of them.

Typical flow::

    errors = validate_answers(answers)            # while the user fills the form
    where = progress(answers)                     # resume a half-done diagnostic
    profile = profile_from_answers(answers)       # once complete
    maturity = score_maturity(profile)
    placement = place_company(profile)
    plan = build_plan(profile)
    routine = build_routine(plan, minutes_available=profile.minutes_per_week, week=202648)
    alignment = alignment_score(plan, ObservedActivity(...))
    stored = to_jsonable(plan)                    # JSON for the database and the API
    assert plan_from_jsonable(stored) == plan     # read back as it was adopted
"""

from __future__ import annotations

from parvis.strategy.engine.alignment import (
    AlignmentScore,
    Change,
    Component,
    ComponentScore,
    ObservedActivity,
    alignment_score,
)
from parvis.strategy.engine.editorial import EditorialLine
from parvis.strategy.engine.figures import (
    Figure,
    FigureBook,
    Statement,
    default_figures,
    figure,
    load_figures,
)
from parvis.strategy.engine.ideas import ContentIdea, IdeaBook, default_ideas, load_ideas
from parvis.strategy.engine.network_choice import (
    DropAction,
    DroppedNetwork,
    NetworkPlan,
    NetworkStatus,
    TimeAllocation,
)
from parvis.strategy.engine.objectives import RankedObjective
from parvis.strategy.engine.placement import Placement, Quadrant, QuadrantShare, place_company
from parvis.strategy.engine.plan import Budget, Plan, PlanAction, PlanSettings, build_plan
from parvis.strategy.engine.profile import (
    CompanyProfile,
    IncompleteDiagnosticError,
    profile_from_answers,
)
from parvis.strategy.engine.questionnaire import (
    QUESTIONNAIRE,
    QUESTIONS,
    Answers,
    Choice,
    Progress,
    Question,
    QuestionKind,
    Section,
    estimated_minutes,
    progress,
    validate_answers,
)
from parvis.strategy.engine.routine import (
    QueueSlot,
    RoutineTask,
    TaskKind,
    WeeklyRoutine,
    build_routine,
)
from parvis.strategy.engine.scoring import (
    Axis,
    AxisScore,
    Driver,
    MaturityScore,
    ScoreChange,
    compare_scores,
    score_maturity,
)
from parvis.strategy.engine.serialize import from_jsonable, plan_from_jsonable, to_jsonable
from parvis.strategy.engine.text import Text

__all__ = [
    "QUESTIONNAIRE",
    "QUESTIONS",
    "AlignmentScore",
    "Answers",
    "Axis",
    "AxisScore",
    "Budget",
    "Change",
    "Choice",
    "CompanyProfile",
    "Component",
    "ComponentScore",
    "ContentIdea",
    "Driver",
    "DropAction",
    "DroppedNetwork",
    "EditorialLine",
    "Figure",
    "FigureBook",
    "IdeaBook",
    "IncompleteDiagnosticError",
    "MaturityScore",
    "NetworkPlan",
    "NetworkStatus",
    "ObservedActivity",
    "Placement",
    "Plan",
    "PlanAction",
    "PlanSettings",
    "Progress",
    "Quadrant",
    "QuadrantShare",
    "Question",
    "QuestionKind",
    "QueueSlot",
    "RankedObjective",
    "RoutineTask",
    "ScoreChange",
    "Section",
    "Statement",
    "TaskKind",
    "Text",
    "TimeAllocation",
    "WeeklyRoutine",
    "alignment_score",
    "build_plan",
    "build_routine",
    "compare_scores",
    "default_figures",
    "default_ideas",
    "estimated_minutes",
    "figure",
    "from_jsonable",
    "load_figures",
    "load_ideas",
    "place_company",
    "plan_from_jsonable",
    "profile_from_answers",
    "progress",
    "score_maturity",
    "to_jsonable",
    "validate_answers",
]
