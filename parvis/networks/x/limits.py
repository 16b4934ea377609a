"""X's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import MB, Capabilities, ImageRules, TextCounting, VideoRules

# §4.3 https://docs.x.com/x-api/media/quickstart/best-practices
CAPABILITIES = Capabilities(
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
    reply_to_public_posts=True,
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
