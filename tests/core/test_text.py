from __future__ import annotations

from parvis.core.text import shorten


def test_a_short_text_is_kept_on_one_line() -> None:
    assert shorten("Portes ouvertes\nsamedi", 60) == "Portes ouvertes samedi"


def test_a_long_text_is_cut_between_two_words_with_an_ellipsis() -> None:
    title = "Pourquoi nous séchons nos bois 18 mois avant de les travailler à l’atelier"
    short = shorten(title, 45)
    assert short == "Pourquoi nous séchons nos bois 18 mois avant…"
    assert len(short) <= 45


def test_one_endless_word_is_cut_where_it_must_be() -> None:
    assert shorten("a" * 100, 10) == "a" * 9 + "…"


def test_punctuation_before_the_cut_is_dropped() -> None:
    assert shorten("Jusqu’à fin du mois, -10 % sur les fenêtres bois double vitrage", 24) == (
        "Jusqu’à fin du mois…"
    )
