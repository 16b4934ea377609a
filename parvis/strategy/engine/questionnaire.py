"""The diagnostic: its sections and questions (data, in ``data/questionnaire.json``), the
validation of answers and the progress through it.

Answers are a plain JSON-compatible mapping ``question id -> value``:

* single choice: the choice value (``str``);
* multi choice: a list of choice values, in the order the user ranked them;
* number: an ``int``;
* duration: an ``int`` of minutes (the form reads « 1 h 30 », see ``durations``);
* yes / no: a ``bool``;
* per-network grid: an object ``{network value: choice value}`` covering every network.

A half-done diagnostic is just a mapping with some ids missing: :func:`progress` says where to
resume, :func:`validate_answers` checks what is there without complaining about what is not
(unless asked to).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from parvis.strategy.engine import choices as c
from parvis.strategy.engine.durations import DurationError, format_duration, parse_duration
from parvis.strategy.engine.labels import CATEGORY_LABELS, NETWORK_NAMES, OBJECTIVE_TEXTS
from parvis.strategy.engine.text import EMPTY, Text, join, msg

# The sections and questions themselves are data, read once at import.
QUESTIONNAIRE_JSON = Path(__file__).resolve().parent / "data" / "questionnaire.json"

# What a stored answer may be; the Django layer keeps it in a JSONField.
AnswerValue = str | int | bool | list[str] | dict[str, str]
Answers = Mapping[str, object]

_E = TypeVar("_E", bound=StrEnum)


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    DURATION = "duration"
    YES_NO = "yes_no"
    NETWORK_GRID = "network_grid"


# Rough reading-and-answering time per kind, used to keep the whole diagnostic near 10 minutes.
SECONDS_PER_KIND: dict[QuestionKind, int] = {
    QuestionKind.SINGLE: 20,
    QuestionKind.MULTI: 35,
    QuestionKind.NUMBER: 25,
    QuestionKind.DURATION: 25,
    QuestionKind.YES_NO: 12,
    QuestionKind.NETWORK_GRID: 90,
}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class ShowIf:
    """The question applies only when ``question_id`` was answered with none of ``not_values``."""

    question_id: str
    not_values: frozenset[str]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: Text
    help: Text
    kind: QuestionKind
    choices: tuple[Choice, ...] = ()
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None
    unit: Text = EMPTY
    max_choices: int | None = None
    # Choice values that cannot be combined with any other (e.g. "personne").
    exclusive_values: frozenset[str] = frozenset()
    show_if: ShowIf | None = None

    def applies(self, answers: Answers) -> bool:
        """Whether the question is asked, given the other answers."""
        if self.show_if is None:
            return True
        return answers.get(self.show_if.question_id) not in self.show_if.not_values

    def choice_label(self, value: str) -> Text:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text
    intro: Text
    questions: tuple[Question, ...]


def _choices(labels: Mapping[_E, Text]) -> tuple[Choice, ...]:
    return tuple(Choice(value.value, label) for value, label in labels.items())


# The answer sets the data file names in "choices".
CHOICE_TABLES: dict[str, tuple[Choice, ...]] = {
    "headcount": _choices(c.HEADCOUNT_LABELS),
    "sector": _choices(c.SECTOR_LABELS),
    "website": _choices(c.WEBSITE_LABELS),
    "account_activity": _choices(c.ACCOUNT_ACTIVITY_LABELS),
    "self_activity": _choices(c.SELF_ACTIVITY_LABELS),
    "tempo": _choices(c.TEMPO_LABELS),
    "publisher": _choices(c.PUBLISHER_LABELS),
    "budget": _choices(c.BUDGET_LABELS),
    "measurement": _choices(c.MEASUREMENT_LABELS),
    "reply_habit": _choices(c.REPLY_HABIT_LABELS),
    "response_delay": _choices(c.RESPONSE_DELAY_LABELS),
    "obstacle": _choices(c.OBSTACLE_LABELS),
    "objective": _choices(OBJECTIVE_TEXTS),
    "content_category": _choices(CATEGORY_LABELS),
}


def _text(raw: Mapping[str, str]) -> Text:
    return Text(raw["fr"], raw["en"])


def _values(raw: list[str], choices: tuple[Choice, ...], question_id: str) -> frozenset[str]:
    """Choice values named in the data file: a typo fails at start-up, not in a form."""
    unknown = set(raw) - {choice.value for choice in choices}
    if unknown:
        raise ValueError(f"questionnaire.json, {question_id}: unknown values {sorted(unknown)}")
    return frozenset(raw)


def _question(raw: dict[str, Any], earlier: Mapping[str, Question]) -> Question:
    choices = CHOICE_TABLES[raw["choices"]] if "choices" in raw else ()
    fields = {**raw, "kind": QuestionKind(raw["kind"]), "choices": choices}
    for key in ("label", "help", "unit"):
        if key in raw:
            fields[key] = _text(raw[key])
    fields["exclusive_values"] = _values(raw.get("exclusive_values", []), choices, raw["id"])
    if "show_if" in raw:
        after = earlier[raw["show_if"]["question"]]
        not_values = _values(raw["show_if"]["not_values"], after.choices, raw["id"])
        fields["show_if"] = ShowIf(after.id, not_values)
    return Question(**fields)


def load_questionnaire(path: Path = QUESTIONNAIRE_JSON) -> tuple[Section, ...]:
    """The sections of the data file, in order; a question's ``show_if`` names an earlier one."""
    with path.open(encoding="utf-8") as stream:
        data = json.load(stream)
    questions: dict[str, Question] = {}
    sections: list[Section] = []
    for raw_section in data["sections"]:
        section_questions: list[Question] = []
        for raw_question in raw_section["questions"]:
            question = _question(raw_question, questions)
            questions[question.id] = question
            section_questions.append(question)
        sections.append(
            Section(
                id=raw_section["id"],
                title=_text(raw_section["title"]),
                intro=_text(raw_section["intro"]),
                questions=tuple(section_questions),
            )
        )
    return tuple(sections)


