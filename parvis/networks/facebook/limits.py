"""Facebook's limits as data. Sources: ``/work/shared/reference/social-apis.md`` (2026-11), which
cites the network's documentation; the section is named above the entry. Networks change these
numbers: edit them here, never in connector code."""

from __future__ import annotations

from parvis.core.vocabulary import Network
from parvis.networks.capabilities import MB, Capabilities, ImageRules, TextCounting, VideoRules

# §1.2 text ≤ 63,206 characters [3P]; photos and video through separate endpoints.
# Image size: not in the reference; 10 MB is a conservative guess to confirm with Meta's docs.
CAPABILITIES = Capabilities(
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
