"""One message, one variant per account: what each network will receive, how long it is in
that network's unit, what blocks it (French messages from ``networks.validation``), an
automatically adapted version the author may take with one click, and which pictures that
network gets as an adapted copy (checked as the copy, not as the original).

Pure translation of typed values into the connectors' contracts: nothing here is saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parvis.core.vocabulary import NETWORK_LABELS
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import Draft, MediaFile, ValidationIssue
from parvis.networks.models import SocialAccount
from parvis.networks.text import text_length
from parvis.networks.validation import effective_text, validate
from parvis.publishing import renditions
from parvis.publishing.capabilities import capabilities_for
from parvis.publishing.utm import tag_link

ELLIPSIS = "…"
_HASHTAG = re.compile(r"(?<![\w#])#\w+")


@dataclass(frozen=True)
class Typed:
    """What the composer holds right now (saved or not)."""

    body: str
    link: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    first_comment: str = ""
    overrides: dict[int, str] = field(default_factory=dict)
    media: tuple[MediaFile, ...] = ()


@dataclass
class Variant:
    account: SocialAccount
    text: str  # what will be sent: the override, else the master text
    sent_text: str  # with the tagged link appended where the network wants it in the text
    overridden: bool
    length: int
    limit: int | None
    issues: list[ValidationIssue]
    adapted: str  # "" when the text already fits
    link: str
    media_notes: list[str] = field(default_factory=list)  # pictures sent as an adapted copy

    @property
    def blocking(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.blocking]

    @property
    def over(self) -> bool:
        return self.limit is not None and self.length > self.limit


def tagged_link(typed: Typed, network: str) -> str:
    """The link as this network gets it (the rule of ``services.publishable``)."""
    if not typed.link:
        return ""
    return tag_link(
        typed.link,
        source=typed.utm_source or network,
        medium=typed.utm_medium or "social",
        campaign=typed.utm_campaign,
    )


def adapt_text(text: str, caps: Capabilities, *, link: str = "") -> str:
    """``text`` made to fit ``caps``: surplus hashtags dropped from the end, then cut at a word
    boundary with an ellipsis, keeping room for the link the network appends. Returns the text
    unchanged when it already fits."""
    adapted = text
    if caps.max_hashtags is not None:
        tags = list(_HASHTAG.finditer(adapted))
        for match in reversed(tags[caps.max_hashtags :]):
            adapted = adapted[: match.start()] + adapted[match.end() :]
        adapted = re.sub(r"[ \t]{2,}", " ", adapted).strip()

    def length(candidate: str) -> int:
        if link and caps.link_in_text and link not in candidate:
            candidate = f"{candidate.rstrip()}\n\n{link}"
        return text_length(candidate, caps)

    if length(adapted) <= caps.text_limit:
        return adapted
    words = adapted.split(" ")
    while len(words) > 1 and length(" ".join(words) + ELLIPSIS) > caps.text_limit:
        words.pop()
    shortened = " ".join(words).rstrip(" ,;:.") + ELLIPSIS
    while shortened and length(shortened) > caps.text_limit:  # one very long word
        shortened = shortened[:-2] + ELLIPSIS
    return shortened


def media_notes(media: Sequence[MediaFile], caps: Capabilities) -> list[str]:
    """One line per picture this network receives as an adapted copy."""
    notes = []
    network = NETWORK_LABELS[caps.network]
    for position, item in enumerate(media, start=1):
        copy = renditions.plan(item, caps.network.value, caps.images) if caps.images else None
        if copy is None:
            continue
        values = {
            "position": position,
            "network": network,
            "width": copy.width,
            "height": copy.height,
        }
        if copy.cropped:
            notes.append(
                _(
                    "Picture %(position)s: %(network)s will receive a copy cropped to its "
                    "proportions, %(width)s×%(height)s px."
                )
                % values
            )
        else:
            notes.append(
                _(
                    "Picture %(position)s: %(network)s will receive a copy within its limits, "
                    "%(width)s×%(height)s px."
                )
                % values
            )
    return notes


def build_variants(typed: Typed, accounts: Sequence[SocialAccount]) -> list[Variant]:
    """Every chosen account's variant, checked against that account's own limits, with each
    picture as that network will receive it."""
    variants = []
    for account in accounts:
        caps = capabilities_for(account)
        override = typed.overrides.get(account.pk, "")
        text = override or typed.body
        link = tagged_link(typed, account.kind)
        media = typed.media
        if caps is not None:
            media = tuple(renditions.planned(m, caps.network.value, caps.images) for m in media)
        draft = Draft(
            text=text,
            idempotency_key="preview",
            link=link or None,
            media=media,
            first_comment=typed.first_comment or None,
        )
        if caps is None:
            variants.append(Variant(account, text, text, bool(override), 0, None, [], "", link))
            continue
        issues = validate(draft, caps)
        sent = effective_text(draft, caps)
        adapted = ""
        if any(i.code in {"text_too_long", "too_many_hashtags"} for i in issues):
            candidate = adapt_text(text, caps, link=link)
            if candidate != text:
                adapted = candidate
        variants.append(
            Variant(
                account=account,
                text=text,
                sent_text=sent,
                overridden=bool(override),
                length=text_length(sent, caps),
                limit=caps.text_limit,
                issues=issues,
                adapted=adapted,
                link=link,
                media_notes=media_notes(typed.media, caps),
            )
        )
    return variants
