"""Strategy pages: the diagnostic (one section per step), its result, the plan, "Ma semaine",
the alignment score and the quarterly review. Views only translate to services and selectors."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from parvis.accounts.access import OrgRequest, org_view
from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.scoping import get_scoped_or_404
from parvis.strategy import charts, drafting, engine, forms, selectors, services, tools
from parvis.strategy.engine.scoring import AXIS_LABELS
from parvis.strategy.models import Diagnostic, Plan, RoutineTask, week_code, week_monday
from parvis.strategy.texts import local

# How many comparison sentences the result page shows (the engine may give up to fifteen).
COMPARISONS_SHOWN = 5
WEEK_PARAM = re.compile(r"^(\d{4})-W(\d{2})$")


def _actor(request: OrgRequest) -> Actor:
    return Actor.of(request.membership)


def _today() -> date:
    return timezone.localdate()  # org_view activated the organisation's time zone


def _week_from(request: HttpRequest) -> int:
    """``?week=2026-W48`` or the current week."""
    match = WEEK_PARAM.match(request.GET.get("week", ""))
    if match:
        code = int(match.group(1)) * 100 + int(match.group(2))
        try:
            week_monday(code)
        except ValueError:
            pass
        else:
            return code
    return week_code(_today())


def _week_label(code: int) -> str:
    return f"{code // 100}-W{code % 100:02d}"


# --- diagnostic -----------------------------------------------------------------------------


def _progress_context(answers: dict[str, object]) -> dict[str, Any]:
    where = engine.progress(answers)
    return {"progress": where, "estimated_minutes": engine.estimated_minutes()}


def _render_step(
    request: OrgRequest,
    diagnostic: Diagnostic,
    section: engine.Section,
    values: dict[str, object],
    errors: dict[str, engine.Text],
) -> HttpResponse:
    context = {
        "diagnostic": diagnostic,
        "section": section,
        "sections": engine.QUESTIONNAIRE,
        "step_number": forms.section_index(section) + 1,
        "step_count": len(engine.QUESTIONNAIRE),
        "questions": forms.question_views(section, values, errors),
        "errors": errors,
        "is_last": forms.next_section(section) is None,
        "has_previous": forms.previous_section(section) is not None,
        **_progress_context(diagnostic.answers),
    }
    return render(request, "strategy/diagnostic_step.html", context)


def _render_recap(request: OrgRequest, diagnostic: Diagnostic) -> HttpResponse:
    answers = dict(diagnostic.answers)
    where = engine.progress(answers)
    context = {
        "diagnostic": diagnostic,
        "recap": forms.recap(answers),
        "resume_step": where.next_section_id or engine.QUESTIONNAIRE[-1].id,
        **_progress_context(answers),
    }
    return render(request, "strategy/diagnostic_recap.html", context)


@require_http_methods(["GET", "POST"])
@org_view(Role.MANAGER)
def diagnostic(request: OrgRequest) -> HttpResponse:
    """GET: the intro, or the step where a half-done diagnostic stopped. POST: save a step."""
    slug = request.organisation.slug
    current = selectors.diagnostic_in_progress(request.organisation)
    if current is None:
        if request.method == "POST":
            return redirect("strategy:diagnostic", org=slug)
        return render(
            request,
            "strategy/diagnostic_intro.html",
            {
                "latest": selectors.latest_result(request.organisation),
                "estimated_minutes": engine.estimated_minutes(),
                "section_count": len(engine.QUESTIONNAIRE),
            },
        )
    if request.method == "GET":
        where = engine.progress(current.answers)
        if "step" not in request.GET and where.answered:
            # Resuming: first the answers given so far, each with a link to change it.
            return _render_recap(request, current)
        section = (
            forms.section_by_id(request.GET.get("step"))
            or forms.section_by_id(where.next_section_id)
            or engine.QUESTIONNAIRE[-1]
        )
        return _render_step(request, current, section, dict(current.answers), {})

    section = forms.section_by_id(request.POST.get("step")) or engine.QUESTIONNAIRE[0]
    submitted = forms.parse_section(section, request.POST)
    errors = services.diagnostic_save(actor=_actor(request), diagnostic=current, answers=submitted)
    action = request.POST.get("action", "next")
    if action == "later":
        messages.success(request, _("Your answers are saved. Come back whenever you like."))
        return redirect("strategy:diagnostic_paused", org=slug)
    if action == "back":
        previous = forms.previous_section(section) or section
        return redirect(f"{reverse('strategy:diagnostic', args=[slug])}?step={previous.id}")
    errors = {**forms.missing_answers(section, current.answers), **errors}
    if errors:
        values = {**current.answers, **{k: v for k, v in submitted.items() if v is not None}}
        values.update(forms.typed_back(section, request.POST, errors))
        return _render_step(request, current, section, values, errors)
    following = forms.next_section(section)
    if following is not None:
        return redirect(f"{reverse('strategy:diagnostic', args=[slug])}?step={following.id}")
    where = engine.progress(current.answers)
    if not where.is_complete:
        left = where.total - where.answered
        messages.error(
            request,
            ngettext(
                "%(count)d question still needs an answer.",
                "%(count)d questions still need an answer.",
                left,
            )
            % {"count": left},
        )
        return redirect(
            f"{reverse('strategy:diagnostic', args=[slug])}?step={where.next_section_id}"
        )
    try:
        services.diagnostic_complete(actor=_actor(request), diagnostic=current)
    except engine.IncompleteDiagnosticError:
        messages.error(request, _("Some answers are missing or not valid."))
        return redirect("strategy:diagnostic", org=slug)
    return redirect("strategy:result", org=slug)


@org_view(Role.MANAGER)
def diagnostic_paused(request: OrgRequest) -> HttpResponse:
    current = selectors.diagnostic_in_progress(request.organisation)
    answers = dict(current.answers) if current else {}
    return render(request, "strategy/diagnostic_paused.html", _progress_context(answers))


@require_POST
@org_view(Role.MANAGER)
def diagnostic_start(request: OrgRequest) -> HttpResponse:
    diagnostic = services.diagnostic_start(actor=_actor(request))
    first = engine.QUESTIONNAIRE[0].id
    if diagnostic.answers and engine.progress(diagnostic.answers).is_complete:
        # A retake starts from the previous answers: walk through them from the first step.
        step = first
    else:
        step = engine.progress(diagnostic.answers).next_section_id or first
    url = reverse("strategy:diagnostic", args=[request.organisation.slug])
    return redirect(f"{url}?step={step}")


@org_view()
def result(request: OrgRequest) -> HttpResponse:
    latest = selectors.latest_result(request.organisation)
    if latest is None:
        return redirect("strategy:diagnostic", org=request.organisation.slug)
    placement = latest.results.get("placement", {})
    context = {
        "diagnostic": latest,
        "maturity": latest.results.get("maturity", {}),
        "placement": placement,
        "comparisons": (placement.get("comparisons") or [])[:COMPARISONS_SHOWN],
        "plan": selectors.current_plan(request.organisation),
    }
    return render(request, "strategy/result.html", context)


# --- plan and week --------------------------------------------------------------------------


def _tools_now(request: OrgRequest, current: Plan) -> tools.PlanTools:
    chosen = selectors.engine_plan(current)
    routine = engine.build_routine(
        chosen, minutes_available=current.minutes_per_week, week=week_code(_today())
    )
    return tools.plan_tools(request.organisation, chosen, routine)


@org_view()
def plan(request: OrgRequest) -> HttpResponse:
    current = selectors.current_plan(request.organisation)
    if current is None:
        return redirect("strategy:diagnostic", org=request.organisation.slug)
    mix = current.data.get("editorial", {}).get("category_mix", {})
    context = {
        "plan": current,
        "data": current.data,
        "mix": sorted(mix.items(), key=lambda kv: -kv[1]),
        "can_accept": request.membership.can(Role.MANAGER),
        "tools": _tools_now(request, current) if current.accepted_at else None,
    }
    return render(request, "strategy/plan.html", context)


@require_POST
@org_view(Role.MANAGER)
def plan_accept(request: OrgRequest) -> HttpResponse:
    current = selectors.current_plan(request.organisation)
    if current is None:
        return redirect("strategy:diagnostic", org=request.organisation.slug)
    outcome = services.plan_accept(actor=_actor(request), plan=current)
    messages.success(
        request,
        ngettext(
            "Plan adopted: %(count)d recurring slot added to the publishing queue.",
            "Plan adopted: %(count)d recurring slots added to the publishing queue.",
            outcome.slots_created,
        )
        % {"count": outcome.slots_created}
        + " "
        + ngettext(
            "Inbox response-time goal: %(hours)d hour.",
            "Inbox response-time goal: %(hours)d hours.",
            outcome.tools.goal_hours,
        )
        % {"hours": outcome.tools.goal_hours},
    )
    url = reverse("strategy:plan", args=[request.organisation.slug])
    return redirect(f"{url}#tools")


def week_context(request: OrgRequest, current: Plan, week: int) -> dict[str, Any]:
    routine = services.routine_ensure(plan=current, week=week)
    tasks = list(selectors.tasks_of(routine))
    alignment = selectors.alignment_latest(request.organisation)
    if alignment is None:
        alignment = services.alignment_recompute(organisation=request.organisation)
    days: list[dict[str, Any]] = []
    for task in tasks:
        if not days or days[-1]["weekday"] != task.weekday:
            days.append({"weekday": task.weekday, "day": task.day, "tasks": []})
        days[-1]["tasks"].append(task)
    return {
        "plan": current,
        "routine": routine,
        "days": days,
        "total_minutes": sum(t.minutes for t in tasks),
        "done_minutes": sum(t.minutes for t in tasks if t.is_done),
        "done_count": sum(1 for t in tasks if t.is_done),
        "task_count": len(tasks),
        "alignment": alignment,
        "week_label": _week_label(week),
        "previous_week": _week_label(week_code(routine.monday - timedelta(days=7))),
        "next_week": _week_label(week_code(routine.monday + timedelta(days=7))),
        "is_this_week": week == week_code(_today()),
        "can_tick": request.membership.can(Role.CONTRIBUTOR),
        "inbox_ready": tools.inbox_ready(request.organisation),
    }


def render_week(request: OrgRequest, current: Plan, *, as_home: bool = False) -> HttpResponse:
    """ "Ma semaine"; also the organisation's home page once it has a plan (``as_home``)."""
    context = week_context(request, current, _week_from(request))
    context["as_home"] = as_home
    return render(request, "strategy/week.html", context)


