"""Bluesky's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities, ImageRules, TextCounting, VideoRules

# §6.2 lexicons app.bsky.feed.post and app.bsky.embed.*
CAPABILITIES = Capabilities(
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
    reply_to_public_posts=True,
    can_read_comments=True,
    can_read_mentions=True,
    comments_with_mentions=True,
    # Bluesky DMs go through a separate chat service the connector does not speak yet.
    can_read_dms=False,
    post_metrics=("like_count", "repost_count", "reply_count", "quote_count", "bookmark_count"),
    account_metrics=("followers_count", "follows_count", "posts_count"),
)
