"""Template helpers for the strategy pages: texts in the reader's language, labels of shared
words, sources of a statement."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.core.vocabulary import NETWORK_LABELS, ContentCategory, Network, Objective
from parvis.strategy.engine.figures import default_figures
from parvis.strategy.engine.labels import CATEGORY_LABELS, OBJECTIVE_TEXTS
from parvis.strategy.texts import local

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """An engine text (stored ``{"fr": …, "en": …}``) in the reader's language."""
    return local(value)


@register.filter
def sources(statement: Any) -> list[dict[str, str]]:
    """The distinct sources (label and link) of a statement stored as JSON."""
    seen: dict[str, dict[str, str]] = {}
    if isinstance(statement, dict):
        for figure in statement.get("figures") or []:
            label = _citation(figure)
            if label and label not in seen:
                seen[label] = {"label": label, "url": str(figure.get("url", ""))}
    return list(seen.values())


def _citation(figure: Any) -> str:
    """The figure's citation as the engine writes it today (population and year included),
    so results stored before the population was cited show it too; the stored label when the
    figure is no longer shipped."""
    try:
        return local(default_figures()[str(figure.get("id"))].source_label)
    except KeyError:
        return local(figure.get("source_label"))


@register.filter
def category_label(value: str) -> str:
    try:
        return local(CATEGORY_LABELS[ContentCategory(value)])
    except ValueError:
        return value


@register.filter
def network_label(value: str) -> str:
    try:
        return NETWORK_LABELS[Network(value)]
    except ValueError:
        return value


@register.filter
def objective_label(value: str) -> str:
    try:
        return local(OBJECTIVE_TEXTS[Objective(value)])
    except ValueError:
        return value


@register.filter
def percent(share: Any) -> int:
    """A 0–1 share as a whole percentage."""
    try:
        return round(float(share) * 100)
    except (TypeError, ValueError):
        return 0
