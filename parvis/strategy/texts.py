"""The engine's texts in the reader's language.

The engine writes every text in French and English (``engine.Text``); stored results keep both
as ``{"fr": …, "en": …}``. Pages, the API and services show the one of the active language
(the member's, set by ``accounts.middleware``), French being the default.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation

from parvis.strategy.engine import Text
from parvis.strategy.engine.text import DEFAULT_LANGUAGE, LANGUAGES


def current_language() -> str:
    """The active language if the engine speaks it (``en-gb`` counts as ``en``), else French."""
    language = (translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def local(value: object, language: str | None = None) -> str:
    """``value`` in ``language`` (the active one by default).

    Accepts an engine ``Text``, its JSON form, or a plain string: results stored before the
    engine spoke English hold French strings, shown as they are. Anything else is shown empty.
    """
    language = language or current_language()
    if isinstance(value, Text):
        return value.get(language)
    if isinstance(value, Mapping):
        text = value.get(language) or value.get(DEFAULT_LANGUAGE)
        return text if isinstance(text, str) else ""
    return value if isinstance(value, str) else ""
