"""Durations and shares in the inbox are written the way a French reader writes them."""

from __future__ import annotations

from django.utils import translation

from parvis.inbox.templatetags.inbox import hours, percent


def test_hours_use_the_language_decimal_mark_and_a_non_breaking_space() -> None:
    with translation.override("fr"):
        assert hours(27.14) == "27,1\u00a0h"
        assert hours(0.75) == "45\u00a0min"
        assert hours(None) == "—"
    with translation.override("en"):
        assert hours(27.14) == "27.1\u00a0h"


def test_percent_has_a_narrow_space_in_french_only() -> None:
    with translation.override("fr"):
        assert percent(0.254) == "25\u202f%"
    with translation.override("en"):
        assert percent(0.254) == "25%"
