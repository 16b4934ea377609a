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
from parvis.strategy.engine.questionnaire import (
    GRID_ROWS,
    MAX_OBJECTIVES,
    MSG_REQUIRED,
    QuestionKind,
)

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
    if question.kind is QuestionKind.YES_NO:
        return {"yes": True, "no": False}.get(data.get(qid) or "")
    grid = {row.value: data.get(f"{qid}__{row.value}", "") for row in GRID_ROWS}
    filled = {key: value for key, value in grid.items() if value}
    return filled or None


def parse_section(section: engine.Section, data: QueryDict) -> dict[str, object]:
    """Answers for every question of ``section`` found in POST ``data``."""
    return {question.id: _parse_one(question, data) for question in section.questions}


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
