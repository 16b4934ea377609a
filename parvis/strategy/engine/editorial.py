"""The editorial line: content mix by category, cap on self-centred posts, response-time goal,
and the tone drafts are written in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from parvis.core.vocabulary import SELF_CENTRED_CATEGORIES, ContentCategory, Network, Objective
from parvis.strategy.engine.figures import FigureBook, Statement
from parvis.strategy.engine.objectives import RankedObjective
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.rules import (
    CATEGORY_MIX_BY_OBJECTIVE,
    SELF_CENTRED_CAP,
    STANDARD_RESPONSE_HOURS,
)
from parvis.strategy.engine.text import Text, msg

CategoryMix = Mapping[ContentCategory, float]


class Address(StrEnum):
    """How a French post speaks to its readers (English has one « you »)."""

    VOUS = "vous"
    TU = "tu"


# Networks where a consumer business's posts may carry an emoji: picture-first, read on phones.
# LinkedIn, YouTube descriptions and the text networks stay plain whatever the company.
EMOJI_NETWORKS: frozenset[Network] = frozenset({Network.FACEBOOK, Network.INSTAGRAM})


@dataclass(frozen=True, slots=True)
class Tone:
    """How drafts are written: the French form of address and whether emoji are welcome.

    ``emoji`` is the company's choice; :meth:`emoji_on` narrows it to the networks that suit.
    """

    address: Address = Address.VOUS
    emoji: bool = False

    def emoji_on(self, network: Network) -> bool:
        return self.emoji and network in EMOJI_NETWORKS

    @property
    def description(self) -> Text:
        if self.address is Address.TU:
            address = Text("tutoiement", "first-name terms (« tu » in French)")
        else:
            address = Text("vouvoiement", "polite address (« vous » in French)")
        emoji = (
            Text(
                "quelques emoji sur Facebook et Instagram", "a few emoji on Facebook and Instagram"
            )
            if self.emoji
            else Text("sans emoji", "no emoji")
        )
        return msg(
            "Ton : {address}, {emoji}.", "Tone: {address}, {emoji}.", address=address, emoji=emoji
        )


def editorial_tone(b2b_share: int) -> Tone:
    """The tone that fits a company: consumer businesses may smile, business ones stay plain.

    Emoji suit companies selling mostly to consumers (below half of their turnover from other
    businesses). The address is always « vous », what French customers expect from a company:
    « tu » is a brand's deliberate choice, which no diagnostic answer tells us; drafts honour it
    when a stored tone says so.
    """
    return Tone(address=Address.VOUS, emoji=b2b_share < 50)


@dataclass(frozen=True, slots=True)
class EditorialLine:
    """What to publish and how fast to answer.

    ``category_mix`` holds shares that sum to 1 (categories absent have share 0);
    ``self_centred_share`` never exceeds ``self_centred_cap``.
    """

    category_mix: CategoryMix
    self_centred_cap: float
    posts_per_week: Mapping[Network, int]
    response_time_goal_hours: float
    response_goal_reason: Statement
    # None in plans stored before the tone existed: drafts then derive it from the sector.
    tone: Tone | None = None

    @property
    def self_centred_share(self) -> float:
        return self_centred_share(self.category_mix)

    def share(self, category: ContentCategory) -> float:
        return self.category_mix.get(category, 0.0)


def self_centred_share(mix: CategoryMix) -> float:
    return sum(share for category, share in mix.items() if category in SELF_CENTRED_CATEGORIES)


def cap_self_centred(
    mix: CategoryMix, cap: float = SELF_CENTRED_CAP
) -> dict[ContentCategory, float]:
    """Scale self-centred categories down to ``cap`` and give the rest to the others.

    Shares keep their proportions within each group. If every category is self-centred the mix
    cannot be capped; expertise then takes the remainder, since advice is what customers ask for.
    """
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("a content mix needs at least one positive share")
    normalised = {c: s / total for c, s in mix.items() if s > 0}
    own = self_centred_share(normalised)
    if own <= cap:
        return normalised
    others = {c: s for c, s in normalised.items() if c not in SELF_CENTRED_CATEGORIES}
    if not others:
        others = {ContentCategory.EXPERTISE: 1.0}
    others_total = sum(others.values())
    capped = {c: s * cap / own for c, s in normalised.items() if c in SELF_CENTRED_CATEGORIES}
    capped.update({c: s * (1 - cap) / others_total for c, s in others.items()})
    return capped


def category_mix(objectives: Iterable[RankedObjective]) -> dict[ContentCategory, float]:
    """Blend the mixes of the active objectives by weight, then cap self-centred posts."""
    blended: dict[ContentCategory, float] = {}
    for ranked in objectives:
        if not ranked.is_active:
            continue
        for category, share in CATEGORY_MIX_BY_OBJECTIVE[ranked.objective].items():
            blended[category] = blended.get(category, 0.0) + ranked.weight * share
    return cap_self_centred(blended)


def response_goal(
    profile: CompanyProfile, objectives: Iterable[RankedObjective], book: FigureBook
) -> tuple[float, Statement]:
    """Hours within which messages should be answered, and why.

    Companies that chose customer relation, or sell mostly to consumers, aim for what consumers
    expect (``sprout_expect_2016``); the others for the 24-hour horizon of ``hubspot_24h``.
    """
    active = {r.objective for r in objectives if r.is_active}
    if Objective.CUSTOMER_RELATION in active or profile.b2b_share < 50:
        fig = book["sprout_expect_2016"]
        return fig.value, Statement(
            msg(
                "Objectif : répondre en {delay} au plus, car {sentence}.",
                "Goal: answer within {delay} at most, because {sentence}.",
                delay=fig.formatted,
                sentence=fig.sentence,
            ),
            (fig,),
        )
    fig = book["hubspot_24h"]
    return STANDARD_RESPONSE_HOURS, Statement(
        msg(
            "Objectif : répondre dans la journée, car {sentence}.",
            "Goal: answer within the day, because {sentence}.",
            sentence=fig.sentence,
        ),
        (fig,),
    )
