"""Graph API field expansion and cursor paging, as the fake understands them.

``fields=id,picture{url},comments.limit(5).order(reverse_chronological){id,message}`` is parsed
into :class:`FieldSpec` trees; edges answer ``{"data": [...], "paging": {"cursors": {...},
"next": ...}}`` with opaque base64 cursors, like Graph.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


class FieldSyntaxError(ValueError):
    pass


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: list[FieldSpec] | None = None


def parse_fields(text: str) -> list[FieldSpec]:
    """Parse a ``fields`` parameter; raises FieldSyntaxError on unbalanced braces."""
    specs, rest = _parse_list(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise FieldSyntaxError(f"unexpected character at {rest}")
    return specs


def _parse_list(text: str, index: int) -> tuple[list[FieldSpec], int]:
    specs: list[FieldSpec] = []
    while index < len(text) and text[index] != "}":
        spec, index = _parse_one(text, index)
        specs.append(spec)
        if index < len(text) and text[index] == ",":
            index += 1
    return specs, index


def _parse_one(text: str, index: int) -> tuple[FieldSpec, int]:
    start = index
    while index < len(text) and text[index] not in ",.{}(":
        index += 1
    spec = FieldSpec(text[start:index])
    if not spec.name:
        raise FieldSyntaxError(f"empty field name at {start}")
    while index < len(text) and text[index] == ".":
        name_start = index + 1
        open_at = text.find("(", name_start)
        close_at = text.find(")", open_at)
        if open_at < 0 or close_at < 0:
            raise FieldSyntaxError("modifier without (value)")
        spec.modifiers[text[name_start:open_at]] = text[open_at + 1 : close_at]
        index = close_at + 1
    if index < len(text) and text[index] == "{":
        spec.children, index = _parse_list(text, index + 1)
        if index >= len(text) or text[index] != "}":
            raise FieldSyntaxError("unbalanced {")
        index += 1
    return spec, index


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        return int(text.removeprefix("offset:"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FieldSyntaxError("invalid cursor") from exc


def paginate(
    items: list[Any], *, limit: int, after: str | None, next_base: str
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` and Graph's ``paging`` object (``next`` only when more exist)."""
    start = decode_cursor(after) if after else 0
    page = items[start : start + limit]
    paging: dict[str, Any] = {}
    if page:
        end = start + len(page)
        paging["cursors"] = {"before": encode_cursor(start), "after": encode_cursor(end)}
        if end < len(items):
            paging["next"] = f"{next_base}?limit={limit}&after={encode_cursor(end)}"
    return page, paging