@org_view()
def week(request: OrgRequest) -> HttpResponse:
    current = selectors.current_plan(request.organisation)
    if current is None:
        return render(request, "strategy/no_plan.html")
    return render_week(request, current)


@require_POST
@org_view(Role.CONTRIBUTOR)
def task_done(request: OrgRequest, task_id: int) -> HttpResponse:
    task = get_scoped_or_404(RoutineTask, request.organisation, pk=task_id)
    services.task_set_done(actor=_actor(request), task=task, done=request.POST.get("done") != "0")
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "task": task,
            "can_tick": True,
            "inbox_ready": tools.inbox_ready(request.organisation),
        }
        return render(request, "strategy/_task.html", context)
    return redirect(_week_url(request, task))


def _week_url(request: OrgRequest, task: RoutineTask) -> str:
    url = reverse("strategy:week", args=[request.organisation.slug])
    return f"{url}?week={_week_label(task.routine.week)}"


@require_POST
@org_view(Role.CONTRIBUTOR)
def task_draft(request: OrgRequest, task_id: int) -> HttpResponse:
    """Write a post from the task's idea: a draft linked to the task (so the alignment score
    counts it), opened in the publishing composer."""
    task = get_scoped_or_404(RoutineTask, request.organisation, pk=task_id)
    try:
        post = drafting.task_draft_post(actor=_actor(request), task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_week_url(request, task))
    return redirect("posts:edit", org=request.organisation.slug, post_id=post.pk)


