"""Offline first drafts: a post to finish for every sector family × category, never the idea's
instruction, in the tone asked, within each network's length as the network counts it."""

from __future__ import annotations

import re

import pytest

from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.networks.registry import provider
from parvis.networks.text import text_length
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.drafts import Voice, default_drafts, parse_drafts
from parvis.strategy.engine.editorial import Address, Tone, editorial_tone
from parvis.strategy.engine.ideas import default_ideas
from parvis.strategy.engine.text import Language

PLANNABLE = [c for c in ContentCategory if c is not ContentCategory.OTHER]
# The imperatives the ideas give the owner (« Montrez… », “Show…”): a draft is the post, not
# the instruction, so none of them may appear in it. Read from the ideas themselves.
IDEA_VERBS_FR = sorted(
    {word for idea in default_ideas() if (word := idea.text.fr.split()[0]).endswith("ez")}
)
IDEA_VERBS_EN = (
    "Show",
    "Share",
    "Present",
    "Introduce",
    "Explain",
    "Announce",
    "Tell",
    "Remind",
    "Publish",
    "Quote",
    "Invite",
    "Give",
    "Answer",
    "Comment",
    "Put",
    "Ask",
)
NETWORKS = [Network.X, Network.BLUESKY, Network.MASTODON, Network.INSTAGRAM, Network.LINKEDIN]


def _voice(
    language: Language = "fr", network: Network | None = Network.FACEBOOK, **kw: object
) -> Voice:
    tone = kw.pop("tone", Tone(emoji=True))
    assert isinstance(tone, Tone)
    return Voice(company="Boulangerie Martin", tone=tone, language=language, network=network)


def test_the_instruction_verbs_are_read_from_the_ideas() -> None:
    assert {"Montrez", "Publiez", "Présentez", "Racontez", "Partagez"} <= set(IDEA_VERBS_FR)


@pytest.mark.parametrize("sector", list(Sector))
@pytest.mark.parametrize("category", PLANNABLE)
def test_every_sector_family_and_category_gets_a_real_draft(
    sector: Sector, category: ContentCategory
) -> None:
    book, ideas = default_drafts(), default_ideas()
    for language in ("fr", "en"):
        draft = book.write(sector, category, Objective.PROSPECTING, _voice(language))
        assert draft.strip() and "[" in draft  # what the owner fills is marked
        assert "{" not in draft and "}" not in draft  # no markup left
        for idea in ideas.candidates(sector, category, None):
            assert draft != idea.text.get(language)
            assert idea.text.get(language) not in draft
        if language == "fr":
            found = [v for v in IDEA_VERBS_FR if re.search(rf"\b{v}\b", draft, re.IGNORECASE)]
        else:
            found = [v for v in IDEA_VERBS_EN if re.search(rf"(^|[.!?]\s+|\n){v}\b", draft)]
            # “Thank you…” speaks to customers; “Thank a customer…” is the idea's instruction.
            found += re.findall(r"\bThank (?!you)", draft)
        assert found == [], draft


@pytest.mark.parametrize("network", NETWORKS)
def test_a_draft_fits_each_network_as_it_counts(network: Network) -> None:
    caps = provider(network).capabilities
    book = default_drafts()
    for sector in Sector:
        for category in PLANNABLE:
            draft = book.write(
                sector,
                category,
                Objective.RECRUITMENT,
                _voice(network=network),
                limit=caps.text_limit,
                measure=lambda text: text_length(text, caps),
            )
            assert 0 < text_length(draft, caps) <= caps.text_limit


def test_a_short_limit_keeps_the_hook_and_the_call_and_drops_the_body() -> None:
    book = default_drafts()
    voice = _voice()
    hook, body, call = book.paragraphs(Sector.AGRIFOOD, ContentCategory.OFFER, None, voice)
    full = book.write(Sector.AGRIFOOD, ContentCategory.OFFER, None, voice)
    assert full == f"{hook}\n\n{body}\n\n{call}"
    short = book.write(Sector.AGRIFOOD, ContentCategory.OFFER, None, voice, limit=len(full) - 1)
    assert short == f"{hook}\n\n{call}"
    tiny = book.write(Sector.AGRIFOOD, ContentCategory.OFFER, None, voice, limit=20)
    assert 0 < len(tiny) <= 20 and tiny.endswith("…")


