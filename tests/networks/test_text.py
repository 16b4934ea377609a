"""Counting the network's way: graphemes, Mastodon, LinkedIn escaping, Bluesky facets."""

from __future__ import annotations

from parvis.networks import text
from parvis.networks.linkedin.limits import CAPABILITIES as LINKEDIN
from parvis.networks.mastodon.limits import CAPABILITIES as MASTODON
from parvis.networks.text import Facet, bluesky_facets


def test_graphemes_count_what_people_see() -> None:
    assert text.grapheme_count("👨\u200d👩\u200d👧\u200d👦") == 1
    assert text.grapheme_count("e\u0301té") == 3  # decomposed é is one
    assert text.grapheme_count("🇫🇷 ok") == 4
    assert text.utf8_length("é") == 2


def test_mastodon_counts_links_as_23_and_strips_remote_domains() -> None:
    long_link = "https://exemple.fr/" + "a" * 100
    assert text.mastodon_length(f"Voir {long_link}") == 5 + 23
    assert text.mastodon_length("Merci @alice@piaille.fr !") == len("Merci @alice !")
    assert text.mastodon_length("bonjour exemple.fr") == len("bonjour exemple.fr")  # no scheme
    assert text.mastodon_length(f"Voir {long_link}", url_length=30) == 5 + 30


def test_linkedin_escapes_reserved_characters() -> None:
    escaped = text.linkedin_escape("Offre (CDI) #recrutement @Acme [Lyon] ~5 * 2_x <b> | {a}\\")
    assert escaped == (
        "Offre \\(CDI\\) \\#recrutement \\@Acme \\[Lyon\\] \\~5 \\* 2\\_x \\<b\\> \\| \\{a\\}\\\\"
    )
    assert text.text_length("(a)", LINKEDIN) == 5


def test_text_length_dispatches_on_counting() -> None:
    assert text.text_length("@bob@mastodon.social", MASTODON) == 4


def test_hashtags_and_mentions() -> None:
    caption = "#Lyon #artisanat #1 #été C&#39;est @atelier.lyon et @bob_2"
    assert text.hashtags(caption) == ["Lyon", "artisanat", "été"]
    assert text.mentions(caption) == ["atelier.lyon", "bob_2"]


def test_bluesky_facets_use_utf8_byte_offsets() -> None:
    sample = "Hello https://example.com #test"
    assert bluesky_facets(sample) == [
        Facet(6, 25, "link", "https://example.com"),
        Facet(26, 31, "tag", "test"),
    ]
    accented = "Café à Lyon : parvis.fr et @alice.bsky.social #Lyon2026."
    facets = bluesky_facets(accented)
    encoded = accented.encode()
    assert [encoded[f.byte_start : f.byte_end].decode() for f in facets] == [
        "parvis.fr",
        "@alice.bsky.social",
        "#Lyon2026",
    ]
    assert facets[0].value == "https://parvis.fr" and facets[2].value == "Lyon2026"
    record = facets[1].as_record(did="did:plc:abc")
    assert record["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:abc"}
    ]


def test_bluesky_ignores_hashes_inside_links_and_numbers() -> None:
    facets = bluesky_facets("https://exemple.fr/#ancre et #2026")
    assert [f.kind for f in facets] == ["link"]
