from __future__ import annotations

import pytest

from parvis.strategy.engine.typography import french, join_french, per_week, plural

NB = "\u00a0"


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


@pytest.mark.parametrize(("count", "word"), [(0, "post"), (0.5, "post"), (1, "post"), (2, "posts")])
def test_plural(count: float, word: str) -> None:
    assert plural(count, "post", "posts") == word


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 minute par semaine"), (1, "1 minute par semaine"), (90, "90 minutes par semaine")],
)
def test_per_week(minutes: int, text: str) -> None:
    assert per_week(minutes) == text


@pytest.mark.parametrize(
    ("items", "text"),
    [([], ""), (["a"], "a"), (["a", "b"], "a et b"), (["a", "b", "c"], "a, b et c")],
)
def test_join_french(items: list[str], text: str) -> None:
    assert join_french(items) == text
