"""Automatic adaptation of the master text to one network's limits (pure)."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.registry import provider
from parvis.networks.text import hashtags, text_length
from parvis.publishing.ui.history import text_diff
from parvis.publishing.ui.variants import adapt_text

X = provider(Network.X).capabilities
INSTAGRAM = provider(Network.INSTAGRAM).capabilities


def test_long_text_is_cut_at_a_word_with_room_for_the_link() -> None:
    text = "Nos menuisiers fabriquent des fenêtres en chêne massif " * 10
    link = "https://menuiserie-martin.fr/fenetres?utm_source=x"
    adapted = adapt_text(text, X, link=link)
    assert adapted.endswith("…")
    assert text_length(f"{adapted}\n\n{link}", X) <= 280
    assert not adapted[:-1].endswith(" ")


def test_surplus_hashtags_are_dropped_from_the_end() -> None:
    text = "Portes " + " ".join(f"#porte{i}" for i in range(35))
    adapted = adapt_text(text, INSTAGRAM)
    assert len(hashtags(adapted)) == 30
    assert "#porte0" in adapted and "#porte34" not in adapted


def test_a_text_that_fits_is_unchanged() -> None:
    assert adapt_text("Bonjour", X) == "Bonjour"


def test_word_diff_marks_additions_and_removals() -> None:
    pieces = text_diff("Fenêtres en pin", "Fenêtres en chêne")
    assert [(p.kind, p.text) for p in pieces if p.kind != "same"] == [
        ("removed", "pin"),
        ("added", "chêne"),
    ]
