"""LinkedIn's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import MB, Capabilities, ImageRules, TextCounting, VideoRules

# §3.2-3.3 (little text format, images ≤ 36,152,320 px, video 75 KB-500 MB, 3 s-30 min)
CAPABILITIES = Capabilities(
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
