"""Version history: what changed in the text between two revisions, word by word."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parvis.publishing.models import PostRevision

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass
class RevisionView:
    revision: PostRevision
    pieces: list[Piece]
    changed_fields: list[str]


def text_diff(before: str, after: str) -> list[Piece]:
    """Word-level pieces turning ``before`` into ``after`` (whitespace kept as written)."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return pieces


def revision_views(revisions: Sequence[PostRevision]) -> list[RevisionView]:
    """Newest first, each with its diff against the version before it."""
    ordered = sorted(revisions, key=lambda r: r.version)
    views: list[RevisionView] = []
    previous: dict[str, Any] = {}
    for revision in ordered:
        snap = revision.snapshot or {}
        changed = sorted(
            k for k in set(snap) | set(previous) if k != "body" and snap.get(k) != previous.get(k)
        )
        views.append(
            RevisionView(
                revision,
                text_diff(str(previous.get("body", "")), str(snap.get("body", ""))),
                changed if previous else [],
            )
        )
        previous = snap
    return list(reversed(views))
