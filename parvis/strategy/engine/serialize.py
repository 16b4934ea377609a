"""Engine results to JSON-compatible data and back, for the REST API and JSONField history.

Dataclasses become objects with their fields and their computed properties (``overall``,
``sources``, ``total_minutes``…); enums their value; times ``"HH:MM"``; frozensets sorted lists;
a :class:`~.text.Text` an object ``{"fr": …, "en": …}``.

:func:`from_jsonable` reads such an object back into the dataclass it came from, led by the
dataclass's type hints (computed properties are ignored, they are computed again). It is how a
stored plan is read back as it was adopted (:func:`plan_from_jsonable`): a later change of the
engine's rules must not silently change a plan a company already follows.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import time
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from parvis.strategy.engine.plan import Plan

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]

T = TypeVar("T")


def _properties(cls: type) -> list[str]:
    names: list[str] = []
    for klass in reversed(cls.__mro__[:-1]):
        names += [n for n, v in vars(klass).items() if isinstance(v, property) and n not in names]
    return names


def to_jsonable(value: Any) -> JSONValue:
    """A JSON-compatible copy of ``value`` (an engine result or any plain data)."""
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


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _read_dataclass(cls: type, data: object, path: str) -> object:
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: expected an object for {cls.__name__}")
    hints = _hints(cls)
    values: dict[str, object] = {}
    for field in dataclasses.fields(cls):
        if field.name in data:
            values[field.name] = _read(hints[field.name], data[field.name], f"{path}.{field.name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ValueError(f"{path}: {cls.__name__}.{field.name} is missing")
    return cls(**values)


def _read_scalar(hint: type, data: object, path: str) -> object:
    if issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {data!r} is not a {hint.__name__}") from exc
    if hint is bool and isinstance(data, bool):
        return data
    if hint is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if hint is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if hint is str and isinstance(data, str):
        return data
    if hint is time and isinstance(data, str):
        return time.fromisoformat(data)
    raise ValueError(f"{path}: {data!r} is not a {hint.__name__}")


def _read(hint: Any, data: object, path: str) -> object:
    """``data`` (JSON) as a value of the type ``hint``; ``ValueError`` when it does not fit."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is types.UnionType or origin is typing.Union:
        if data is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _read(inner, data, path)
    if origin in (tuple, frozenset):
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a list")
        items = (_read(args[0], item, f"{path}[{i}]") for i, item in enumerate(data))
        return tuple(items) if origin is tuple else frozenset(items)
    if origin in (dict, Mapping):
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: expected an object")
        key_hint, value_hint = args
        return {
            _read(key_hint, key, path): _read(value_hint, value, f"{path}.{key}")
            for key, value in data.items()
        }
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _read_dataclass(hint, data, path)
    if isinstance(hint, type):
        return _read_scalar(hint, data, path)
    raise TypeError(f"{path}: cannot read a {hint!r}")


def from_jsonable(cls: type[T], data: object) -> T:
    """The engine dataclass ``cls`` that :func:`to_jsonable` turned into ``data``.

    Fields absent from ``data`` take their default (a field added to the engine later);
    unknown keys, such as computed properties, are ignored. Raises ``ValueError`` when ``data``
    does not fit ``cls`` (for example a result stored by an older engine with French-only texts).
    """
    if not (dataclasses.is_dataclass(cls) and isinstance(cls, type)):
        raise TypeError(f"{cls!r} is not an engine dataclass")
    value = _read_dataclass(cls, data, cls.__name__)
    assert isinstance(value, cls)
    return value


def plan_from_jsonable(data: object) -> Plan:
    """A plan exactly as it was stored with ``to_jsonable(build_plan(...))``."""
    return from_jsonable(Plan, data)
