"""Turn engine results into JSON-compatible data, for the REST API and JSONField history.

Dataclasses become objects with their fields and their computed properties (``overall``,
``sources``, ``total_minutes``…); enums their value; times ``"HH:MM"``; frozensets sorted lists.
A :class:`Figure` is reduced to what a page needs to show it with its source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import time
from enum import Enum
from typing import Any

from parvis.strategy.engine.figures import Figure

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]


def figure_json(fig: Figure) -> dict[str, JSONValue]:
    return {
        "id": fig.id,
        "value": fig.value,
        "unit": fig.unit.value,
        "formatted": fig.formatted,
        "sentence": fig.sentence,
        "source_label": fig.source_label,
        "url": fig.url,
        "data_year": fig.data_year,
        "confidence": fig.confidence,
    }


def _properties(cls: type) -> list[str]:
    names: list[str] = []
    for klass in reversed(cls.__mro__[:-1]):
        names += [n for n, v in vars(klass).items() if isinstance(v, property) and n not in names]
    return names


def to_jsonable(value: Any) -> JSONValue:
    """A JSON-compatible copy of ``value`` (an engine result or any plain data)."""
    if isinstance(value, Figure):
        return figure_json(value)
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, JSONValue] = {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        for name in _properties(type(value)):
            out[name] = to_jsonable(getattr(value, name))
        return out
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")
