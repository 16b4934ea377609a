"""What a network allows, as data: the composer validates a draft against it.

Each network's provider (and its connector) points at one :class:`Capabilities`; the values live
in the network's package (``<net>/limits.py``, with their sources), not in ``if`` chains.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from parvis.core.vocabulary import Network

MB = 1024 * 1024


class TextCounting(StrEnum):
    """How a network measures the length of a post's text."""

    X_WEIGHTED = "x_weighted"  # twitter-text v3: weights per range, URL = 23, emoji = 2, NFC
    GRAPHEMES = "graphemes"  # user-perceived characters (Bluesky)
    MASTODON = "mastodon"  # code points, URL = 23, remote mentions counted without their domain
    LINKEDIN_ESCAPED = "linkedin_escaped"  # characters after "little text" escaping
    CODE_POINTS = "code_points"  # plain characters (Instagram, Facebook, YouTube title)


@dataclass(frozen=True)
class ImageRules:
    """Accepted pictures. Ratios are width / height; ``None`` means unchecked."""

    mime_types: frozenset[str]
    max_bytes: int
    min_width: int | None = None
    max_width: int | None = None
    max_pixels: int | None = None
    min_ratio: float | None = None
    max_ratio: float | None = None
    gif_max_bytes: int | None = None


@dataclass(frozen=True)
class VideoRules:
    """Accepted videos (duration in seconds)."""

    mime_types: frozenset[str]
    max_bytes: int
    min_seconds: float | None = None
    max_seconds: float | None = None
    min_bytes: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    min_ratio: float | None = None
    max_ratio: float | None = None


@dataclass(frozen=True)
class Capabilities:
    """Everything the composer and the inbox need to know about one network."""

    network: Network
    text_limit: int
    counting: TextCounting
    text_byte_limit: int | None = None
    url_length: int = 23
    text_required: bool = True
    media_required: bool = False
    max_images: int = 0
    max_videos: int = 0
    gif_or_video_alone: bool = False  # X: 4 photos, or 1 GIF, or 1 video
    images: ImageRules | None = None
    videos: VideoRules | None = None
    alt_text_limit: int | None = None
    max_hashtags: int | None = None
    max_mentions: int | None = None
    title_limit: int | None = None
    forbidden_characters: str = ""
    link_in_text: bool = True  # False: the link travels in its own field (Facebook, LinkedIn)
    first_comment: bool = False
    can_delete: bool = True
    can_reply: bool = True
    threads: bool = False
    can_read_comments: bool = False
    can_read_mentions: bool = False
    can_read_dms: bool = False
    # One feed brings comments and mentions together (X's mentions timeline, Mastodon and
    # Bluesky notifications): reading it once per poll is enough.
    comments_with_mentions: bool = False
    # Answering someone else's public post that the watch found (not a comment on our own):
    # Instagram and Facebook refuse it for discovered media and other Pages, LinkedIn reads none.
    reply_to_public_posts: bool = False
    # Post ids are the reading server's own (Mastodon): only an account on that server may answer.
    post_ids_per_server: bool = False
    post_metrics: tuple[str, ...] = ()
    account_metrics: tuple[str, ...] = ()
