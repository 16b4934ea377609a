"""Per-network limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11),
which cites each network's documentation; the section is named above each entry.

Networks change these numbers; edit them here (one place), never in connector code. Mastodon's
limits belong to each instance: :func:`mastodon_capabilities` reads them from
``GET /api/v2/instance``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities, ImageRules, TextCounting, VideoRules

MB = 1024 * 1024

# §4.3 https://docs.x.com/x-api/media/quickstart/best-practices
X = Capabilities(
    network=Network.X,
    text_limit=280,
    counting=TextCounting.X_WEIGHTED,
    max_images=4,
    max_videos=1,
    gif_or_video_alone=True,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_bytes=5 * MB,
        gif_max_bytes=15 * MB,
    ),
    videos=VideoRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}),
        max_bytes=512 * MB,
        min_seconds=0.5,
        max_seconds=140,
        max_width=1280,
        max_height=1024,
        min_ratio=1 / 3,
        max_ratio=3.0,
    ),
    alt_text_limit=1000,  # https://docs.x.com/x-api/media/create-media-metadata
    first_comment=True,
    threads=True,
    can_read_comments=True,
    can_read_mentions=True,
    comments_with_mentions=True,
    post_metrics=(
        "impression_count",
        "like_count",
        "reply_count",
        "retweet_count",
        "quote_count",
        "bookmark_count",
    ),
    account_metrics=("followers_count", "following_count", "tweet_count", "listed_count"),
)

# §6.2 lexicons app.bsky.feed.post and app.bsky.embed.*
BLUESKY = Capabilities(
    network=Network.BLUESKY,
    text_limit=300,
    text_byte_limit=3000,
    counting=TextCounting.GRAPHEMES,
    max_images=4,
    max_videos=1,
    gif_or_video_alone=True,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
        max_bytes=2_000_000,
    ),
    # lexicon cap 300,000,000 bytes; duration ≤ 3 min is [3P]
    videos=VideoRules(mime_types=frozenset({"video/mp4"}), max_bytes=300_000_000, max_seconds=180),
    first_comment=True,
    threads=True,
    can_read_comments=True,
    can_read_mentions=True,
    comments_with_mentions=True,
    # Bluesky DMs go through a separate chat service the connector does not speak yet.
    can_read_dms=False,
    post_metrics=("like_count", "repost_count", "reply_count", "quote_count", "bookmark_count"),
    account_metrics=("followers_count", "follows_count", "posts_count"),
)

# §7.2 defaults of a stock Mastodon instance; the real ones come from the instance.
MASTODON = Capabilities(
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
    can_read_comments=True,
    can_read_mentions=True,
    comments_with_mentions=True,
    can_read_dms=True,
    post_metrics=("replies_count", "reblogs_count", "favourites_count", "quotes_count"),
    account_metrics=("followers_count", "following_count", "statuses_count"),
)

# §3.2-3.3 (little text format, images ≤ 36,152,320 px, video 75 KB-500 MB, 3 s-30 min)
LINKEDIN = Capabilities(
    network=Network.LINKEDIN,
    text_limit=3000,
    counting=TextCounting.LINKEDIN_ESCAPED,
    max_images=20,
    max_videos=1,
    gif_or_video_alone=True,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif"}),
        max_bytes=36 * MB,
        max_pixels=36_152_320,
    ),
    videos=VideoRules(
        mime_types=frozenset({"video/mp4"}),
        max_bytes=500 * MB,
        min_bytes=75 * 1024,
        min_seconds=3,
        max_seconds=30 * 60,
    ),
    alt_text_limit=4086,  # Images API altText maximum [3P: confirm]
    link_in_text=False,
    first_comment=True,
    can_read_comments=True,
    can_read_mentions=True,
    post_metrics=(
        "impressionCount",
        "uniqueImpressionsCount",
        "clickCount",
        "likeCount",
        "commentCount",
        "shareCount",
    ),
    account_metrics=("firstDegreeSize",),
)

# §2.2 caption ≤ 2,200, ≤ 30 hashtags, ≤ 20 @-tags; JPEG ≤ 8 MB, 4:5 to 1.91:1, 320-1440 px;
# Reels 3 s-15 min, ≤ 300 MB. No text-only posts.
INSTAGRAM = Capabilities(
    network=Network.INSTAGRAM,
    text_limit=2200,
    counting=TextCounting.CODE_POINTS,
    text_required=False,
    media_required=True,
    max_images=10,
    max_videos=10,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg"}),
        max_bytes=8 * MB,
        min_width=320,
        max_width=1440,
        min_ratio=4 / 5,
        max_ratio=1.91,
    ),
    videos=VideoRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}),
        max_bytes=300 * MB,
        min_seconds=3,
        max_seconds=15 * 60,
    ),
    max_hashtags=30,
    max_mentions=20,
    first_comment=True,
    can_read_comments=True,
    can_read_mentions=True,
    can_read_dms=True,
    post_metrics=("views", "reach", "likes", "comments", "shares", "saved", "total_interactions"),
    account_metrics=("followers_count", "follows_count", "media_count"),
)

# §1.2 text ≤ 63,206 characters [3P]; photos and video through separate endpoints.
# Image size: not in the reference; 10 MB is a conservative guess to confirm with Meta's docs.
FACEBOOK = Capabilities(
    network=Network.FACEBOOK,
    text_limit=63_206,
    counting=TextCounting.CODE_POINTS,
    max_images=10,
    max_videos=1,
    gif_or_video_alone=True,
    images=ImageRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_bytes=10 * MB,
    ),
    videos=VideoRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}), max_bytes=10_000 * MB
    ),
    link_in_text=False,
    first_comment=True,
    can_read_comments=True,
    can_read_mentions=True,
    can_read_dms=True,
    post_metrics=("post_media_view", "post_total_media_view_unique", "post_clicks"),
    account_metrics=("page_follows", "page_media_view", "page_post_engagements"),
)

# §5.2 only videos; title ≤ 100 characters, description ≤ 5,000 bytes without < or >.
YOUTUBE = Capabilities(
    network=Network.YOUTUBE,
    text_limit=5000,
    text_byte_limit=5000,
    counting=TextCounting.CODE_POINTS,
    text_required=False,
    media_required=True,
    max_videos=1,
    videos=VideoRules(
        mime_types=frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-msvideo"}),
        max_bytes=256 * 1024 * MB,
    ),
    title_limit=100,
    forbidden_characters="<>",
    can_read_comments=True,
    post_metrics=("viewCount", "likeCount", "commentCount", "favoriteCount"),
    account_metrics=("subscriberCount", "viewCount", "videoCount"),
)

CAPABILITIES: dict[Network, Capabilities] = {
    c.network: c for c in (X, BLUESKY, MASTODON, LINKEDIN, INSTAGRAM, FACEBOOK, YOUTUBE)
}


def mastodon_capabilities(instance: Mapping[str, Any]) -> Capabilities:
    """Capabilities of one Mastodon instance from its ``GET /api/v2/instance`` JSON.

    Missing or malformed fields keep the stock defaults: Glitch, Akkoma and friends extend the
    document, older servers omit parts of it, and validation must still work.
    """
    config = instance.get("configuration") if isinstance(instance, Mapping) else None
    config = config if isinstance(config, Mapping) else {}
    statuses = _mapping(config.get("statuses"))
    media = _mapping(config.get("media_attachments"))
    base = MASTODON
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
