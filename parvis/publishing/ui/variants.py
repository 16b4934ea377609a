"""One message, one variant per account: what each network will receive, how long it is in
that network's unit, what blocks it (French messages from ``networks.validation``), an
automatically adapted version the author may take with one click, and which pictures that
network gets as an adapted copy (checked as the copy, not as the original).

Pure translation of typed values into the connectors' contracts: nothing here is saved.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from django.utils.translation import gettext as _

from parvis.core.vocabulary import NETWORK_LABELS
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import Draft, MediaFile, ValidationIssue
from parvis.networks.models import SocialAccount
from parvis.networks.text import text_length
from parvis.networks.validation import check, effective_text
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


def adapt_text(text: str, caps: Capabilities, *, link: str = "", counted: int | None = None) -> str:
    """``text`` made to fit ``caps``: surplus hashtags dropped from the end, then cut at a word
    boundary with an ellipsis, keeping room for the link the network appends. Returns the text
    unchanged when it already fits.

    The cut keeps the most words that fit (at least one); a first word too long by itself is
    cut at the most characters that fit. Both are searched for, not tried one by one: a text
    gets longer in the network's unit as words are added (whether the link is appended is
    decided once for the words before its first occurrence and once for those after), so
    doubling then halving finds the same cut in a number of counts that grows with the
    logarithm of the length, each over the part kept. ``counted``: the length of ``text`` as
    the network gets it (with the link appended), when the caller has already counted it.
    """
    adapted = text
    if caps.max_hashtags is not None:
        surplus = list(_HASHTAG.finditer(adapted))[caps.max_hashtags :]
        if surplus:
            pieces, position = [], 0
            for match in surplus:
                pieces.append(adapted[position : match.start()])
                position = match.end()
            pieces.append(adapted[position:])
            adapted = "".join(pieces)
        adapted = re.sub(r"[ \t]{2,}", " ", adapted).strip()

    appended = bool(link) and caps.link_in_text

    def length(candidate: str) -> int:
        if appended and link not in candidate:
            candidate = f"{candidate.rstrip()}\n\n{link}"
        return text_length(candidate, caps)

    whole = counted if counted is not None and adapted is text else length(adapted)
    if whole <= caps.text_limit:
        return adapted
    # The first k words are adapted[: ends[k - 1] - 1].
    ends = list(accumulate(len(word) + 1 for word in adapted.split(" ")))

    def words_fit(count: int) -> bool:
        return length(adapted[: ends[count - 1] - 1] + ELLIPSIS) <= caps.text_limit

    first_link = adapted.find(link) if appended else -1
    if first_link >= 0:
        # From this many words on, the link is in the text and is not appended again.
        with_link = bisect_left(ends, first_link + len(link) + 1) + 1
        count = _most_that_fit(words_fit, max(2, with_link), len(ends))
        if count is None:
            count = _most_that_fit(words_fit, 2, min(len(ends), with_link - 1))
    else:
        count = _most_that_fit(words_fit, 2, len(ends))
    kept = adapted[: ends[(count or 1) - 1] - 1].rstrip(" ,;:.")
    if length(kept + ELLIPSIS) <= caps.text_limit:
        return kept + ELLIPSIS
    # One very long word: the most characters that fit (none at worst).
    size = _most_that_fit(
        lambda size: length(kept[:size] + ELLIPSIS) <= caps.text_limit, 0, len(kept) - 1
    )
    return kept[: size or 0] + ELLIPSIS


def _most_that_fit(fits: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest ``n`` in [low, high] for which ``fits(n)``, when ``fits`` holds up to some
    ``n`` and fails after it; None when ``fits(low)`` fails (or the range is empty). Doubles
    the step from ``low`` then halves the last gap, so it counts only prefixes near the answer.
    """
    if low > high or not fits(low):
        return None
    good, step = low, 1
    while True:
        probe = min(good + step, high)
        if probe == good:
            return good
        if not fits(probe):
            bad = probe
            break
        good, step = probe, step * 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return good


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
        checked = check(draft, caps)
        issues = checked.issues
        sent = effective_text(draft, caps)
        adapted = ""
        if any(i.code in {"text_too_long", "too_many_hashtags"} for i in issues):
            candidate = adapt_text(text, caps, link=link, counted=checked.length)
            if candidate != text:
                adapted = candidate
        variants.append(
            Variant(
                account=account,
                text=text,
                sent_text=sent,
                overridden=bool(override),
                length=checked.length,
                limit=caps.text_limit,
                issues=issues,
                adapted=adapted,
                link=link,
                media_notes=media_notes(typed.media, caps),
            )
        )
    return variants