def test_a_bakery_is_told_about_its_products_not_sizes_and_colours() -> None:
    book = default_drafts()
    for sector in (Sector.AGRIFOOD, Sector.RETAIL, Sector.HOSPITALITY):
        for category in PLANNABLE:
            draft = book.write(sector, category, None, _voice()).lower()
            assert not any(w in draft for w in ("taille", "coloris", "retouche")), draft
    offer = book.write(Sector.AGRIFOOD, ContentCategory.OFFER, None, _voice())
    assert "[nom du produit]" in offer


def test_the_tone_decides_the_form_of_address_and_the_emoji() -> None:
    book = default_drafts()
    args = (Sector.AGRIFOOD, ContentCategory.EVENT, Objective.CUSTOMER_RELATION)
    vous = book.write(*args, _voice(tone=Tone(Address.VOUS, emoji=True)))
    tu = book.write(*args, _voice(tone=Tone(Address.TU, emoji=True)))
    assert "venez nous retrouver" in vous and "nous vous répondons" in vous
    assert "viens nous retrouver" in tu and "nous te répondons" in tu
    assert "🌾" in vous
    plain = book.write(*args, _voice(tone=Tone(emoji=False)))
    linkedin = book.write(*args, _voice(network=Network.LINKEDIN))
    assert "🌾" not in plain and "🌾" not in linkedin
    english = book.write(*args, _voice("en", tone=Tone(Address.TU, emoji=True)))
    assert "come and see us" in english  # English has one « you »


def test_french_drafts_have_french_spacing_and_name_the_company() -> None:
    book = default_drafts()
    draft = book.write(Sector.OTHER, ContentCategory.COMPANY_NEWS, None, _voice())
    assert "Du nouveau chez Boulangerie Martin\u00a0:" in draft
    assert not re.search(r" [:;?!»]", draft)
    unnamed = Voice(company=" ", tone=Tone(), language="fr", network=None)
    assert "[nom de l’entreprise]" in book.write(
        Sector.OTHER, ContentCategory.COMPANY_NEWS, None, unnamed
    )


def test_the_objective_chooses_the_call_to_action() -> None:
    book = default_drafts()
    calls = {
        book.write(Sector.RETAIL, ContentCategory.EXPERTISE, o, _voice()).split("\n\n")[-1]
        for o in Objective
    }
    assert len(calls) == len(Objective)


def test_a_company_name_with_braces_is_written_as_it_is() -> None:
    voice = Voice(company="{emoji} & {vous|tu}", tone=Tone(emoji=True), language="fr")
    draft = default_drafts().write(Sector.OTHER, ContentCategory.COMPANY_NEWS, None, voice)
    assert "chez {emoji} & {vous|tu}" in draft


def test_the_tone_follows_who_the_company_sells_to() -> None:
    assert editorial_tone(0) == Tone(Address.VOUS, emoji=True)
    assert editorial_tone(80) == Tone(Address.VOUS, emoji=False)
    assert not Tone(emoji=True).emoji_on(Network.LINKEDIN)


def _doc(**changes: object) -> dict[str, object]:
    drafts = [
        {
            "sector": "generic",
            "category": c.value,
            "fr": {"hook": "h", "body": "b"},
            "en": {"hook": "h", "body": "b"},
        }
        for c in ContentCategory
    ]
    doc: dict[str, object] = {
        "emoji": {},
        "calls": {o.value: {"fr": "c", "en": "c"} for o in Objective},
        "drafts": drafts,
    }
    doc.update(changes)
    return doc


def test_a_well_formed_document_loads() -> None:
    assert len(parse_drafts(_doc())) == len(ContentCategory)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"drafts": []}, "every category"),
        ({"calls": {}}, "calls.prospecting"),
        (
            {"drafts": [{"sector": "bakery", "category": "offer"}]},
            "a sector of",
        ),
    ],
)
def test_a_malformed_document_is_refused(broken: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_drafts(_doc(**broken))


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        ("{nom}", "unknown slot"),
        ("{vous}", "unknown slot"),
        ("{a|b|c}", "two forms"),
        ("[x", "unbalanced"),
    ],
)
def test_bad_markup_is_refused_when_loaded(hook: str, message: str) -> None:
    doc = _doc()
    drafts = doc["drafts"]
    assert isinstance(drafts, list)
    drafts[0]["fr"] = {"hook": hook, "body": "b"}
    with pytest.raises(ValueError, match=message):
        parse_drafts(doc)
