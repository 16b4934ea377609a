"""The shared words of ``parvis.core.vocabulary`` (the one place they are written, in French
and in English) as engine texts."""

from __future__ import annotations

from typing import Final

from parvis.core.vocabulary import (
    CONTENT_CATEGORY_LABELS,
    CONTENT_CATEGORY_LABELS_EN,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
    OBJECTIVE_LABELS_EN,
    ContentCategory,
    Network,
    Objective,
)
from parvis.strategy.engine.text import Text, same

CATEGORY_LABELS: Final[dict[ContentCategory, Text]] = {
    c: Text(CONTENT_CATEGORY_LABELS[c], CONTENT_CATEGORY_LABELS_EN[c]) for c in ContentCategory
}
OBJECTIVE_TEXTS: Final[dict[Objective, Text]] = {
    o: Text(OBJECTIVE_LABELS[o], OBJECTIVE_LABELS_EN[o]) for o in Objective
}
NETWORK_NAMES: Final[dict[Network, Text]] = {n: same(NETWORK_LABELS[n]) for n in Network}
