"""YouTube's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import MB, Capabilities, TextCounting, VideoRules

# §5.2 only videos; title ≤ 100 characters, description ≤ 5,000 bytes without < or >.
CAPABILITIES = Capabilities(
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
    reply_to_public_posts=True,
    can_read_comments=True,
    post_metrics=("viewCount", "likeCount", "commentCount", "favoriteCount"),
    account_metrics=("subscriberCount", "viewCount", "videoCount"),
)
