"""Read the labelled TSV files used for training and evaluation.

Format: UTF-8, tab-separated, a header row naming the columns (``text`` first), lines starting
with ``#`` are comments. Backslash escapes written by :mod:`csv` (``\\t``) are undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text: ``labels`` maps a column name ("sentiment", "intent"...) to a label."""

    text: str
    labels: dict[str, str]


def read_tsv(path: Path) -> list[Example]:
    """Return the examples of ``path``; raise ``ValueError`` on a row with missing columns."""
    examples: list[Example] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            if len(cells) != len(header):
                raise ValueError(f"{path}:{number}: expected {len(header)} columns")
            text = cells[0].replace("\\\\", "\\")
            examples.append(Example(text, dict(zip(header[1:], cells[1:], strict=True))))
    return examples
