"""Instagram's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import MB, Capabilities, ImageRules, TextCounting, VideoRules

# §2.2 caption ≤ 2,200, ≤ 30 hashtags, ≤ 20 @-tags; JPEG ≤ 8 MB, 4:5 to 1.91:1, 320-1440 px;
# Reels 3 s-15 min, ≤ 300 MB. No text-only posts.
CAPABILITIES = Capabilities(
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
