"""French typography, and the engine's texts in French and English."""

from __future__ import annotations

import pytest

from parvis.strategy.engine.text import (
    Text,
    counted,
    format_number,
    join,
    msg,
    number,
    per_week,
    percent,
    quote,
    same,
)
from parvis.strategy.engine.typography import french

NB = "\u00a0"
NNB = "\u202f"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Objectif : répondre", f"Objectif{NB}: répondre"),
        ("Vraiment ? Oui !", f"Vraiment{NB}? Oui{NB}!"),
        ("un ; deux", f"un{NB}; deux"),
        ("« guillemets »", f"«{NB}guillemets{NB}»"),
        ("à 08:30 sur https://exemple.fr", "à 08:30 sur https://exemple.fr"),
    ],
)
def test_french_spacing(raw: str, expected: str) -> None:
    assert french(raw) == expected
    assert french(french(raw)) == expected  # idempotent


def test_a_text_gets_french_typography_and_leaves_english_alone() -> None:
    text = Text("Objectif : répondre", "Goal: answer ; now")
    assert text.fr == f"Objectif{NB}: répondre"
    assert text.en == "Goal: answer ; now"
    assert text.get("en") == text.en
    assert text.get("fr") == text.get("de") == text.fr  # French for any other language


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (10000, f"10{NNB}000", "10,000"),
        (60.9, "60,9", "60.9"),
        (0.035, "0,035", "0.035"),
        (1234567.5, f"1{NNB}234{NNB}567,5", "1,234,567.5"),
        (3.0, "3", "3"),
    ],
)
def test_numbers_in_each_language(value: float, fr: str, en: str) -> None:
    assert format_number(value, "fr") == fr
    assert format_number(value, "en") == en
    assert number(value) == Text(fr, en)


def test_percent() -> None:
    assert percent(0.8) == Text(f"80{NB}%", "80%")


@pytest.mark.parametrize(
    ("count", "fr", "en"),
    [
        (0, "0 publication", "0 posts"),
        (0.5, "0,5 publication", "0.5 posts"),
        (1, "1 publication", "1 post"),
        (2, "2 publications", "2 posts"),
    ],
)
def test_each_language_agrees_in_its_own_way(count: float, fr: str, en: str) -> None:
    assert counted(count, ("publication", "publications"), ("post", "posts")) == Text(fr, en)


@pytest.mark.parametrize(
    ("minutes", "fr", "en"),
    [
        (0, "0 minute par semaine", "0 minutes a week"),
        (1, "1 minute par semaine", "1 minute a week"),
        (90, "90 minutes par semaine", "90 minutes a week"),
    ],
)
def test_per_week(minutes: int, fr: str, en: str) -> None:
    assert per_week(minutes) == Text(fr, en)


@pytest.mark.parametrize(
    ("items", "fr", "en"),
    [
        ([], "", ""),
        (["a"], "a", "a"),
        (["a", "b"], "a et b", "a and b"),
        (["a", "b", "c"], "a, b et c", "a, b and c"),
    ],
)
def test_join(items: list[str], fr: str, en: str) -> None:
    assert join([same(i) for i in items]) == Text(fr, en)


def test_a_message_fills_each_language_with_its_own_words() -> None:
    text = msg(
        "{share} de vos posts parlent de {who} : visez {cap}.",
        "{share} of your posts are about {who}: aim for {cap}.",
        share=percent(0.8),
        who=Text("vous", "yourself"),
        cap=percent(0.4),
    )
    assert text.fr == f"80{NB}% de vos posts parlent de vous{NB}: visez 40{NB}%."
    assert text.en == "80% of your posts are about yourself: aim for 40%."
    assert quote(same("Coulisses")) == Text(f"«{NB}Coulisses{NB}»", "“Coulisses”")
