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

from parvis.strategy.engine import choices as c
from parvis.strategy.engine.labels import CATEGORY_LABELS, NETWORK_NAMES, OBJECTIVE_TEXTS
from parvis.strategy.engine.text import EMPTY, Text, join, msg, same

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


GRID_ROWS: tuple[Choice, ...] = _choices(NETWORK_NAMES)

QUESTIONNAIRE: tuple[Section, ...] = (
    Section(
        id="company",
        title=Text("Votre entreprise", "Your company"),
        intro=Text(
            "Quelques repères pour vous comparer aux entreprises qui vous ressemblent.",
            "A few landmarks to compare you with companies like yours.",
        ),
        questions=(
            Question(
                id="headcount",
                label=Text(
                    "Combien de personnes travaillent dans l’entreprise ?",
                    "How many people work in the company?",
                ),
                help=Text(
                    "Salariés et dirigeants, en équivalent temps plein approximatif.",
                    "Employees and managers, roughly in full-time equivalents.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.HEADCOUNT_LABELS),
            ),
            Question(
                id="sector",
                label=Text("Quel est votre secteur ?", "What is your sector?"),
                help=Text(
                    "Choisissez le plus proche : il sert à choisir les réseaux et les idées.",
                    "Choose the closest one: it helps choose the networks and the ideas.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.SECTOR_LABELS),
            ),
            Question(
                id="b2b_share",
                label=Text(
                    "Quelle part de votre chiffre d’affaires vient d’autres entreprises ?",
                    "What share of your turnover comes from other businesses?",
                ),
                help=Text(
                    "0 si vous ne vendez qu’à des particuliers, 100 si vous ne vendez qu’à "
                    "des professionnels.",
                    "0 if you only sell to individuals, 100 if you only sell to businesses.",
                ),
                kind=QuestionKind.NUMBER,
                minimum=0,
                maximum=100,
                unit=same("%"),
            ),
            Question(
                id="website",
                label=Text("Avez-vous un site web ?", "Do you have a website?"),
                help=Text(
                    "Un site vitrine présente l’entreprise ; un site marchand vend ou prend "
                    "des commandes.",
                    "A showcase website presents the company; an online shop sells or takes "
                    "orders.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.WEBSITE_LABELS),
            ),
        ),
    ),
    Section(
        id="presence",
        title=Text("Votre présence sur les réseaux", "Your presence on social networks"),
        intro=Text(
            "Où êtes-vous aujourd’hui, et comment vous situez-vous ?",
            "Where are you today, and where do you think you stand?",
        ),
        questions=(
            Question(
                id="networks",
                label=Text(
                    "Pour chaque réseau, où en êtes-vous ?",
                    "Where do you stand on each network?",
                ),
                help=Text(
                    "Un compte sans publication depuis trois mois compte comme « en sommeil ».",
                    "An account with no post for three months counts as “dormant”.",
                ),
                kind=QuestionKind.NETWORK_GRID,
                choices=_choices(c.ACCOUNT_ACTIVITY_LABELS),
            ),
            Question(
                id="self_activity",
                label=Text(
                    "Globalement, comment jugez-vous l’activité de l’entreprise sur les réseaux ?",
                    "Overall, how do you rate the company’s activity on social networks?",
                ),
                help=Text(
                    "Votre impression suffit : nous la comparerons à ce que vous publiez.",
                    "Your impression is enough: we will compare it with what you publish.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.SELF_ACTIVITY_LABELS),
            ),
            Question(
                id="tempo",
                label=Text(
                    "Par rapport à vos concurrents, vous sentez-vous en retard, à l’heure "
                    "ou en avance ?",
                    "Compared with your competitors, do you feel behind, on time or ahead?",
                ),
                help=Text(
                    "Sur l’usage des réseaux sociaux uniquement.",
                    "On the use of social networks only.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.TEMPO_LABELS),
            ),
            Question(
                id="leader_active",
                label=Text(
                    "Êtes-vous personnellement actif ou active sur les réseaux, avec votre "
                    "profil ?",
                    "Are you personally active on social networks, with your own profile?",
                ),
                help=Text(
                    "Publier, commenter ou partager au moins une fois par mois.",
                    "Posting, commenting or sharing at least once a month.",
                ),
                kind=QuestionKind.YES_NO,
            ),
        ),
    ),
    Section(
        id="means",
        title=Text("Organisation et moyens", "Organisation and means"),
        intro=Text(
            "Qui s’en occupe, combien de temps et quel budget.",
            "Who takes care of it, how much time and what budget.",
        ),
        questions=(
            Question(
                id="publishers",
                label=Text("Qui publie pour l’entreprise ?", "Who posts for the company?"),
                help=Text("Plusieurs réponses possibles.", "Several answers possible."),
                kind=QuestionKind.MULTI,
                choices=_choices(c.PUBLISHER_LABELS),
                exclusive_values=frozenset({c.Publisher.NOBODY.value}),
            ),
            Question(
                id="trained",
                label=Text(
                    "Quelqu’un dans l’entreprise a-t-il été formé aux réseaux sociaux ?",
                    "Has anyone in the company been trained in social media?",
                ),
                help=Text(
                    "Une formation, même courte, ou un accompagnement.",
                    "A training course, even a short one, or coaching.",
                ),
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="minutes_per_week",
                label=Text(
                    "Combien de minutes par semaine pouvez-vous y consacrer, en tout ?",
                    "How many minutes a week can you spend on it, in all?",
                ),
                help=Text(
                    "Vous et votre équipe, de façon réaliste. Le plan tiendra dans ce temps.",
                    "You and your team, realistically. The plan will fit in that time.",
                ),
                kind=QuestionKind.NUMBER,
                minimum=0,
                maximum=2400,
                unit=same("minutes"),
            ),
            Question(
                id="budget",
                label=Text(
                    "Quel budget annuel y consacrez-vous, temps du personnel compris ?",
                    "What yearly budget do you spend on it, staff time included?",
                ),
                help=Text("Une estimation suffit.", "An estimate is enough."),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.BUDGET_LABELS),
            ),
            Question(
                id="hourly_cost",
                label=Text(
                    "Coût horaire chargé de la personne qui publie (facultatif)",
                    "Hourly cost, with charges, of the person who posts (optional)",
                ),
                help=Text(
                    "Sert à chiffrer le temps passé en euros. Laissez vide pour la valeur "
                    "par défaut.",
                    "Used to put a euro figure on the time spent. Leave empty for the "
                    "default value.",
                ),
                kind=QuestionKind.NUMBER,
                required=False,
                minimum=10,
                maximum=300,
                unit=Text("€ de l’heure", "€ an hour"),
            ),
        ),
    ),
    Section(
        id="objectives",
        title=Text("Vos objectifs", "Your objectives"),
        intro=Text(
            "Ce que vous attendez des réseaux, et comment vous vous organisez.",
            "What you expect from social networks, and how you organise yourselves.",
        ),
        questions=(
            Question(
                id="objectives",
                label=Text(
                    "Qu’attendez-vous des réseaux ? Classez jusqu’à trois objectifs.",
                    "What do you expect from social networks? Rank up to three objectives.",
                ),
                help=Text(
                    "Le premier choisi est le plus important. Passez si vous ne savez pas "
                    "encore : le plan vous proposera un point de départ.",
                    "The first one chosen matters most. Skip if you do not know yet: the plan "
                    "will suggest a starting point.",
                ),
                kind=QuestionKind.MULTI,
                choices=_choices(OBJECTIVE_TEXTS),
                max_choices=MAX_OBJECTIVES,
                required=False,
            ),
            Question(
                id="written_objectives",
                label=Text(
                    "Ces objectifs sont-ils écrits quelque part, avec des chiffres ?",
                    "Are these objectives written down somewhere, with figures?",
                ),
                help=Text(
                    "Par exemple « deux demandes de devis par mois venues de LinkedIn ».",
                    "For example “two quote requests a month coming from LinkedIn”.",
                ),
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="editorial_line",
                label=Text(
                    "Avez-vous une ligne éditoriale (ton, sujets, visuels) ?",
                    "Do you have an editorial line (tone, topics, visuals)?",
                ),
                help=Text(
                    "Même une page qui dit de quoi vous parlez et comment.",
                    "Even a single page that says what you talk about and how.",
                ),
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="calendar",
                label=Text(
                    "Planifiez-vous vos publications à l’avance ?",
                    "Do you plan your posts ahead?",
                ),
                help=Text(
                    "Un calendrier, même sur un tableur, pour les semaines à venir.",
                    "A calendar, even in a spreadsheet, for the coming weeks.",
                ),
                kind=QuestionKind.YES_NO,
            ),
            Question(
                id="measurement",
                label=Text(
                    "Mesurez-vous ce que les réseaux vous apportent ?",
                    "Do you measure what social networks bring you?",
                ),
                help=Text("Choisissez la réponse la plus proche.", "Choose the closest answer."),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.MEASUREMENT_LABELS),
            ),
        ),
    ),
    Section(
        id="dialogue",
        title=Text("Dialogue avec votre communauté", "Dialogue with your community"),
        intro=Text(
            "Commentaires et messages privés reçus sur vos pages.",
            "Comments and private messages received on your pages.",
        ),
        questions=(
            Question(
                id="reply_habit",
                label=Text(
                    "Répondez-vous aux commentaires et aux messages ?",
                    "Do you answer comments and messages?",
                ),
                help=Text(
                    "Sur tous les réseaux où vous avez un compte.",
                    "On every network where you have an account.",
                ),
                kind=QuestionKind.SINGLE,
                choices=_choices(c.REPLY_HABIT_LABELS),
            ),
            Question(
                id="response_delay",
                label=Text(
                    "En général, en combien de temps répondez-vous ?",
                    "How fast do you usually answer?",
                ),
                help=Text(
                    "Le délai le plus courant, jours ouvrés.",
                    "The most common delay, in working days.",
                ),
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
        title=Text("Ce que vous publiez", "What you publish"),
        intro=Text(
            "De quoi parlent vos publications, et ce qui vous freine.",
            "What your posts are about, and what holds you back.",
        ),
        questions=(
            Question(
                id="published_categories",
                label=Text(
                    "Ces derniers mois, de quoi parlaient surtout vos publications ?",
                    "In recent months, what were your posts mostly about?",
                ),
                help=Text(
                    "Plusieurs réponses possibles. Passez si vous ne publiez pas encore.",
                    "Several answers possible. Skip if you do not publish yet.",
                ),
                kind=QuestionKind.MULTI,
                choices=_choices(CATEGORY_LABELS),
                required=False,
            ),
            Question(
                id="obstacles",
                label=Text("Qu’est-ce qui vous freine le plus ?", "What holds you back the most?"),
                help=Text("Plusieurs réponses possibles.", "Several answers possible."),
                kind=QuestionKind.MULTI,
                choices=_choices(c.OBSTACLE_LABELS),
                exclusive_values=frozenset({c.Obstacle.NONE.value}),
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.id: q for s in QUESTIONNAIRE for q in s.questions}
SECTION_OF: dict[str, str] = {q.id: s.id for s in QUESTIONNAIRE for q in s.questions}

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