GRID_ROWS: tuple[Choice, ...] = _choices(NETWORK_NAMES)
QUESTIONNAIRE: tuple[Section, ...] = load_questionnaire()
QUESTIONS: dict[str, Question] = {q.id: q for s in QUESTIONNAIRE for q in s.questions}
SECTION_OF: dict[str, str] = {q.id: s.id for s in QUESTIONNAIRE for q in s.questions}
# How many objectives may be ranked: the form shows this many slots.
MAX_OBJECTIVES: int = QUESTIONS["objectives"].max_choices or 0

MSG_REQUIRED = Text("Cette question attend une réponse.", "This question needs an answer.")
MSG_UNKNOWN_QUESTION = Text(
    "Cette question n’existe pas dans le diagnostic.",
    "This question is not part of the diagnostic.",
)


def estimated_minutes() -> int:
    """How long the whole diagnostic takes, rounded up to the minute."""
    seconds = sum(SECONDS_PER_KIND[q.kind] for q in QUESTIONS.values())
    return -(-seconds // 60)


def _error_single(question: Question, value: object) -> Text | None:
    allowed = {choice.value for choice in question.choices}
    if not isinstance(value, str) or value not in allowed:
        return Text("Choisissez une des réponses proposées.", "Choose one of the answers offered.")
    return None


def _error_multi(question: Question, value: object) -> Text | None:
    allowed = {choice.value for choice in question.choices}
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return Text(
            "Choisissez une ou plusieurs réponses dans la liste.",
            "Choose one or more answers from the list.",
        )
    if any(item not in allowed for item in value):
        return Text(
            "Une des réponses choisies ne fait pas partie de la liste.",
            "One of the answers chosen is not in the list.",
        )
    if len(set(value)) != len(value):
        return Text(
            "Chaque réponse ne peut être choisie qu’une fois.",
            "Each answer can be chosen only once.",
        )
    if not value and question.required:
        return Text("Choisissez au moins une réponse.", "Choose at least one answer.")
    if question.max_choices is not None and len(value) > question.max_choices:
        return msg(
            "Choisissez au plus {n} réponses.",
            "Choose at most {n} answers.",
            n=str(question.max_choices),
        )
    exclusive = question.exclusive_values.intersection(value)
    if exclusive and len(value) > 1:
        return msg(
            "« {label} » ne peut pas être combiné avec une autre réponse.",
            "“{label}” cannot be combined with another answer.",
            label=question.choice_label(sorted(exclusive)[0]),
        )
    return None


def _error_number(question: Question, value: object) -> Text | None:
    # bool is an int in Python; a checkbox value must not pass as a number.
    if isinstance(value, bool) or not isinstance(value, int):
        return Text("Indiquez un nombre entier.", "Enter a whole number.")
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return msg(
            "Indiquez un nombre entre {low} et {high}.",
            "Enter a number between {low} and {high}.",
            low=str(low),
            high=str(high),
        )
    return None


MSG_DURATION_AS_MINUTES = Text(
    "Indiquez la durée en minutes, par un nombre entier.",
    "Give the duration in minutes, as a whole number.",
)


def _error_duration(question: Question, value: object) -> Text | None:
    """Stored durations are whole minutes; text reaching here is what the form could not read
    (its message says how to write a duration) or an API client sending text."""
    if isinstance(value, str):
        try:
            parse_duration(value)
        except DurationError as error:
            return error.message
        return MSG_DURATION_AS_MINUTES
    if isinstance(value, bool) or not isinstance(value, int):
        return MSG_DURATION_AS_MINUTES
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return msg(
            "Indiquez une durée entre {low} et {high} (pour des minutes, écrivez par exemple "
            "« 90\u00a0min »).",
            "Enter a duration between {low} and {high} (for minutes, write for example “90 min”).",
            low=format_duration(low or 0),
            high=format_duration(high or 0),
        )
    return None


def _error_yes_no(value: object) -> Text | None:
    if not isinstance(value, bool):
        return Text("Répondez par oui ou par non.", "Answer yes or no.")
    return None


def _error_grid(question: Question, value: object) -> Text | None:
    if not isinstance(value, dict):
        return Text(
            "Indiquez votre situation pour chaque réseau.",
            "Tell us where you stand on each network.",
        )
    rows = {row.value: row.label for row in GRID_ROWS}
    levels = {choice.value for choice in question.choices}
    if any(key not in rows for key in value):
        return Text(
            "Un des réseaux indiqués n’est pas proposé.",
            "One of the networks given is not offered.",
        )
    if any(not isinstance(level, str) or level not in levels for level in value.values()):
        return Text(
            "Choisissez une des situations proposées pour chaque réseau.",
            "Choose one of the situations offered for each network.",
        )
    missing = [label for key, label in rows.items() if key not in value]
    if missing:
        return msg(
            "Indiquez votre situation pour : {names}.",
            "Tell us where you stand on: {names}.",
            names=join(missing),
        )
    return None


def answer_error(question: Question, value: object) -> Text | None:
    """The error for one answer, or ``None`` when it is acceptable."""
    if question.kind is QuestionKind.SINGLE:
        return _error_single(question, value)
    if question.kind is QuestionKind.MULTI:
        return _error_multi(question, value)
    if question.kind is QuestionKind.NUMBER:
        return _error_number(question, value)
    if question.kind is QuestionKind.DURATION:
        return _error_duration(question, value)
    if question.kind is QuestionKind.YES_NO:
        return _error_yes_no(value)
    return _error_grid(question, value)


def validate_answers(answers: Answers, *, require_complete: bool = False) -> dict[str, Text]:
    """Error messages keyed by question id; empty when everything is acceptable.

    Unknown ids are errors. ``None`` stands for "not answered yet". Missing answers are errors
    only with ``require_complete`` and only for required questions that apply.
    """
    errors: dict[str, Text] = {}
    for question_id, value in answers.items():
        question = QUESTIONS.get(question_id)
        if question is None:
            errors[question_id] = MSG_UNKNOWN_QUESTION
        elif value is not None:
            error = answer_error(question, value)
            if error is not None:
                errors[question_id] = error
    if require_complete:
        for question in QUESTIONS.values():
            if (
                question.required
                and question.applies(answers)
                and answers.get(question.id) is None
                and question.id not in errors
            ):
                errors[question.id] = MSG_REQUIRED
    return errors


def is_answered(question: Question, answers: Answers) -> bool:
    """Answered with an acceptable value."""
    value = answers.get(question.id)
    return value is not None and answer_error(question, value) is None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a diagnostic stands; ``next_*`` are ``None`` once it is complete."""

    answered: int
    total: int
    next_section_id: str | None
    next_question_id: str | None

    @property
    def is_complete(self) -> bool:
        return self.next_question_id is None

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.answered / self.total)


def progress(answers: Answers) -> Progress:
    """Count the required questions that apply and are validly answered; find where to resume.

    Optional questions never block completion. An invalid answer counts as unanswered, so the
    user is sent back to it.
    """
    answered = total = 0
    next_question: Question | None = None
    for section in QUESTIONNAIRE:
        for question in section.questions:
            if not question.required or not question.applies(answers):
                continue
            total += 1
            if is_answered(question, answers):
                answered += 1
            elif next_question is None:
                next_question = question
    return Progress(
        answered=answered,
        total=total,
        next_section_id=SECTION_OF[next_question.id] if next_question else None,
        next_question_id=next_question.id if next_question else None,
    )
