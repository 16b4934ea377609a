"""How much an organisation may watch, by plan size (shown on the « Veille » settings page).

The size is set per organisation by the operator (``WatchSettings.plan_size``, « small » by
default); the limits keep one organisation's watch within the calls the budgets allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from parvis.watch.models import WatchSettings


@dataclass(frozen=True)
class Limits:
    competitors: int
    queries: int
    feeds: int


PLAN_LIMITS: dict[str, Limits] = {
    WatchSettings.PlanSize.SMALL: Limits(competitors=5, queries=5, feeds=20),
    WatchSettings.PlanSize.MEDIUM: Limits(competitors=10, queries=15, feeds=50),
    WatchSettings.PlanSize.LARGE: Limits(competitors=25, queries=40, feeds=150),
}


def limits_for(settings: WatchSettings) -> Limits:
    return PLAN_LIMITS.get(settings.plan_size, PLAN_LIMITS[WatchSettings.PlanSize.SMALL])
