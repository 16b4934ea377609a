"""Mastodon's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities, ImageRules, TextCounting, VideoRules

# §7.2 defaults of a stock Mastodon instance; the real ones come from the instance.
CAPABILITIES = Capabilities(
    network=Network.MASTODON,
    text_limit=500,
    counting=TextCounting.MASTODON,
    max_images=4,
    max_videos=1,
    gif_or_video_alone=True,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_bytes=16_777_216,
    ),
    videos=VideoRules(
        mime_types=frozenset({"video/mp4", "video/webm", "video/quicktime"}),
        max_bytes=103_809_024,
    ),
    alt_text_limit=1500,
    first_comment=True,
    threads=True,
    reply_to_public_posts=True,
    post_ids_per_server=True,
    can_read_comments=True,
    can_read_mentions=True,
    comments_with_mentions=True,
    can_read_dms=True,
    post_metrics=("replies_count", "reblogs_count", "favourites_count", "quotes_count"),
    account_metrics=("followers_count", "following_count", "statuses_count"),
)


def mastodon_capabilities(instance: Mapping[str, Any]) -> Capabilities:
    """Capabilities of one Mastodon instance from its ``GET /api/v2/instance`` JSON.

    Missing or malformed fields keep the stock defaults: Glitch, Akkoma and friends extend the
    document, older servers omit parts of it, and validation must still work.
    """
    config = instance.get("configuration") if isinstance(instance, Mapping) else None
    config = config if isinstance(config, Mapping) else {}
    statuses = _mapping(config.get("statuses"))
    media = _mapping(config.get("media_attachments"))
    base = CAPABILITIES
    images = base.images
    videos = base.videos
    mimes = media.get("supported_mime_types")
    if images is not None:
        images = replace(images, max_bytes=_int(media.get("image_size_limit"), images.max_bytes))
        if isinstance(mimes, list):
            images = replace(images, mime_types=frozenset(m for m in mimes if _is_str(m, "image/")))
    if videos is not None:
        videos = replace(videos, max_bytes=_int(media.get("video_size_limit"), videos.max_bytes))
        if isinstance(mimes, list):
            videos = replace(videos, mime_types=frozenset(m for m in mimes if _is_str(m, "video/")))
    return replace(
        base,
        text_limit=_int(statuses.get("max_characters"), base.text_limit),
        url_length=_int(statuses.get("characters_reserved_per_url"), base.url_length),
        max_images=_int(statuses.get("max_media_attachments"), base.max_images),
        alt_text_limit=_int(media.get("description_limit"), base.alt_text_limit or 1500),
        images=images,
        videos=videos,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: object, default: int) -> int:
    # bool is an int subclass; a "true" limit is a malformed document, not 1.
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default


def _is_str(value: object, prefix: str) -> bool:
    return isinstance(value, str) and value.startswith(prefix)
