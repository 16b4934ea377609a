"""The ``app.bsky.feed.post`` record and its embeds, built from a draft (no HTTP here).

Lexicons: https://github.com/bluesky-social/atproto/tree/main/lexicons/app/bsky — the server
does not detect links, mentions or tags: the facets (UTF-8 byte offsets) are the client's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx

from parvis.networks.contracts import MediaFile
from parvis.networks.text import bluesky_facets

ResolveHandle = Callable[[str], str | None]  # handle -> DID, None when it does not exist


def facets(text: str, resolve: ResolveHandle) -> list[dict[str, object]]:
    """Link, mention and tag facets; a mention whose handle does not resolve stays plain text."""
    found: list[dict[str, object]] = []
    for facet in bluesky_facets(text):
        did = resolve(facet.value) if facet.kind == "mention" else None
        if facet.kind != "mention" or did:
            found.append(facet.as_record(did=did))
    return found


def aspect_ratio(media: MediaFile) -> dict[str, int] | None:
    if media.width and media.height:
        return {"width": media.width, "height": media.height}
    return None


def media_embed(media: Sequence[MediaFile], blobs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``app.bsky.embed.video`` for one video, else ``app.bsky.embed.images`` (≤ 4)."""
    if media[0].is_video:
        video: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": blobs[0]}
        if media[0].alt_text:
            video["alt"] = media[0].alt_text
        if ratio := aspect_ratio(media[0]):
            video["aspectRatio"] = ratio
        return video
    images = []
    for item, blob in zip(media, blobs, strict=True):
        image: dict[str, Any] = {"alt": item.alt_text, "image": blob}
        if ratio := aspect_ratio(item):
            image["aspectRatio"] = ratio
        images.append(image)
    return {"$type": "app.bsky.embed.images", "images": images}


def link_card(link: str, title: str | None) -> dict[str, Any]:
    """``app.bsky.embed.external`` without fetching the page (no thumbnail, no OG description):
    Parvis does not download arbitrary addresses from its workers."""
    host = httpx.URL(link).host or link
    return {
        "$type": "app.bsky.embed.external",
        "external": {"uri": link, "title": title or host, "description": ""},
    }


def post(
    text: str,
    *,
    created_at: str,
    facets: list[dict[str, object]],
    embed: dict[str, Any] | None = None,
    reply: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created_at}
    if facets:
        record["facets"] = facets
    if embed:
        record["embed"] = embed
    if reply:
        record["reply"] = reply
    return record


def reply_refs(parent: dict[str, str], parent_record: dict[str, Any]) -> dict[str, Any]:
    """``{root, parent}`` strong refs: the root is the parent's root when it is itself a reply."""
    earlier = parent_record.get("reply")
    root = earlier.get("root") if isinstance(earlier, dict) else None
    return {"root": root if isinstance(root, dict) else parent, "parent": parent}
