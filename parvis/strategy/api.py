"""REST endpoints of the strategy co-pilot: diagnostic answers, result, plan, week, alignment.

Engine results are returned as the engine serialises them (``to_jsonable``): every text as
``{"fr": …, "en": …}``, each statement with its figures and their sources. Validation errors
are messages in the request's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.responses import Status

from parvis.accounts.actor import Actor
from parvis.accounts.api_auth import org_access
from parvis.accounts.roles import Role
from parvis.core.api_schemas import (
    Id,
    InputSchema,
    OrgSlug,
    QueryText,
    ValidationErrorOut,
    responses,
)
from parvis.core.scoping import get_scoped_or_404
from parvis.strategy import engine, selectors, services
from parvis.strategy.models import Diagnostic, RoutineTask, week_code, week_monday
from parvis.strategy.texts import local

router = Router(tags=["strategy"])


class ProgressOut(Schema):
    answered: int
    total: int
    percent: int
    is_complete: bool
    next_section_id: str | None
    next_question_id: str | None


class DiagnosticOut(Schema):
    id: int
    answers: dict[str, Any]
    progress: ProgressOut
    errors: dict[str, str]
    started_at: datetime
    completed_at: datetime | None


class AnswersIn(InputSchema):
    answers: dict[str, Any] = {}
    complete: bool = False


class ResultOut(Schema):
    diagnostic_id: int
    completed_at: datetime
    maturity: dict[str, Any]
    placement: dict[str, Any]


class PlanOut(Schema):
    id: int
    diagnostic_id: int
    created_at: datetime
    accepted_at: datetime | None
    minutes_per_week: int
    plan: dict[str, Any]


class TaskOut(Schema):
    id: int
    key: str
    kind: str
    day: date
    at: str
    minutes: int
    title: dict[str, str]
    gain: dict[str, Any]
    network: str
    category: str
    objective: str
    idea: dict[str, str]
    done_at: datetime | None


class RoutineOut(Schema):
    week: str
    monday: date
    minutes_available: int
    total_minutes: int
    trimmed: list[dict[str, Any]]
    tasks: list[TaskOut]


class DoneIn(InputSchema):
    done: bool = True


class SnapshotOut(Schema):
    day: date
    computed_at: datetime
    score: int | None
    components: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    observed: dict[str, Any]


class AlignmentOut(Schema):
    latest: SnapshotOut | None
    history: list[SnapshotOut]


def _diagnostic_out(
    diagnostic: Diagnostic, errors: Mapping[str, engine.Text] | None = None
) -> DiagnosticOut:
    where = engine.progress(diagnostic.answers)
    return DiagnosticOut(
        id=diagnostic.pk,
        answers=diagnostic.answers,
        progress=ProgressOut(
            answered=where.answered,
            total=where.total,
            percent=where.percent,
            is_complete=where.is_complete,
            next_section_id=where.next_section_id,
            next_question_id=where.next_question_id,
        ),
        errors={question: local(message) for question, message in (errors or {}).items()},
        started_at=diagnostic.started_at,
        completed_at=diagnostic.completed_at,
    )


def _task_out(task: RoutineTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        key=task.key,
        kind=task.kind,
        day=task.day,
        at=task.at.strftime("%H:%M"),
        minutes=task.minutes,
        title=task.title,
        gain=task.gain,
        network=task.network,
        category=task.category,
        objective=task.objective,
        idea=task.idea,
        done_at=task.done_at,
    )


@router.get(
    "/o/{org}/strategy/diagnostic/",
    response=responses({200: DiagnosticOut}),
    summary="The diagnostic in progress (else the latest completed one)",
)
def diagnostic_get(request: HttpRequest, org: OrgSlug) -> DiagnosticOut:
    access = org_access(request, org, Role.VIEWER)
    diagnostic = selectors.diagnostic_in_progress(access.organisation) or selectors.latest_result(
        access.organisation
    )
    if diagnostic is None:
        raise HttpError(404, _("No diagnostic yet: PUT answers to start one."))
    return _diagnostic_out(diagnostic)


@router.put(
    "/o/{org}/strategy/diagnostic/",
    # 422: answers the questionnaire refuses (``errors`` per question), or a body that does not
    # match this document.
    response=responses({200: DiagnosticOut, 422: DiagnosticOut | ValidationErrorOut}),
    summary="Save answers (partial allowed); complete=true scores it and builds the plan",
)
def diagnostic_put(
    request: HttpRequest, org: OrgSlug, payload: AnswersIn | None = None
) -> Status[DiagnosticOut]:
    access = org_access(request, org, Role.MANAGER)
    payload = payload or AnswersIn()
    actor = Actor.of_access(access)
    diagnostic = services.diagnostic_start(actor=actor)
    errors = services.diagnostic_save(actor=actor, diagnostic=diagnostic, answers=payload.answers)
    if errors:
        return Status(422, _diagnostic_out(diagnostic, errors))
    if payload.complete:
        missing = engine.validate_answers(diagnostic.answers, require_complete=True)
        if missing:
            return Status(422, _diagnostic_out(diagnostic, missing))
        services.diagnostic_complete(actor=actor, diagnostic=diagnostic)
        diagnostic.refresh_from_db()
    return Status(200, _diagnostic_out(diagnostic))


@router.get(
    "/o/{org}/strategy/result/",
    response=responses({200: ResultOut}),
    summary="Latest diagnostic result",
)
def result_get(request: HttpRequest, org: OrgSlug) -> ResultOut:
    access = org_access(request, org, Role.VIEWER)
    latest = selectors.latest_result(access.organisation)
    if latest is None or latest.completed_at is None:
        raise HttpError(404, _("No completed diagnostic yet."))
    return ResultOut(
        diagnostic_id=latest.pk,
        completed_at=latest.completed_at,
        maturity=latest.results.get("maturity", {}),
        placement=latest.results.get("placement", {}),
    )


@router.get(
    "/o/{org}/strategy/plan/", response=responses({200: PlanOut}), summary="The current plan"
)
def plan_get(request: HttpRequest, org: OrgSlug) -> PlanOut:
    access = org_access(request, org, Role.VIEWER)
    plan = selectors.current_plan(access.organisation)
    if plan is None:
        raise HttpError(404, _("No plan yet: complete the diagnostic first."))
    return PlanOut(
        id=plan.pk,
        diagnostic_id=plan.diagnostic_id,
        created_at=plan.created_at,
        accepted_at=plan.accepted_at,
        minutes_per_week=plan.minutes_per_week,
        plan=plan.data,
    )


def _week(value: str | None, organisation: Any) -> int:
    if not value:
        return week_code(timezone.localtime(timezone.now(), organisation.tzinfo).date())
    try:
        year, number = value.split("-W")
        code = int(year) * 100 + int(number)
        week_monday(code)
    except ValueError as exc:
        # The shape of every 422 about the request itself (``ValidationErrorOut``).
        raise RequestInvalid(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "week"],
                    "msg": _("week must look like 2026-W48."),
                }
            ]
        ) from exc
    return code


@router.get(
    "/o/{org}/strategy/routine/",
    response=responses({200: RoutineOut}),
    summary="The weekly routine (week=YYYY-Www, this week by default)",
)
def routine_get(request: HttpRequest, org: OrgSlug, week: QueryText | None = None) -> RoutineOut:
    access = org_access(request, org, Role.VIEWER)
    plan = selectors.current_plan(access.organisation)
    if plan is None:
        raise HttpError(404, _("No plan yet: complete the diagnostic first."))
    code = _week(week, access.organisation)
    routine = services.routine_ensure(plan=plan, week=code)
    tasks = list(selectors.tasks_of(routine))
    return RoutineOut(
        week=f"{code // 100}-W{code % 100:02d}",
        monday=routine.monday,
        minutes_available=routine.minutes_available,
        total_minutes=sum(t.minutes for t in tasks),
        trimmed=routine.trimmed,
        tasks=[_task_out(t) for t in tasks],
    )


@router.post(
    "/o/{org}/strategy/tasks/{task_id}/done/",
    response=responses({200: TaskOut}),
    summary="Tick or untick a task",
)
def task_done(
    request: HttpRequest, org: OrgSlug, task_id: Id, payload: DoneIn | None = None
) -> TaskOut:
    access = org_access(request, org, Role.CONTRIBUTOR)
    task = get_scoped_or_404(RoutineTask, access.organisation, pk=task_id)
    done = payload.done if payload is not None else True
    try:
        services.task_set_done(actor=Actor.of_access(access), task=task, done=done)
    except ValidationError as exc:  # a task of another member's week
        raise HttpError(403, str(exc)) from exc
    return _task_out(task)


@router.get(
    "/o/{org}/strategy/alignment/",
    response=responses({200: AlignmentOut}),
    summary="The alignment score, its three changes, and its history (oldest first)",
)
def alignment_get(request: HttpRequest, org: OrgSlug) -> AlignmentOut:
    access = org_access(request, org, Role.VIEWER)
    history = list(selectors.alignment_history(access.organisation))
    rows = [
        SnapshotOut(
            day=s.day,
            computed_at=s.computed_at,
            score=s.score,
            components=s.components,
            changes=s.changes,
            observed=s.observed,
        )
        for s in history
    ]
    return AlignmentOut(latest=rows[-1] if rows else None, history=rows)


@router.post(
    "/o/{org}/strategy/alignment/",
    response=responses({200: AlignmentOut}),
    summary="Measure the alignment score now",
)
def alignment_post(request: HttpRequest, org: OrgSlug) -> AlignmentOut:
    access = org_access(request, org, Role.CONTRIBUTOR)
    if selectors.current_plan(access.organisation) is None:
        raise HttpError(404, _("No plan yet: complete the diagnostic first."))
    services.alignment_recompute(organisation=access.organisation)
    return alignment_get(request, org)
