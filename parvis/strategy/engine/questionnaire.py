"""The diagnostic as data: sections, questions, validation and progress.

Answers are a plain JSON-compatible mapping ``question id -> value``:

* single choice: the choice value (``str``);
* multi choice: a list of choice values, in the order the user ranked them;
* number: an ``int``;
* yes / no: a ``bool``;
* per-network grid: an object ``{network value: choice value}`` covering every network.

A half-done diagnostic is just a mapping with some ids missing: :func:`progress` says where to
resume, :func:`validate_answers` checks what is there without complaining about what is not
(unless asked to).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from parvis.core.vocabulary import CONTENT_CATEGORY_LABELS, NETWORK_LABELS, OBJECTIVE_LABELS
from parvis.strategy.engine import choices as c
from parvis.strategy.engine.typography import french

# What a stored answer may be; the Django layer keeps it in a JSONField.
AnswerValue = str | int | bool | list[str] | dict[str, str]
Answers = Mapping[str, object]

MAX_OBJECTIVES = 3

_E = TypeVar("_E", bound=StrEnum)


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    YES_NO = "yes_no"
    NETWORK_GRID = "network_grid"


# Rough reading-and-answering time per kind, used to keep the whole diagnostic near 10 minutes.
SECONDS_PER_KIND: dict[QuestionKind, int] = {
    QuestionKind.SINGLE: 20,
    QuestionKind.MULTI: 35,
    QuestionKind.NUMBER: 25,
    QuestionKind.YES_NO: 12,
    QuestionKind.NETWORK_GRID: 90,
}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", french(self.label))


@dataclass(frozen=True, slots=True)
class ShowIf:
    """The question applies only when ``question_id`` was answered with none of ``not_values``."""

    question_id: str
    not_values: frozenset[str]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str
    help: str
    kind: QuestionKind
    choices: tuple[Choice, ...] = ()
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    max_choices: int | None = None
    # Choice values that cannot be combined with any other (e.g. "personne").
    exclusive_values: frozenset[str] = frozenset()
    show_if: ShowIf | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", french(self.label))
        object.__setattr__(self, "help", french(self.help))

    def applies(self, answers: Answers) -> bool:
        """Whether the question is asked, given the other answers."""
        if self.show_if is None:
            return True
        return answers.get(self.show_if.question_id) not in self.show_if.not_values

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", french(self.title))
        object.__setattr__(self, "intro", french(self.intro))


def _choices(labels: Mapping[_E, str]) -> tuple[Choice, ...]:
    return tuple(Choice(value.value, label) for value, label in labels.items())


GRID_ROWS: tuple[Choice, ...] = _choices(NETWORK_LABELS)

QUESTIONNAIRE: tuple[Section, ...] = (
    Section(
        id="company",
        title="Votre entreprise",
        intro="Quelques repères pour vous comparer aux entreprises qui vous ressemblent.",
        questions=(
            Question(
                id="headcount",
                label="Combien de personnes travaillent dans l’entreprise ?",
                help="Salariés et dirigeants, en équivalent temps plein approximatif.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.HEADCOUNT_LABELS),
            ),
            Question(
                id="sector",
                label="Quel est votre secteur ?",
                help="Choisissez le plus proche : il sert à choisir les réseaux et les idées.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.SECTOR_LABELS),
            ),
            Question(
                id="b2b_share",
                label="Quelle part de votre chiffre d’affaires vient d’autres entreprises ?",
                help="0 si vous ne vendez qu’à des particuliers, 100 si vous ne vendez qu’à "
                "des professionnels.",
                kind=QuestionKind.NUMBER,
                minimum=0,
                maximum=100,
                unit="%",
            ),
            Question(
                id="website",
                label="Avez-vous un site web ?",
                help="Un site vitrine présente l’entreprise ; un site marchand vend ou prend "
                "des commandes.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.WEBSITE_LABELS),
            ),
        ),
    ),
    Section(
        id="presence",
        title="Votre présence sur les réseaux",
        intro="Où êtes-vous aujourd’hui, et comment vous situez-vous ?",
        questions=(
            Question(
                id="networks",
                label="Pour chaque réseau, où en êtes-vous ?",
                help="Un compte sans publication depuis trois mois compte comme « en sommeil ».",
                kind=QuestionKind.NETWORK_GRID,
                choices=_choices(c.ACCOUNT_ACTIVITY_LABELS),
            ),
            Question(
                id="self_activity",
                label="Globalement, comment jugez-vous l’activité de l’entreprise sur les "
                "réseaux ?",
                help="Votre impression suffit : nous la comparerons à ce que vous publiez.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.SELF_ACTIVITY_LABELS),
            ),
            Question(
                id="tempo",
                label="Par rapport à vos concurrents, vous sentez-vous en retard, à l’heure "
                "ou en avance ?",
                help="Sur l’usage des réseaux sociaux uniquement.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.TEMPO_LABELS),
            ),
            Question(
                id="leader_active",
                label="Êtes-vous personnellement actif ou active sur les réseaux, avec votre "
                "profil ?",
                help="Publier, commenter ou partager au moins une fois par mois.",
                kind=QuestionKind.YES_NO,
            ),
        ),
    ),
    Section(
        id="means",
        title="Organisation et moyens",
        intro="Qui s’en occupe, combien de temps et quel budget.",
        questions=(
            Question(
                id="publishers",
                label="Qui publie pour l’entreprise ?",
                help="Plusieurs réponses possibles.",
                kind=QuestionKind.MULTI,
                choices=_choices(c.PUBLISHER_LABELS),
                exclusive_values=frozenset({c.Publisher.NOBODY.value}),
            ),
            Question(
                id="trained",
                label="Quelqu’un dans l’entreprise a-t-il été formé aux réseaux sociaux ?",
                help="Une formation, même courte, ou un accompagnement.",
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="minutes_per_week",
                label="Combien de minutes par semaine pouvez-vous y consacrer, en tout ?",
                help="Vous et votre équipe, de façon réaliste. Le plan tiendra dans ce temps.",
                kind=QuestionKind.NUMBER,
                minimum=0,
                maximum=2400,
                unit="minutes",
            ),
            Question(
                id="budget",
                label="Quel budget annuel y consacrez-vous, temps du personnel compris ?",
                help="Une estimation suffit.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.BUDGET_LABELS),
            ),
            Question(
                id="hourly_cost",
                label="Coût horaire chargé de la personne qui publie (facultatif)",
                help="Sert à chiffrer le temps passé en euros. Laissez vide pour la valeur "
                "par défaut.",
                kind=QuestionKind.NUMBER,
                required=False,
                minimum=10,
                maximum=300,
                unit="€ de l’heure",
            ),
        ),
    ),
    Section(
        id="objectives",
        title="Vos objectifs",
        intro="Ce que vous attendez des réseaux, et comment vous vous organisez.",
        questions=(
            Question(
                id="objectives",
                label="Qu’attendez-vous des réseaux ? Classez jusqu’à trois objectifs.",
                help="Le premier choisi est le plus important. Passez si vous ne savez pas "
                "encore : le plan vous proposera un point de départ.",
                kind=QuestionKind.MULTI,
                choices=_choices(OBJECTIVE_LABELS),
                max_choices=MAX_OBJECTIVES,
                required=False,
            ),
            Question(
                id="written_objectives",
                label="Ces objectifs sont-ils écrits quelque part, avec des chiffres ?",
                help="Par exemple « deux demandes de devis par mois venues de LinkedIn ».",
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="editorial_line",
                label="Avez-vous une ligne éditoriale (ton, sujets, visuels) ?",
                help="Même une page qui dit de quoi vous parlez et comment.",
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="calendar",
                label="Planifiez-vous vos publications à l’avance ?",
                help="Un calendrier, même sur un tableur, pour les semaines à venir.",
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="measurement",
                label="Mesurez-vous ce que les réseaux vous apportent ?",
                help="Choisissez la réponse la plus proche.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.MEASUREMENT_LABELS),
            ),
        ),
    ),
    Section(
        id="dialogue",
        title="Dialogue avec votre communauté",
        intro="Commentaires et messages privés reçus sur vos pages.",
        questions=(
            Question(
                id="reply_habit",
                label="Répondez-vous aux commentaires et aux messages ?",
                help="Sur tous les réseaux où vous avez un compte.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.REPLY_HABIT_LABELS),
            ),
            Question(
                id="response_delay",
                label="En général, en combien de temps répondez-vous ?",
                help="Le délai le plus courant, jours ouvrés.",
                kind=QuestionKind.SINGLE,
                choices=_choices(c.RESPONSE_DELAY_LABELS),
                show_if=ShowIf(
                    "reply_habit",
                    frozenset({c.ReplyHabit.NEVER.value, c.ReplyHabit.NO_MESSAGES.value}),
                ),
            ),
        ),
    ),
    Section(
        id="content",
        title="Ce que vous publiez",
        intro="De quoi parlent vos publications, et ce qui vous freine.",
        questions=(
            Question(
                id="published_categories",
                label="Ces derniers mois, de quoi parlaient surtout vos publications ?",
                help="Plusieurs réponses possibles. Passez si vous ne publiez pas encore.",
                kind=QuestionKind.MULTI,
                choices=_choices(CONTENT_CATEGORY_LABELS),
                required=False,
            ),
            Question(
                id="obstacles",
                label="Qu’est-ce qui vous freine le plus ?",
                help="Plusieurs réponses possibles.",
                kind=QuestionKind.MULTI,
                choices=_choices(c.OBSTACLE_LABELS),
                exclusive_values=frozenset({c.Obstacle.NONE.value}),
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.id: q for s in QUESTIONNAIRE for q in s.questions}
SECTION_OF: dict[str, str] = {q.id: s.id for s in QUESTIONNAIRE for q in s.questions}

MSG_REQUIRED = "Cette question attend une réponse."
MSG_UNKNOWN_QUESTION = "Cette question n’existe pas dans le diagnostic."


def estimated_minutes() -> int:
    """How long the whole diagnostic takes, rounded up to the minute."""
    seconds = sum(SECONDS_PER_KIND[q.kind] for q in QUESTIONS.values())
    return -(-seconds // 60)


def _error_single(question: Question, value: object) -> str | None:
    allowed = {choice.value for choice in question.choices}
    if not isinstance(value, str) or value not in allowed:
        return "Choisissez une des réponses proposées."
    return None


def _error_multi(question: Question, value: object) -> str | None:
    allowed = {choice.value for choice in question.choices}
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "Choisissez une ou plusieurs réponses dans la liste."
    if any(item not in allowed for item in value):
        return "Une des réponses choisies ne fait pas partie de la liste."
    if len(set(value)) != len(value):
        return "Chaque réponse ne peut être choisie qu’une fois."
    if not value and question.required:
        return "Choisissez au moins une réponse."
    if question.max_choices is not None and len(value) > question.max_choices:
        return f"Choisissez au plus {question.max_choices} réponses."
    exclusive = question.exclusive_values.intersection(value)
    if exclusive and len(value) > 1:
        label = question.choice_label(sorted(exclusive)[0])
        return f"« {label} » ne peut pas être combiné avec une autre réponse."
    return None


def _error_number(question: Question, value: object) -> str | None:
    # bool is an int in Python; a checkbox value must not pass as a number.
    if isinstance(value, bool) or not isinstance(value, int):
        return "Indiquez un nombre entier."
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return f"Indiquez un nombre entre {low} et {high}."
    return None


def _error_yes_no(value: object) -> str | None:
    if not isinstance(value, bool):
        return "Répondez par oui ou par non."
    return None


def _error_grid(question: Question, value: object) -> str | None:
    if not isinstance(value, dict):
        return "Indiquez votre situation pour chaque réseau."
    rows = {row.value: row.label for row in GRID_ROWS}
    levels = {choice.value for choice in question.choices}
    if any(key not in rows for key in value):
        return "Un des réseaux indiqués n’est pas proposé."
    if any(not isinstance(level, str) or level not in levels for level in value.values()):
        return "Choisissez une des situations proposées pour chaque réseau."
    missing = [label for key, label in rows.items() if key not in value]
    if missing:
        return "Indiquez votre situation pour : " + ", ".join(missing) + "."
    return None


def answer_error(question: Question, value: object) -> str | None:
    """The French error for one answer, or ``None`` when it is acceptable."""
    if question.kind is QuestionKind.SINGLE:
        return _error_single(question, value)
    if question.kind is QuestionKind.MULTI:
        return _error_multi(question, value)
    if question.kind is QuestionKind.NUMBER:
        return _error_number(question, value)
    if question.kind is QuestionKind.YES_NO:
        return _error_yes_no(value)
    return _error_grid(question, value)


def validate_answers(answers: Answers, *, require_complete: bool = False) -> dict[str, str]:
    """French error messages keyed by question id; empty when everything is acceptable.

    Unknown ids are errors. ``None`` stands for "not answered yet". Missing answers are errors
    only with ``require_complete`` and only for required questions that apply.
    """
    errors: dict[str, str] = {}
    for question_id, value in answers.items():
        question = QUESTIONS.get(question_id)
        if question is None:
            errors[question_id] = MSG_UNKNOWN_QUESTION
        elif value is not None:
            error = answer_error(question, value)
            if error is not None:
                errors[question_id] = french(error)
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
