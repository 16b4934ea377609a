"""Diagnostics, plans, weekly routines and the alignment history of an organisation.

The strategy engine (``parvis.strategy.engine``) computes everything; these rows keep what it
computed (JSON snapshots made with ``to_jsonable``, every text in French and English) and what
people did (answers, ticked tasks), so pages and the REST API read history without recomputing
it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from parvis.core.models import OrganisationOwned
from parvis.strategy.texts import local


class Diagnostic(OrganisationOwned):
    """One run of the questionnaire. Answers are the engine's plain mapping; a half-done run
    keeps a partial mapping. ``results`` (maturity, placement) is set once, on completion."""

    answers = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"diagnostic {self.pk} ({self.started_at:%Y-%m-%d})"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def overall(self) -> int | None:
        """Overall maturity (0–100) of a completed diagnostic."""
        maturity: dict[str, Any] = self.results.get("maturity") or {}
        value = maturity.get("overall")
        return int(value) if isinstance(value, int | float) else None


class Plan(OrganisationOwned):
    """The plan built from one completed diagnostic (``data`` = ``to_jsonable(build_plan())``).

    Exactly one plan per organisation is current: the latest one. ``data`` is the plan as it
    was shown and adopted; the week and the alignment score read it back
    (``selectors.engine_plan``) rather than applying today's rules to the answers again.
    """

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="plans")
    data = models.JSONField(default=dict)
    minutes_per_week = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"plan {self.pk} ({self.created_at:%Y-%m-%d})"


def week_code(day: date) -> int:
    """The ISO week of ``day`` as ``year × 100 + week`` (what the engine calls ``week``)."""
    year, week, _weekday = day.isocalendar()
    return year * 100 + week


def week_monday(code: int) -> date:
    return date.fromisocalendar(code // 100, code % 100, 1)


class WeeklyRoutine(OrganisationOwned):
    """The routine of one ISO week for one plan (the engine's ``WeeklyRoutine``, stored)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="routines")
    week = models.PositiveIntegerField()  # ISO year × 100 + ISO week number
    minutes_available = models.PositiveIntegerField()
    trimmed = models.JSONField(default=list, blank=True)  # Statements (JSON)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], name="strategy_one_routine_per_week")
        ]

    def __str__(self) -> str:
        return f"week {self.week} (plan {self.plan_id})"

    @property
    def monday(self) -> date:
        return week_monday(self.week)


class RoutineTask(OrganisationOwned):
    """One task of a week; ``key`` is the engine's stable id, so regenerating never doubles."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "publish"
        INBOX = "inbox", "inbox"
        WATCH = "watch", "watch"
        REVIEW = "review", "review"

    routine = models.ForeignKey(WeeklyRoutine, on_delete=models.CASCADE, related_name="tasks")
    key = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    weekday = models.PositiveSmallIntegerField()  # Monday = 0
    at = models.TimeField()
    minutes = models.PositiveIntegerField()
    title = models.JSONField(default=dict)  # a Text (JSON): {"fr": …, "en": …}
    gain = models.JSONField(default=dict)  # a Statement (JSON): text, figures, sources
    network = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=30, blank=True)
    objective = models.CharField(max_length=30, blank=True)
    idea = models.JSONField(default=dict, blank=True)  # a Text (JSON); {} without an idea
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The draft written from this task's idea, when there is one.
    post = models.ForeignKey(
        "publishing.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["weekday", "at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "key"], name="strategy_one_task_per_key")
        ]

    def __str__(self) -> str:
        return local(self.title)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def day(self) -> date:
        return self.routine.monday + timedelta(days=self.weekday)


class AlignmentSnapshot(OrganisationOwned):
    """The alignment score at one moment; at most one row per organisation and day."""

    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, related_name="+")
    day = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    components = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    observed = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="strategy_one_score_a_day")
        ]

    def __str__(self) -> str:
        return f"alignment {self.day}: {self.score}"
