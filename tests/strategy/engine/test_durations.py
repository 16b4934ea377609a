"""Durations as a busy owner types them."""

from __future__ import annotations

import pytest

from parvis.strategy.engine.durations import (
    MAX_INPUT_LENGTH,
    DurationError,
    format_duration,
    parse_duration,
)
from parvis.strategy.engine.text import Text

NB = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("3h", 180),
        ("3 h", 180),
        ("3 H", 180),
        (f"3{NB}h", 180),
        ("1 h 30", 90),
        ("1h30", 90),
        ("1 h 05", 65),
        ("1h30min", 90),
        ("1 heure 30 minutes", 90),
        ("90 min", 90),
        ("90min", 90),
        ("45 minutes", 45),
        ("45mn", 45),
        ("1,5 h", 90),
        ("1.5h", 90),
        ("2 heures", 120),
        ("1 heure", 60),
        ("2 hours", 120),
        ("3", 180),  # a number alone counts in hours
        ("2,5", 150),
        ("0", 0),
        ("  3h  ", 180),
    ],
)
def test_durations_people_write(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize(
    "typed", ["", "   ", "trois heures", "h", "3 jours", "-2 h", "3h-4h", "1,5,2 h", "x" * 500]
)
def test_garbage_gets_a_clear_french_message(typed: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(typed)
    assert caught.value.message.fr == (
        f"Indiquez une durée, par exemple «{NB}3{NB}h{NB}», «{NB}1{NB}h{NB}30{NB}» ou "
        f"«{NB}90{NB}min{NB}»."
    )
    assert caught.value.message.en.startswith("Enter a duration")


def test_minutes_after_hours_stay_below_sixty() -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration("1 h 75")
    assert "moins de 60" in caught.value.message.fr


def test_long_input_is_refused_before_matching() -> None:
    with pytest.raises(DurationError):
        parse_duration("1" * (MAX_INPUT_LENGTH + 1))


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (180, Text(f"3{NB}h", "3 h")),
        (90, Text(f"1{NB}h{NB}30", "1 h 30")),
        (65, Text(f"1{NB}h{NB}05", "1 h 05")),
        (45, Text(f"45{NB}min", "45 min")),
        (0, Text(f"0{NB}min", "0 min")),
    ],
)
def test_shown_durations_can_be_typed_again(minutes: int, shown: Text) -> None:
    assert format_duration(minutes) == shown
    assert parse_duration(shown.fr) == minutes
    assert parse_duration(shown.en) == minutes
