from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings

from parvis.core.vocabulary import Network
from parvis.strategy.engine.questionnaire import (
    MSG_REQUIRED,
    MSG_UNKNOWN_QUESTION,
    QUESTIONNAIRE,
    QUESTIONS,
    QuestionKind,
    estimated_minutes,
    progress,
    validate_answers,
)
from parvis.strategy.engine.text import Text
from tests.strategy.engine.factories import answers_strategy, grid, menuiserie_answers

NB = "\u00a0"


def _all_texts() -> list[Text]:
    texts = []
    for section in QUESTIONNAIRE:
        texts += [section.title, section.intro]
        for question in section.questions:
            texts += [question.label, question.help] + [c.label for c in question.choices]
    return texts


def test_question_ids_are_unique_and_sections_not_empty() -> None:
    ids = [q.id for s in QUESTIONNAIRE for q in s.questions]
    assert len(ids) == len(set(ids)) == len(QUESTIONS)
    assert all(s.questions for s in QUESTIONNAIRE)


def test_choice_questions_have_unique_choices() -> None:
    for question in QUESTIONS.values():
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.NETWORK_GRID):
            values = [c.value for c in question.choices]
            assert len(values) >= 2, question.id
            assert len(values) == len(set(values)), question.id


def test_about_ten_minutes() -> None:
    assert 8 <= estimated_minutes() <= 12


def test_texts_use_french_spacing() -> None:
    for text in _all_texts():
        assert not re.search(r" [:;?!»]", text.fr), text
        assert "« " not in text.fr, text
        assert "'" not in text.fr, text  # typographic apostrophe only


def test_every_text_is_also_in_english() -> None:
    for text in _all_texts():
        assert text.en, text
        assert not re.search(r"\s[:;?!]|[«»]", text.en), text  # English punctuation
        assert "'" not in text.en, text
    for question in QUESTIONS.values():
        if question.kind is not QuestionKind.NETWORK_GRID:  # network names are the same
            assert question.label.en != question.label.fr, question.id


def test_covers_the_issue_topics() -> None:
    expected = {
        "headcount", "sector", "b2b_share", "website", "networks", "publishers",
        "minutes_per_week", "budget", "objectives", "reply_habit", "response_delay",
        "published_categories",
    }  # fmt: skip
    assert expected <= set(QUESTIONS)


def test_complete_answers_are_valid_and_json_serialisable() -> None:
    answers = menuiserie_answers()
    assert validate_answers(answers, require_complete=True) == {}
    assert json.loads(json.dumps(answers)) == answers


@pytest.mark.parametrize(
    ("question_id", "value", "message"),
    [
        ("headcount", "12", "Choisissez une des réponses proposées."),
        ("headcount", 12, "Choisissez une des réponses proposées."),
        ("b2b_share", 101, "Indiquez un nombre entre 0 et 100."),
        ("b2b_share", -1, "Indiquez un nombre entre 0 et 100."),
        ("b2b_share", "30", "Indiquez un nombre entier."),
        ("b2b_share", 30.5, "Indiquez un nombre entier."),
        ("minutes_per_week", True, "Indiquez la durée en minutes, par un nombre entier."),
        (
            "minutes_per_week",
            5000,
            f"Indiquez une durée entre 0{NB}min et 40{NB}h (pour des minutes, écrivez par "
            f"exemple «{NB}90{NB}min{NB}»).",
        ),
        (
            "minutes_per_week",
            "trois heures",
            f"Indiquez une durée, par exemple «{NB}3{NB}h{NB}», «{NB}1{NB}h{NB}30{NB}» ou "
            f"«{NB}90{NB}min{NB}».",
        ),
        ("hourly_cost", 5, "Indiquez un nombre entre 10 et 300."),
        ("leader_active", "oui", "Répondez par oui ou par non."),
        ("leader_active", 1, "Répondez par oui ou par non."),
        ("objectives", "visibility", "Choisissez une ou plusieurs réponses dans la liste."),
        (
            "objectives",
            ["visibility", "fame"],
            "Une des réponses choisies ne fait pas partie de la liste.",
        ),
        ("objectives", ["watch", "watch"], "Chaque réponse ne peut être choisie qu’une fois."),
        (
            "objectives",
            ["watch", "visibility", "community", "recruitment"],
            "Choisissez au plus 3 réponses.",
        ),
        ("publishers", [], "Choisissez au moins une réponse."),
        (
            "publishers",
            ["nobody", "leader"],
            f"«{NB}Personne pour l’instant{NB}» ne peut pas être combiné avec une autre réponse.",
        ),
        (
            "obstacles",
            ["time", "none"],
            f"«{NB}Aucun frein particulier{NB}» ne peut pas être combiné avec une autre réponse.",
        ),
        ("networks", ["facebook"], "Indiquez votre situation pour chaque réseau."),
        ("networks", {"tiktok": "weekly"}, "Un des réseaux indiqués n’est pas proposé."),
        (
            "networks",
            grid(facebook="daily"),
            "Choisissez une des situations proposées pour chaque réseau.",
        ),
        (
            "networks",
            {"facebook": "weekly", "linkedin": "none"},
            f"Indiquez votre situation pour{NB}: Instagram, X, YouTube, Bluesky et Mastodon.",
        ),
    ],
)
def test_validation_messages_in_french(question_id: str, value: Any, message: str) -> None:
    errors = validate_answers({question_id: value})
    assert {k: v.fr for k, v in errors.items()} == {question_id: message}


