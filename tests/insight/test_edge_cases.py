"""Odd inputs give a result, never an exception."""

from __future__ import annotations

from parvis.core.vocabulary import Intent, Sentiment
from parvis.insight import analyse, analyse_many, categorise_post
from parvis.insight.text import MAX_ANALYSED_CHARS, clean, normalise


def test_empty_text() -> None:
    analysis = analyse("")
    assert analysis.intent is Intent.OTHER
    assert analysis.language == "und"
    assert analysis.intents[0].reasons == ("message vide",)


def test_empty_text_takes_the_account_language() -> None:
    assert analyse("   ", lang_hint="fr").language == "fr"


def test_hundred_thousand_characters() -> None:
    text = "Bonjour, je voudrais un devis pour une cuisine. " * 2100
    assert len(text) > 100_000
    analysis = analyse(text)
    assert analysis.intent is Intent.PURCHASE_INTENT
    assert analysis.language == "fr"
    assert len(clean(text)) <= MAX_ANALYSED_CHARS


def test_only_emojis() -> None:
    angry = analyse("😡😡😡")
    assert angry.sentiment is Sentiment.NEGATIVE
    happy = analyse("😍😍😍")
    assert happy.sentiment is Sentiment.POSITIVE
    assert analyse("🙂", lang_hint="en").language == "en"


def test_only_a_url() -> None:
    analysis = analyse("https://www.example.com/page?id=42")
    assert analysis.intent is not Intent.PURCHASE_INTENT
    assert analysis.language == "und"


def test_mixed_scripts() -> None:
    analysis = analyse("Bonjour 你好 Привет مرحبا, vous livrez à Lyon ?")
    assert analysis.intents
    assert analysis.language


def test_control_characters_and_lone_surrogates() -> None:
    text = "Bonjour\x00\x07 je veux un\ud800 devis\x1b svp"
    assert clean(text) == "Bonjour je veux un devis svp"
    assert analyse(text).intent is Intent.PURCHASE_INTENT


def test_non_string_items_in_a_batch_are_treated_as_empty() -> None:
    results = analyse_many(["Merci beaucoup !", None, 42])  # type: ignore[list-item]
    assert len(results) == 3
    assert results[1].intents[0].reasons == ("message vide",)


def test_placeholders_replace_urls_mentions_amounts_and_phones() -> None:
    text = normalise("@marc appelle le 06 12 34 56 78, 50 € sur bit.ly/abc ou https://x.fr/a")
    assert text.split() == [
        "attok",
        "appelle",
        "le",
        "phonetok",
        ",",
        "moneytok",
        "sur",
        "urlshort",
        "ou",
        "urltok",
    ]


def test_posts_edge_cases() -> None:
    assert categorise_post("").category.value == "other"
    assert categorise_post("🎉🎉").category.value == "other"
    assert categorise_post("x" * 100_000).category
