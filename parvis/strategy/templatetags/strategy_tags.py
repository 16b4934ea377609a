"""Template helpers for the strategy pages: labels of shared words, sources of a statement."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.core.vocabulary import (
    CONTENT_CATEGORY_LABELS,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
    ContentCategory,
    Network,
    Objective,
)

register = template.Library()


@register.filter
def sources(statement: Any) -> list[dict[str, str]]:
    """The distinct sources (label and link) of a statement stored as JSON."""
    seen: dict[str, dict[str, str]] = {}
    if isinstance(statement, dict):
        for figure in statement.get("figures") or []:
            label = str(figure.get("source_label", ""))
            if label and label not in seen:
                seen[label] = {"label": label, "url": str(figure.get("url", ""))}
    return list(seen.values())


@register.filter
def category_label(value: str) -> str:
    try:
        return CONTENT_CATEGORY_LABELS[ContentCategory(value)]
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
        return OBJECTIVE_LABELS[Objective(value)]
    except ValueError:
        return value


@register.filter
def percent(share: Any) -> int:
    """A 0–1 share as a whole percentage."""
    try:
        return round(float(share) * 100)
    except (TypeError, ValueError):
        return 0
