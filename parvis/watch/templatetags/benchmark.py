"""Figures of the benchmark and share-of-voice pages, in the active language's format
(« 1 840 », « 27,1 % », « +130 »); a missing value is « non communiqué », never 0."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

NBSP = "\u00a0"
NNBSP = "\u202f"


def _missing() -> str:
    return _("not communicated")


@register.filter
def figure(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return _missing()
    return str(number_format(value, decimals, force_grouping=True))


@register.filter
def signed(value: int | None) -> str:
    """« +130 », « −30 » (a real minus sign), « 0 »."""
    if value is None:
        return _missing()
    text = str(number_format(abs(value), 0, force_grouping=True))
    return f"+{text}" if value > 0 else f"\u2212{text}" if value < 0 else text


@register.filter
def pct(value: float | None, decimals: int = 1) -> str:
    """« 27,1 % » in French (a narrow non-breaking space), « 27.1% » in English."""
    if value is None:
        return _missing()
    space = NNBSP if (get_language() or "").startswith("fr") else ""
    return f"{number_format(value, decimals)}{space}%"


@register.filter
def signed_pct(value: float | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return f"{sign}{pct(abs(value))}"
