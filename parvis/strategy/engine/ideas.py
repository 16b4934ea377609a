"""Content ideas: post templates per sector × category × objective, rotating by week.

The templates live in ``parvis/strategy/data/ideas.json``. Sector ``generic`` is the fallback
and covers every category the plan can ask for. The choice is deterministic: the same week,
sector and category always give the same idea, and the next week gives the next one.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parvis.core.vocabulary import ContentCategory, Objective
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.figures import DATA_DIR
from parvis.strategy.engine.text import Text

IDEAS_JSON = DATA_DIR / "ideas.json"
GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class ContentIdea:
    text: Text
    sector: str  # a Sector value, or "generic"
    category: ContentCategory
    objectives: frozenset[Objective]

    @property
    def is_generic(self) -> bool:
        return self.sector == GENERIC


class IdeaBook:
    """Templates indexed by (sector, category), in file order."""

    def __init__(self, ideas: Iterable[ContentIdea]) -> None:
        self._index: dict[tuple[str, ContentCategory], list[ContentIdea]] = {}
        for idea in ideas:
            self._index.setdefault((idea.sector, idea.category), []).append(idea)

    def __len__(self) -> int:
        return sum(len(v) for v in self._index.values())

    def __iter__(self) -> Iterator[ContentIdea]:
        for pool in self._index.values():
            yield from pool

    def candidates(
        self, sector: Sector, category: ContentCategory, objective: Objective | None
    ) -> tuple[ContentIdea, ...]:
        """Best-matching templates: the sector's, else generic; those for the objective first.

        Within a sector, templates tagged for ``objective`` (or untagged) are preferred; if
        none match, the sector's others are used rather than falling back to generic ones.
        """
        for sector_key in (sector.value, GENERIC):
            pool = self._index.get((sector_key, category), [])
            if not pool:
                continue
            matching = [
                i
                for i in pool
                if objective is None or not i.objectives or objective in i.objectives
            ]
            return tuple(matching or pool)
        return ()

    def pick(
        self,
        sector: Sector,
        category: ContentCategory,
        objective: Objective | None,
        *,
        week: int,
        occurrence: int = 0,
        occurrences: int = 1,
    ) -> ContentIdea | None:
        """The idea for the ``occurrence``-th slot of ``category`` in ``week``.

        Within a week, slots of the same category get different ideas (while there are enough);
        from one week to the next the list advances by ``occurrences``, so ideas rotate.
        A per-key offset keeps two sectors from showing their lists in lockstep.
        """
        pool = self.candidates(sector, category, objective)
        if not pool:
            return None
        key = f"{sector.value}/{category.value}/{objective.value if objective else ''}"
        offset = zlib.crc32(key.encode("utf-8"))
        index = (offset + week * max(occurrences, 1) + occurrence) % len(pool)
        return pool[index]


def parse_ideas(data: Mapping[str, object]) -> IdeaBook:
    """Build an :class:`IdeaBook` from the JSON document; raise ``ValueError`` if malformed."""
    raw = data.get("ideas")
    if not isinstance(raw, list):
        raise ValueError("ideas.json must hold an 'ideas' list")
    sectors = {s.value for s in Sector} | {GENERIC}
    ideas = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValueError(f"idea is not an object: {item!r}")
        sector, text, text_en = item.get("sector"), item.get("text"), item.get("text_en")
        if (
            sector not in sectors
            or not isinstance(text, str)
            or not isinstance(text_en, str)
            or not text.strip()
            or not text_en.strip()
        ):
            raise ValueError(f"bad idea (a sector, a French text and an English text): {item!r}")
        objectives = item.get("objectives", [])
        if not isinstance(objectives, list):
            raise ValueError(f"bad objectives in idea: {item!r}")
        ideas.append(
            ContentIdea(
                text=Text(text.strip(), text_en.strip()),
                sector=str(sector),
                category=ContentCategory(str(item.get("category"))),
                objectives=frozenset(Objective(o) for o in objectives),
            )
        )
    return IdeaBook(ideas)


def load_ideas(path: Path = IDEAS_JSON) -> IdeaBook:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError("ideas.json must hold an object")
    return parse_ideas(data)


@cache
def default_ideas() -> IdeaBook:
    """The packaged templates, loaded once per process."""
    return load_ideas()