@pytest.mark.parametrize(
    ("question_id", "value", "message"),
    [
        ("b2b_share", 101, "Enter a number between 0 and 100."),
        ("b2b_share", "30", "Enter a whole number."),
        (
            "publishers",
            ["nobody", "leader"],
            "“Nobody for now” cannot be combined with another answer.",
        ),
        (
            "networks",
            {"facebook": "weekly", "linkedin": "none"},
            "Tell us where you stand on: Instagram, X, YouTube, Bluesky and Mastodon.",
        ),
    ],
)
def test_validation_messages_in_english(question_id: str, value: Any, message: str) -> None:
    errors = validate_answers({question_id: value})
    assert {k: v.en for k, v in errors.items()} == {question_id: message}


def test_empty_optional_multi_is_accepted() -> None:
    assert validate_answers({"objectives": [], "published_categories": []}) == {}


def test_unknown_question_is_reported() -> None:
    assert validate_answers({"shoe_size": 42}) == {"shoe_size": MSG_UNKNOWN_QUESTION}


def test_partial_answers_only_report_what_is_there() -> None:
    assert validate_answers({"headcount": "0-9"}) == {}
    assert validate_answers({"headcount": None}) == {}  # None means "not answered yet"


def test_require_complete_lists_every_missing_required_question() -> None:
    errors = validate_answers({"headcount": "0-9"}, require_complete=True)
    required = {q.id for q in QUESTIONS.values() if q.required} - {"headcount"}
    assert set(errors) == required
    assert set(errors.values()) == {MSG_REQUIRED}


@pytest.mark.parametrize(
    ("reply_habit", "delay_required"),
    [("always", True), ("sometimes", True), ("never", False), ("no_messages", False)],
)
def test_response_delay_only_asked_to_those_who_reply(
    reply_habit: str, delay_required: bool
) -> None:
    answers = menuiserie_answers(reply_habit=reply_habit)
    del answers["response_delay"]
    errors = validate_answers(answers, require_complete=True)
    assert ("response_delay" in errors) is delay_required


def test_progress_of_empty_diagnostic_points_to_the_first_question() -> None:
    where = progress({})
    assert where.answered == 0
    assert where.total > 15
    assert where.next_section_id == "company"
    assert where.next_question_id == "headcount"
    assert not where.is_complete
    assert where.percent == 0


def test_half_done_diagnostic_resumes_where_it_stopped() -> None:
    full = menuiserie_answers()
    order = [q.id for s in QUESTIONNAIRE for q in s.questions]
    half = {k: full[k] for k in order[: order.index("minutes_per_week")] if k in full}
    stored = json.loads(json.dumps(half))  # what the JSONField gives back
    where = progress(stored)
    assert where.next_question_id == "minutes_per_week"
    assert where.next_section_id == "means"
    assert 0 < where.percent < 100
    stored["minutes_per_week"] = 60
    assert progress(stored).next_question_id == "budget"


def test_skipped_question_is_found_before_later_ones() -> None:
    answers = menuiserie_answers()
    del answers["tempo"]
    where = progress(answers)
    assert (where.next_section_id, where.next_question_id) == ("presence", "tempo")
    assert where.answered == where.total - 1


def test_invalid_answer_counts_as_unanswered() -> None:
    answers = menuiserie_answers(b2b_share=250)
    assert progress(answers).next_question_id == "b2b_share"


def test_optional_questions_do_not_block_completion() -> None:
    answers = menuiserie_answers()
    for optional in ("objectives", "published_categories", "hourly_cost"):
        answers.pop(optional, None)
    where = progress(answers)
    assert where.is_complete
    assert where.percent == 100
    assert where.next_section_id is None


def test_answering_never_shrinks_the_count_of_required_questions_wrongly() -> None:
    answers = menuiserie_answers(reply_habit="never")
    answers.pop("response_delay")
    assert progress(answers).is_complete
    assert progress(menuiserie_answers()).total == progress(answers).total + 1


def test_grid_rows_are_the_vocabulary_networks() -> None:
    assert set(grid()) == {n.value for n in Network}


@settings(max_examples=60, deadline=None)
@given(answers_strategy())
def test_generated_answers_are_complete(answers: dict[str, Any]) -> None:
    assert validate_answers(answers, require_complete=True) == {}
    assert progress(answers).is_complete
