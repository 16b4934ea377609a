"""A server-rendered SVG line chart over time: no JavaScript chart library. Strategy draws its
scores (0–100, the default scale); the watch draws counts with a scale of its own.

The view computes the geometry; the template draws ``<polyline>`` and ``<circle>`` elements
with presentation attributes only (the Content Security Policy forbids inline styles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    value: int


@dataclass(frozen=True)
class Series:
    key: str  # a CSS class suffix: "maturity", "alignment"
    label: str
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    y_ticks: tuple[tuple[float, int], ...]
    x_ticks: tuple[tuple[float, date], ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def nice_top(value: int) -> int:
    """The smallest 4, 8 or 20 × 10ⁿ at or above ``value``: four whole-number ticks below it."""
    step = 1
    while True:
        for factor in (4, 8, 20):  # ticks every s, 2·s or 5·s: whole numbers
            if value <= factor * step:
                return factor * step
        step *= 10


def line_chart(
    data: Sequence[tuple[str, str, Sequence[tuple[date, int]]]], *, top: int = 100
) -> Chart:
    """Place every ``(key, label, [(day, value 0–top)])`` series on one shared time axis."""
    days = [day for _k, _l, values in data for day, _v in values]
    # With no point at all the axis is never drawn; any date will do.
    first, last = (min(days), max(days)) if days else (date.min, date.min)
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(float(top), value)) / top)

    series = tuple(
        Series(
            key,
            label,
            tuple(
                Point(x_of(day), y_of(value), day, value)
                for day, value in sorted(values, key=lambda dv: dv[0])
            ),
        )
        for key, label, values in data
    )
    y_ticks = tuple((y_of(top * i / 4), top * i // 4) for i in range(5))
    x_ticks: tuple[tuple[float, date], ...] = ()
    if days:
        x_ticks = (
            ((x_of(first), first),) if first == last else ((x_of(first), first), (x_of(last), last))
        )
    return Chart(WIDTH, HEIGHT, series, y_ticks, x_ticks)