# --- alignment and review -------------------------------------------------------------------


def _history_chart(request: OrgRequest) -> charts.Chart:
    maturity = [
        (timezone.localtime(d.completed_at).date(), d.overall)
        for d in selectors.completed_diagnostics(request.organisation)
        if d.completed_at is not None and d.overall is not None
    ]
    alignment = [
        (s.day, s.score)
        for s in selectors.alignment_history(request.organisation)
        if s.score is not None
    ]
    return charts.line_chart(
        [
            ("maturity", _("Maturity"), maturity),
            ("alignment", _("Alignment"), alignment),
        ]
    )


@org_view()
def alignment(request: OrgRequest) -> HttpResponse:
    current = selectors.current_plan(request.organisation)
    if current is None:
        return render(request, "strategy/no_plan.html")
    latest = selectors.alignment_latest(request.organisation)
    if latest is None:
        latest = services.alignment_recompute(organisation=request.organisation)
    context = {
        "alignment": latest,
        "history": list(selectors.alignment_history(request.organisation).reverse()[:20]),
        "chart": _history_chart(request),
        "can_refresh": request.membership.can(Role.CONTRIBUTOR),
    }
    return render(request, "strategy/alignment.html", context)


@require_POST
@org_view(Role.CONTRIBUTOR)
def alignment_refresh(request: OrgRequest) -> HttpResponse:
    snapshot = services.alignment_recompute(organisation=request.organisation)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "strategy/_alignment_card.html",
            {"alignment": snapshot, "can_refresh": True},
        )
    return redirect("strategy:alignment", org=request.organisation.slug)


@org_view()
def review(request: OrgRequest) -> HttpResponse:
    done = list(selectors.completed_diagnostics(request.organisation))
    changes: list[Any] = []
    if len(done) >= 2:
        before, after = (
            engine.score_maturity(engine.profile_from_answers(d.answers)) for d in done[-2:]
        )
        changes = [
            {
                "label": local(AXIS_LABELS[c.axis]),
                "before": c.before,
                "after": c.after,
                "delta": c.delta,
            }
            for c in engine.compare_scores(before, after)
        ]
    context = {
        "diagnostics": list(reversed(done)),
        "changes": changes,
        "chart": _history_chart(request),
        "in_progress": selectors.diagnostic_in_progress(request.organisation),
        "can_retake": request.membership.can(Role.MANAGER),
    }
    return render(request, "strategy/review.html", context)
