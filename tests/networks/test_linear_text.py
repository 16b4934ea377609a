"""Counting, link finding and adaptation are linear in the text's length and give the same
answers as before (``reference_text``: the backtracking expression and the loops they replace).

No test here reads a clock: equality with the reference is checked on long texts of every
kind the reference can still handle, and linearity by counting the work done on texts that
made the reference quadratic or worse.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.networks import urlextract
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import Draft
from parvis.networks.registry import PROVIDERS, provider
from parvis.networks.text import bluesky_facets, text_length
from parvis.networks.twittertext import V1, V2, V3, parse_tweet
from parvis.networks.urlextract import extract_urls
from parvis.networks.validation import effective_text
from parvis.publishing.ui.variants import adapt_text
from tests.networks import reference_text as reference

NETWORKS: dict[str, Capabilities] = {kind.value: provider(kind).capabilities for kind in PROVIDERS}

# Pieces that exercise every branch of the link grammar: protocols, labels with "-" and "_",
# top-level domains that are prefixes of others ("co", "com", "community"), punycode, t.co,
# ports, paths with parentheses, queries, characters that case-fold onto ASCII (ſ, K),
# directional marks, and the characters around which a link may or may not start.
TRICKY = [
    *("http://", "https://", "HTTPS://", "www.", "t.co/", "t.co/abc123", "bit.ly/x"),
    *("com", "fr", "co", "community", "comm", "uk", "xn--p1ai", "рф", "中国", "例え.テスト"),
    *(".", "..", "/", "?q=1", ":8080", "(a)", "_", "-", "a_b", "x-y", "@", "#", "$", "'"),
    *(" ", "\n", "a", "é", "漢", "😀", "🇫🇷", "ſ", "K", "İ", "\u202a", "\ufe0f", "＃", "…"),
]
PROSE = (
    "Nos croissants au beurre sont prêts dès 7h, venez goûter la baguette au levain. "
    "Commandez sur https://boulangerie-martin.fr/commande?produit=galette&part=8 ou "
    "www.boulangerie-martin.fr/horaires (fermé le mercredi). #boulangerie #Lyon #été2026 "
    "Merci @marie_dupont et @alice.bsky.social ! 🥖👩‍🍳🇫🇷1️⃣ パン屋さんの朝は早い、面包店。 "
    "Voir exemple.fr/a_(b) et t.co/AbC123 ; @lucas@piaille.fr écrit « c’est top » 👍🏽. "
)


def long_texts(size: int, count: int, seed: int) -> Iterator[str]:
    """Texts of ``size`` characters: prose with its sentences shuffled and tricky pieces."""
    rng = random.Random(seed)
    sentences = [s + ". " for s in PROSE.split(". ")]
    for _ in range(count):
        pieces: list[str] = []
        while sum(map(len, pieces)) < size:
            if rng.random() < 0.7:
                pieces.append(rng.choice(sentences))
            else:
                pieces.append("".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 12))))
        yield "".join(pieces)[:size]


def spans(found: list[urlextract.UrlSpan]) -> list[tuple[str, int, int, bool]]:
    return [(s.url, s.start, s.end, s.has_protocol) for s in found]


@pytest.mark.parametrize("text", list(long_texts(12_000, 4, seed=16)))
def test_links_in_long_texts_are_the_reference_ones(text: str) -> None:
    for without_protocol in (True, False):
        expected = reference.extract_urls(text, without_protocol=without_protocol)
        assert spans(extract_urls(text, without_protocol=without_protocol)) == spans(expected)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TRICKY), max_size=30).map("".join))
def test_links_in_short_tricky_texts_are_the_reference_ones(text: str) -> None:
    for without_protocol in (True, False):
        expected = reference.extract_urls(text, without_protocol=without_protocol)
        assert spans(extract_urls(text, without_protocol=without_protocol)) == spans(expected)


@pytest.mark.parametrize("text", list(long_texts(5_000, 3, seed=7)))
def test_x_weighting_of_long_texts_is_the_reference_one(text: str) -> None:
    for config in (V1, V2, V3):
        assert parse_tweet(text, config) == reference.parse_tweet(text, config)
    # Invalid characters after the limit, and before it.
    for marked in (text + "\ufffe", "\ufeff" + text):
        assert parse_tweet(marked) == reference.parse_tweet(marked)


@pytest.mark.parametrize("text", list(long_texts(5_000, 3, seed=8)))
def test_bluesky_facets_of_long_texts_are_the_reference_ones(text: str) -> None:
    assert bluesky_facets(text) == reference.bluesky_facets(text)


LINK = "https://boulangerie-martin.fr/commande"


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_adaptation_of_long_texts_is_the_reference_one(network: str) -> None:
    caps = NETWORKS[network]
    texts = [
        *long_texts(1_500, 2, seed=9),
        f"Commandez ici {LINK} " + "et profitez de nos pains " * 20,  # the link in the text
        "a" * 400,  # one word longer than X's or Bluesky's limit
        "Portes " + " ".join(f"#porte{i}" for i in range(45)),
    ]
    for text in texts:
        for link in ("", LINK):
            assert adapt_text(text, caps, link=link) == reference.adapt_text(
                text, caps, link=link
            ), (network, text[:40], link)


def test_adapted_text_fits() -> None:
    for text in long_texts(20_000, 2, seed=10):
        for caps in NETWORKS.values():
            adapted = adapt_text(text, caps, link=LINK)
            sent = effective_text(Draft(text=adapted, idempotency_key="k", link=LINK), caps)
            assert text_length(sent, caps) <= caps.text_limit


# --- linear: the work done grows with the text, counted, not timed -------------------------

ADVERSARIAL = {
    "dots": lambda size: "a." * (size // 2),  # exponential for the backtracking expression
    "labels": lambda size: ("a_b.com-c." * size)[:size],
    "japanese": lambda size: ("パン屋さんの朝は早い。" * size)[:size],  # no space: one run
    "domain": lambda size: "a." * (size // 2 - 3) + "漢.com",
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_link_finding_work_grows_linearly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each dot's top-level domain is looked up once, and each candidate start of a domain
    is examined at most once: the work is bounded by the text's length, whatever its shape."""
    lookups: list[int] = []
    starts: list[int] = []
    tld_end = urlextract._tld_end
    domain_end_dot = urlextract._Run.domain_end_dot

    def counted_tld_end(text: str, position: int) -> int:
        lookups.append(position)
        return tld_end(text, position)

    def counted_domain_end_dot(run: urlextract._Run, start: int) -> tuple[int, int]:
        starts.append(start)
        return domain_end_dot(run, start)

    monkeypatch.setattr(urlextract, "_tld_end", counted_tld_end)
    monkeypatch.setattr(urlextract._Run, "domain_end_dot", counted_domain_end_dot)
    for size in (2_000, 20_000):
        lookups.clear()
        starts.clear()
        text = ADVERSARIAL[name](size)
        extract_urls(text)
        assert len(lookups) <= 2 * text.count(".") + 2
        assert len(starts) <= len(text) + 2


def test_reference_and_linear_agree_on_adversarial_texts_small_enough() -> None:
    for build in ADVERSARIAL.values():
        text = build(60)
        assert spans(extract_urls(text)) == spans(reference.extract_urls(text))


def test_the_composer_offers_the_reference_adaptation() -> None:
    """``build_variants`` hands the length it counted to the adaptation: same answer."""
    from parvis.networks.models import SocialAccount
    from parvis.publishing.ui.variants import Typed, build_variants

    accounts = [
        SocialAccount(pk=index, kind=kind, handle=f"@{kind}")
        for index, kind in enumerate(sorted(NETWORKS), start=1)
    ]
    for text in [*long_texts(1_500, 2, seed=11), "Portes " + "#porte " * 40]:
        for variant in build_variants(Typed(body=text, link=LINK), accounts):
            caps = NETWORKS[variant.account.kind]
            expected = reference.adapt_text(text, caps, link=variant.link)
            assert variant.adapted == ("" if expected == text else expected)
