"""Workflows of the strategy co-pilot: the diagnostic, the plan, the week, the alignment score.

Every function is keyword-only, checks the caller's role and writes the audit log for what a
person does. The engine computes; these functions store what it computed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.enqueue import task_send
from parvis.strategy import engine, selectors, tools
from parvis.strategy.models import (
    AlignmentSnapshot,
    Diagnostic,
    Plan,
    RoutineTask,
    WeeklyRoutine,
    week_code,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation


def own(actor: Actor, row: Diagnostic | Plan | RoutineTask) -> None:
    if row.organisation_id != actor.organisation.pk:
        raise PermissionDenied(_("This belongs to another organisation."))


# --- diagnostic -----------------------------------------------------------------------------


@transaction.atomic
def diagnostic_start(*, actor: Actor, now: datetime | None = None) -> Diagnostic:
    """The diagnostic to fill: the one in progress, else a new one.

    A new run (the quarterly review) starts from the previous answers, so the leader only
    changes what changed.
    """
    actor.require(Role.MANAGER)
    existing = selectors.diagnostic_in_progress(actor.organisation)
    if existing is not None:
        return existing
    now = now or timezone.now()
    previous = selectors.latest_result(actor.organisation)
    diagnostic = Diagnostic.objects.create(
        organisation=actor.organisation,
        answers=dict(previous.answers) if previous else {},
        started_by=actor.user,
        started_at=now,
        updated_at=now,
    )
    actor.audit("diagnostic.started", diagnostic, retake=previous is not None)
    return diagnostic


@transaction.atomic
def diagnostic_save(
    *,
    actor: Actor,
    diagnostic: Diagnostic,
    answers: Mapping[str, object],
    now: datetime | None = None,
) -> dict[str, engine.Text]:
    """Merge ``answers`` into the diagnostic; return the engine's errors (French and English).

    Acceptable answers are kept even when others in the same batch are not (a step is never
    lost); ``None`` clears an answer. A completed diagnostic is history and never changes.
    """
    actor.require(Role.MANAGER)
    own(actor, diagnostic)
    if diagnostic.is_complete:
        raise ValidationError(_("This diagnostic is completed; start a new one to change it."))
    errors = engine.validate_answers(answers)
    merged = dict(diagnostic.answers)
    for question_id, value in answers.items():
        if question_id in errors:
            continue
        if value is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = value
    if merged != diagnostic.answers:
        diagnostic.answers = merged
        diagnostic.updated_at = now or timezone.now()
        diagnostic.save(update_fields=["answers", "updated_at"])
    return errors


@transaction.atomic
def diagnostic_complete(
    *, actor: Actor, diagnostic: Diagnostic, now: datetime | None = None
) -> Plan:
    """Score, place and plan; the new plan becomes the organisation's current one.

    Raises ``engine.IncompleteDiagnosticError`` (with the messages per question) when the
    answers are not complete and valid.
    """
    actor.require(Role.MANAGER)
    own(actor, diagnostic)
    if diagnostic.is_complete:
        raise ValidationError(_("This diagnostic is already completed."))
    now = now or timezone.now()
    profile = engine.profile_from_answers(diagnostic.answers)
    maturity = engine.score_maturity(profile)
    diagnostic.results = {
        "maturity": engine.to_jsonable(maturity),
        "placement": engine.to_jsonable(engine.place_company(profile)),
    }
    diagnostic.completed_at = now
    diagnostic.save(update_fields=["results", "completed_at"])
    actor.audit("diagnostic.completed", diagnostic, overall=maturity.overall)
    plan = _plan_create(diagnostic=diagnostic, profile=profile, now=now)
    actor.audit("plan.created", plan, minutes=plan.minutes_per_week)
    alignment_request(organisation_id=actor.organisation.pk)
    return plan


def _plan_create(*, diagnostic: Diagnostic, profile: engine.CompanyProfile, now: datetime) -> Plan:
    Plan.objects.for_organisation(diagnostic.organisation).filter(is_current=True).update(
        is_current=False
    )
    return Plan.objects.create(
        organisation=diagnostic.organisation,
        diagnostic=diagnostic,
        data=engine.to_jsonable(engine.build_plan(profile)),
        minutes_per_week=profile.minutes_per_week,
        created_at=now,
        is_current=True,
        is_demo=diagnostic.is_demo,
    )


# --- plan and routine -----------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptOutcome:
    plan: Plan
    tools: tools.PlanTools

    @property
    def slots_created(self) -> int:
        return self.tools.slots_created


@transaction.atomic
def plan_accept(*, actor: Actor, plan: Plan, now: datetime | None = None) -> AcceptOutcome:
    """Adopt the plan: it sets up the tools (``strategy.tools``): the publishing queue's slots
    for each account of the networks it chose, and the inbox's response-time goal.

    Safe to repeat: a slot that already exists (same day, time and account) is not doubled, and
    adopting again after connecting an account adds that account's slots.
    """
    actor.require(Role.MANAGER)
    own(actor, plan)
    now = now or timezone.now()
    week = week_code(timezone.localtime(now, actor.organisation.tzinfo).date())
    chosen = selectors.engine_plan(plan)
    routine = engine.build_routine(chosen, minutes_available=plan.minutes_per_week, week=week)
    set_up = tools.tools_set_up(actor=actor, plan=chosen, routine=routine)
    if plan.accepted_at is None:
        plan.accepted_at = now
        plan.accepted_by = actor.user
        plan.save(update_fields=["accepted_at", "accepted_by"])
    actor.audit(
        "plan.accepted",
        plan,
        queue_slots=set_up.slots_created,
        goal_hours=set_up.goal_hours,
    )
    return AcceptOutcome(plan, set_up)


def routine_ensure(*, plan: Plan, week: int) -> WeeklyRoutine:
    """The stored routine of ``week`` for ``plan``, built by the engine the first time.

    No permission check: it only stores what the engine deterministically derives from the plan
    (any member who may see the plan may see its week). Safe under concurrent calls.
    """
    existing = selectors.routine_of_week(plan, week)
    if existing is not None:
        return existing
    built = engine.build_routine(
        selectors.engine_plan(plan), minutes_available=plan.minutes_per_week, week=week
    )
    try:
        with transaction.atomic():
            routine = WeeklyRoutine.objects.create(
                organisation=plan.organisation,
                plan=plan,
                week=week,
                minutes_available=built.minutes_available,
                trimmed=[engine.to_jsonable(s) for s in built.trimmed],
            )
            RoutineTask.objects.bulk_create([_task_row(routine, task) for task in built.tasks])
    except IntegrityError:
        # Another request stored the same week first; theirs is identical.
        return WeeklyRoutine.objects.get(plan=plan, week=week)
    return routine


def _task_row(routine: WeeklyRoutine, task: engine.RoutineTask) -> RoutineTask:
    return RoutineTask(
        organisation=routine.organisation,
        routine=routine,
        key=task.id,
        kind=task.kind.value,
        weekday=task.weekday,
        at=task.at,
        minutes=task.minutes,
        title=engine.to_jsonable(task.title),
        gain=engine.to_jsonable(task.gain),
        network=task.network.value if task.network else "",
        category=task.category.value if task.category else "",
        objective=task.objective.value if task.objective else "",
        idea=engine.to_jsonable(task.idea.text) if task.idea else {},
    )


@transaction.atomic
def task_set_done(
    *, actor: Actor, task: RoutineTask, done: bool = True, now: datetime | None = None
) -> RoutineTask:
    """Tick (or untick) a task of the week."""
    actor.require(Role.CONTRIBUTOR)
    own(actor, task)
    if done == task.is_done:
        return task
    task.done_at = (now or timezone.now()) if done else None
    task.done_by = actor.user if done else None
    task.save(update_fields=["done_at", "done_by"])
    actor.audit("routine_task.done" if done else "routine_task.undone", task)
    return task


# --- alignment ------------------------------------------------------------------------------


def alignment_recompute(
    *, organisation: Organisation, now: datetime | None = None
) -> AlignmentSnapshot | None:
    """Measure what the organisation did and score it against its current plan.

    Keeps at most one snapshot a day (the day's latest value); ``None`` without a plan. Safe to
    run twice.
    """
    plan = selectors.current_plan(organisation)
    if plan is None:
        return None
    now = now or timezone.now()
    weeks = selectors.alignment_window_weeks(plan, now)
    activity = selectors.observed_activity(organisation, weeks=weeks, now=now)
    result = engine.alignment_score(selectors.engine_plan(plan), activity)
    values = {
        "plan": plan,
        "computed_at": now,
        "score": result.score,
        "components": engine.to_jsonable(result.components),
        "changes": engine.to_jsonable(result.changes),
        "observed": selectors.observed_json(activity),
        "is_demo": organisation.is_demo,
    }
    day = timezone.localtime(now, organisation.tzinfo).date()
    snapshot, _created = AlignmentSnapshot.objects.update_or_create(
        organisation=organisation, day=day, defaults=values
    )
    return snapshot


# Requests from a burst of changes in one organisation (a dispatcher publishing dozens of its
# posts a second) are grouped: the first one runs this much later, and those made before it
# runs are not sent, since its computation counts them.
ALIGNMENT_GROUP_S = 2.0
_grouped_until: dict[int, float] = {}  # organisation id -> time.time() its request runs
_grouped_lock = threading.Lock()


def alignment_request(*, organisation_id: int, grouped: bool = False) -> None:
    """Recompute the alignment score in the background once the current transaction commits.

    Called when a plan is made, and by ``strategy.signals`` when a post goes live or a message
    gets its first answer, so that the score follows at once rather than at the next sweep.
    The request carries the moment it runs: a computation made since then already counts
    every change committed before it, so ``strategy.recompute_alignment_one`` drops it.
    ``grouped`` requests (the signals') run ``ALIGNMENT_GROUP_S`` later and send nothing more
    for that organisation until then: one message per burst instead of one per post.
    """

    def _send() -> None:
        now = time.time()
        runs_at = now
        if grouped:
            with _grouped_lock:
                if _grouped_until.get(organisation_id, 0.0) > now:
                    return  # a request that runs after this commit is on its way
                runs_at = _grouped_until[organisation_id] = now + ALIGNMENT_GROUP_S
        moment = datetime.fromtimestamp(runs_at, tz=UTC)
        try:
            args = (organisation_id, moment.isoformat())
            # By name: tasks.py imports this module.
            if grouped:
                task_send("strategy.recompute_alignment_one", args, eta=moment)
            else:
                task_send("strategy.recompute_alignment_one", args)
        except Exception:  # never fail what triggered it: the periodic sweep catches up
            with _grouped_lock:
                _grouped_until.pop(organisation_id, None)
            log.warning("strategy.alignment_request_failed", exc_info=True)

    transaction.on_commit(_send)


def alignment_requests_forget() -> None:
    """Forget the grouped requests on their way (tests start each case from nothing)."""
    with _grouped_lock:
        _grouped_until.clear()
