"""twitter-text conformance: every case of validate.yml (shared reference copy)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from parvis.networks import twittertext
from parvis.networks.twittertext import V2, V3

# A copy of github.com/twitter/twitter-text conformance/validate.yml (source in its header).
CASES_FILE = Path(__file__).with_name("data") / "twitter-text-validate.yml"
CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))[
    "tests"
]


BOOLEAN_CHECKS: dict[str, Callable[[str], bool]] = {
    "tweets": twittertext.is_valid_tweet,
    "usernames": twittertext.is_valid_username,
    "lists": twittertext.is_valid_list,
    "hashtags": twittertext.is_valid_hashtag,
    "urls": twittertext.is_valid_url,
    "urls_without_protocol": lambda text: twittertext.is_valid_url(text, require_protocol=False),
}


@pytest.mark.parametrize(
    ("section", "case"),
    [
        pytest.param(section, case, id=f"{section}: {case['description'][:60]}")
        for section in BOOLEAN_CHECKS
        for case in CASES[section]
    ],
)
def test_boolean_validators(section: str, case: dict[str, Any]) -> None:
    assert BOOLEAN_CHECKS[section](case["text"]) is case["expected"]


WEIGHTED_SECTIONS = {
    "WeightedTweetsCounterTest": V2,
    "WeightedTweetsWithDiscountedEmojiCounterTest": V3,
    "UnicodeDirectionalMarkerCounterTest": V3,
}


def test_every_section_of_the_suite_is_exercised() -> None:
    assert set(CASES) == set(BOOLEAN_CHECKS) | set(WEIGHTED_SECTIONS)


@pytest.mark.parametrize(
    ("config", "case"),
    [
        pytest.param(config, case, id=f"{section}: {case['description'][:60]}")
        for section, config in WEIGHTED_SECTIONS.items()
        for case in CASES[section]
    ],
)
def test_weighted_length(config: twittertext.TwitterTextConfig, case: dict[str, Any]) -> None:
    parsed = twittertext.parse_tweet(case["text"], config)
    expected = case["expected"]
    assert {
        "weightedLength": parsed.weighted_length,
        "valid": parsed.valid,
        "permillage": parsed.permillage,
        "displayRangeStart": parsed.display_range_start,
        "displayRangeEnd": parsed.display_range_end,
        "validRangeStart": parsed.valid_range_start,
        "validRangeEnd": parsed.valid_range_end,
    } == expected


def test_french_text_with_link_counts_link_as_23() -> None:
    text = "Découvrez notre atelier à Lyon : https://example.fr/un/chemin/tres/long/vers/la/page"
    assert twittertext.weighted_length(text) == len("Découvrez notre atelier à Lyon : ") + 23


def test_link_without_protocol_on_known_tld_counts_as_23() -> None:
    assert twittertext.weighted_length("voir parvis.fr") == 5 + 23
    assert twittertext.weighted_length("voir parvis.notatld") == len("voir parvis.notatld")
