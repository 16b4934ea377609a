"""The cue pre-check never changes which cues match: it only skips expressions that could not."""

from __future__ import annotations

import re
from pathlib import Path

from parvis.insight.cue_filter import required_pieces
from parvis.insight.cues import CUES, matched_cues
from parvis.insight.text import clean, normalise
from training.insight.datasets import read_tsv

DATA = Path(__file__).resolve().parents[2] / "training" / "insight" / "data"


def test_pieces_of_simple_patterns() -> None:
    assert required_pieces(re.compile(r"\b(devis|quote)\b")) == ("devis", "quote")
    assert required_pieces(re.compile(r"\b(achete[rz]?|acheter)\b")) == ("achete",)
    assert required_pieces(re.compile(r"(je )?veux (un|une) devis")) == (" devis",)
    assert required_pieces(re.compile(r"\?")) is None
    assert required_pieces(re.compile(r"(?i)devis")) is None
    assert required_pieces(re.compile(r"\b(cv|[a-z]+)\b")) is None


def test_same_cues_as_running_every_pattern() -> None:
    texts = [row.text for path in sorted(DATA.glob("*.tsv")) for row in read_tsv(path)]
    assert len(texts) > 1000
    texts += [
        "",
        "???",
        "Combien ça coûte ? Je voudrais un devis",
        "ACHETEZ 1000 abonnés 👉 bit.ly/x",
    ]
    for text in texts:
        folded = normalise(clean(text))
        assert matched_cues(folded) == [c for c in CUES if c.pattern.search(folded)], text
