"""Counting and shaping text the way each network does.

* X: :func:`parvis.networks.twittertext.weighted_length`.
* Bluesky: graphemes (300) and UTF-8 bytes (3,000); links, mentions and hashtags must be sent as
  *facets* with UTF-8 byte offsets (:func:`bluesky_facets`).
* Mastodon: code points, every link counts ``url_length`` (23), a remote mention
  ``@user@domain`` counts as ``@user`` (the server strips the domain before counting).
* LinkedIn: 3,000 characters of "little text", where ``\\ | { } @ [ ] ( ) < > # * _ ~`` must be
  backslash-escaped or the post is cut at the first one (:func:`linkedin_escape`).
* Instagram: 2,200 characters, 30 hashtags, 20 mentions; YouTube: description in UTF-8 bytes.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import regex

from parvis.networks.capabilities import Capabilities, TextCounting
from parvis.networks.twittertext import extract_hashtags, weighted_length
from parvis.networks.urlextract import extract_urls

_GRAPHEME = regex.compile(r"\X")
# Mastodon's account regex (app/models/account.rb MENTION_RE): @user or @user@domain.
_MASTODON_MENTION = regex.compile(
    r"(?<=^|[^/\w])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\p{L}\p{N}.-]+[\p{L}\p{N}]+)?)",
    regex.IGNORECASE,
)
# Mentions as people type them on Bluesky, Instagram and LinkedIn (handles may hold dots).
_HANDLE_MENTION = regex.compile(r"(?<=^|[^\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
LINKEDIN_RESERVED = "\\|{}@[]()<>#*_~"


def comparable(text: str) -> str:
    """Text as compared when looking a sent post or answer up: networks keep the words but may
    trim or fold whitespace."""
    return " ".join(text.split())


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def mastodon_length(text: str, *, url_length: int = 23) -> int:
    """Length as Mastodon's ``StatusLengthValidator`` computes it."""
    length = len(text)
    for span in extract_urls(text, without_protocol=False):
        length += url_length - (span.end - span.start)
    for match in _MASTODON_MENTION.finditer(text):
        length -= len(match.group(1)) - len(match.group(2))
    return length


def linkedin_escape(text: str) -> str:
    """Escape the little-text reserved characters so LinkedIn keeps the whole commentary."""
    return "".join("\\" + char if char in LINKEDIN_RESERVED else char for char in text)


def mentions(text: str) -> list[str]:
    """@handles in ``text`` (without ``@``), as Bluesky, Instagram or LinkedIn users type them."""
    return [m.group(1) for m in _HANDLE_MENTION.finditer(text)]


def hashtags(text: str) -> list[str]:
    return extract_hashtags(text)


def text_length(text: str, capabilities: Capabilities) -> int:
    """The length of ``text`` in the unit ``capabilities.counting`` names."""
    counting = capabilities.counting
    if counting is TextCounting.X_WEIGHTED:
        return weighted_length(text)
    if counting is TextCounting.GRAPHEMES:
        return grapheme_count(text)
    if counting is TextCounting.MASTODON:
        return mastodon_length(text, url_length=capabilities.url_length)
    if counting is TextCounting.LINKEDIN_ESCAPED:
        return len(linkedin_escape(text))
    return len(text)


# --- Bluesky rich-text facets -------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    """One Bluesky facet: [byte_start, byte_end) in UTF-8 and what it is."""

    byte_start: int
    byte_end: int
    kind: str  # "link" | "mention" | "tag"
    value: str  # URI, handle (to resolve into a DID) or tag without "#"

    def as_record(self, *, did: str | None = None) -> dict[str, object]:
        """The ``app.bsky.richtext.facet`` JSON; mentions need the DID resolved by the caller."""
        feature: dict[str, object]
        if self.kind == "link":
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": self.value}
        elif self.kind == "tag":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": self.value}
        else:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did or ""}
        return {
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [feature],
        }


_TAG = regex.compile(r"(?<=^|\s)[#\uFF03]([^\s#\uFF03]*[^\d\s\p{P}][^\s]*)")


def bluesky_facets(text: str) -> list[Facet]:
    """Links, @mentions and #tags of ``text`` with UTF-8 byte offsets, in text order.

    Links written without a protocol get ``https://``; tags longer than 64 graphemes are
    skipped (the lexicon rejects them).
    """
    link_spans = extract_urls(text)
    link_starts = [span.start for span in link_spans]

    def inside_link(index: int) -> bool:
        # Links are in order and do not overlap: only the last one starting at or before
        # ``index`` may hold it.
        last = bisect_right(link_starts, index) - 1
        return last >= 0 and index < link_spans[last].end

    found: list[tuple[int, int, str, str]] = []  # (start, end) in characters
    for span in link_spans:
        uri = span.url if span.has_protocol else "https://" + span.url
        found.append((span.start, span.end, "link", uri))
    for match in _HANDLE_MENTION.finditer(text):
        handle = match.group(1)
        if "." in handle and not inside_link(match.start()):
            found.append((match.start(), match.end(), "mention", handle))
    for match in _TAG.finditer(text):
        tag = match.group(1).rstrip(".,;:!?)")
        if tag and grapheme_count(tag) <= 64 and not inside_link(match.start()):
            found.append((match.start(), match.start(1) + len(tag), "tag", tag))
    # UTF-8 offsets of every character offset needed, counted in one pass from left to right.
    byte_offsets: dict[int, int] = {}
    position = offset = 0
    for index in sorted({i for start, end, _kind, _value in found for i in (start, end)}):
        offset += utf8_length(text[position:index])
        byte_offsets[index] = offset
        position = index
    facets = [
        Facet(byte_offsets[start], byte_offsets[end], kind, value)
        for start, end, kind, value in found
    ]
    return sorted(facets, key=lambda facet: facet.byte_start)
