"""The diagnostic's form, one section per step, built from the engine's questionnaire.

The engine owns the questions, their labels (French and English) and the validation; this
module only turns POST data into the engine's answer values and back into what a template
needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from parvis.strategy import engine
from parvis.strategy.engine.durations import DurationError, format_duration, parse_duration
from parvis.strategy.engine.questionnaire import (
    GRID_ROWS,
    MAX_OBJECTIVES,
    MSG_REQUIRED,
    QuestionKind,
    is_answered,
)
from parvis.strategy.texts import local

# Ranked multi-choice questions are asked as "1st, 2nd, 3rd choice" selects: order matters.
RANKED_QUESTIONS = frozenset({"objectives"})


def section_by_id(section_id: str | None) -> engine.Section | None:
    return next((s for s in engine.QUESTIONNAIRE if s.id == section_id), None)


def section_index(section: engine.Section) -> int:
    return [s.id for s in engine.QUESTIONNAIRE].index(section.id)


def next_section(section: engine.Section) -> engine.Section | None:
    index = section_index(section) + 1
    return engine.QUESTIONNAIRE[index] if index < len(engine.QUESTIONNAIRE) else None


def previous_section(section: engine.Section) -> engine.Section | None:
    index = section_index(section) - 1
    return engine.QUESTIONNAIRE[index] if index >= 0 else None


def _parse_one(question: engine.Question, data: QueryDict) -> object:
    """The answer value for ``question`` in ``data``; ``None`` when left empty.

    An unparseable number is passed on as typed, so the engine's message explains it.
    """
    qid = question.id
    if question.kind is QuestionKind.SINGLE:
        return data.get(qid) or None
    if question.kind is QuestionKind.MULTI:
        if qid in RANKED_QUESTIONS:
            ranked = [data.get(f"{qid}_{i}", "") for i in range(1, MAX_OBJECTIVES + 1)]
            return [value for value in ranked if value]
        return data.getlist(qid)
    if question.kind is QuestionKind.NUMBER:
        raw = (data.get(qid) or "").strip().replace("\u00a0", "").replace(" ", "")
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            return raw
    if question.kind is QuestionKind.DURATION:
        typed = (data.get(qid) or "").strip()
        if not typed:
            return None
        try:
            return parse_duration(typed)
        except DurationError:
            return typed  # kept as typed: the engine's message says how to write it
    if question.kind is QuestionKind.YES_NO:
        return {"yes": True, "no": False}.get(data.get(qid) or "")
    grid = {row.value: data.get(f"{qid}__{row.value}", "") for row in GRID_ROWS}
    filled = {key: value for key, value in grid.items() if value}
    return filled or None


def parse_section(section: engine.Section, data: QueryDict) -> dict[str, object]:
    """Answers for every question of ``section`` found in POST ``data``."""
    return {question.id: _parse_one(question, data) for question in section.questions}


def typed_back(
    section: engine.Section, data: QueryDict, errors: Mapping[str, object]
) -> dict[str, object]:
    """The text typed in the number and duration fields that have an error, as typed: shown
    back with the message, rather than the value it was read as (« 90 » and not « 90 h »)."""
    text_kinds = (QuestionKind.NUMBER, QuestionKind.DURATION)
    return {
        q.id: typed
        for q in section.questions
        if q.kind in text_kinds and q.id in errors and (typed := (data.get(q.id) or "").strip())
    }


def missing_answers(
    section: engine.Section, answers: Mapping[str, object]
) -> dict[str, engine.Text]:
    """The engine's "answer needed" message for required questions of ``section`` that apply
    and are still unanswered in ``answers`` (the merged, stored answers)."""
    return {
        q.id: MSG_REQUIRED
        for q in section.questions
        if q.required and q.applies(answers) and answers.get(q.id) is None
    }


@dataclass
class QuestionView:
    """What the template needs to draw one question."""

    question: engine.Question
    value: Any
    error: engine.Text | None
    applies: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    ranks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind.value

    @property
    def is_ranked(self) -> bool:
        return self.question.id in RANKED_QUESTIONS

    @property
    def selected(self) -> list[str]:
        return [str(v) for v in self.value] if isinstance(self.value, list) else []

    @property
    def typed(self) -> str:
        """What a text field shows: a stored duration written back (« 1 h 30 »), anything
        else as it was typed or stored."""
        if self.value is None:
            return ""
        if self.question.kind is QuestionKind.DURATION and _is_int(self.value):
            return local(format_duration(self.value))
        return str(self.value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def question_views(
    section: engine.Section, answers: Mapping[str, object], errors: Mapping[str, engine.Text]
) -> list[QuestionView]:
    views = []
    for question in section.questions:
        value = answers.get(question.id)
        view = QuestionView(question, value, errors.get(question.id), question.applies(answers))
        if question.kind is QuestionKind.NETWORK_GRID:
            grid = value if isinstance(value, dict) else {}
            view.rows = [
                {"value": row.value, "label": row.label, "current": grid.get(row.value, "")}
                for row in GRID_ROWS
            ]
        if question.id in RANKED_QUESTIONS:
            chosen = value if isinstance(value, list) else []
            view.ranks = [
                {"rank": i, "current": chosen[i - 1] if i <= len(chosen) else ""}
                for i in range(1, MAX_OBJECTIVES + 1)
            ]
        views.append(view)
    return views


# --- recap of the answers given ---------------------------------------------------------------

YES_NO_TEXTS = {
    True: engine.Text("Oui", "Yes"),
    False: engine.Text("Non", "No"),
}
COLON = engine.Text(" : ", ": ")  # French typography puts a no-break space before it
NO_ACCOUNT = "none"  # the grid's "no account" level (choices.AccountActivity.NO_ACCOUNT)


def _labels(question: engine.Question, values: list[str]) -> str:
    return ", ".join(local(question.choice_label(value)) for value in values)


def _grid_text(question: engine.Question, grid: Mapping[str, str]) -> str:
    """« Facebook : chaque semaine · Instagram : en sommeil · Pas de compte : LinkedIn, X »."""
    colon = local(COLON)
    parts = [
        f"{local(row.label)}{colon}{local(question.choice_label(grid[row.value]))}"
        for row in GRID_ROWS
        if grid.get(row.value) not in (None, NO_ACCOUNT)
    ]
    without = [local(row.label) for row in GRID_ROWS if grid.get(row.value) == NO_ACCOUNT]
    if without:
        parts.append(f"{local(question.choice_label(NO_ACCOUNT))}{colon}{', '.join(without)}")
    return " · ".join(parts)


def answer_text(question: engine.Question, value: object) -> str:
    """A valid stored answer as the person reading the recap would say it."""
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        return local(question.choice_label(str(value)))
    if kind is QuestionKind.MULTI and isinstance(value, list):
        return _labels(question, [str(v) for v in value]) or "—"
    if kind is QuestionKind.DURATION and isinstance(value, int):
        return f"{local(format_duration(value))}\u00a0{local(question.unit)}".strip()
    if kind is QuestionKind.NUMBER:
        return f"{value}\u00a0{local(question.unit)}".strip()
    if kind is QuestionKind.YES_NO and isinstance(value, bool):
        return local(YES_NO_TEXTS[value])
    if kind is QuestionKind.NETWORK_GRID and isinstance(value, dict):
        return _grid_text(question, value)
    return str(value)


@dataclass(frozen=True)
class RecapLine:
    question: engine.Question
    answer: str | None  # None: not answered yet (or the stored answer is not valid)

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True)
class RecapSection:
    section: engine.Section
    lines: list[RecapLine]

    @property
    def answered(self) -> int:
        return sum(1 for line in self.lines if line.answer is not None)


def recap(answers: Mapping[str, object]) -> list[RecapSection]:
    """Every question that applies, section by section, with the answer given if any.

    Only what the person answered is shown as an answer: nothing is filled in for them.
    """
    sections = []
    for section in engine.QUESTIONNAIRE:
        lines = [
            RecapLine(
                question,
                answer_text(question, answers[question.id])
                if is_answered(question, answers)
                else None,
            )
            for question in section.questions
            if question.applies(answers)
        ]
        sections.append(RecapSection(section, lines))
    return sections
