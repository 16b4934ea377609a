"""Frozen dataclasses that cross the connector boundary (in and out). Never ORM objects.

All datetimes are timezone-aware UTC. Ids are the network's own, as strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Generic, TypeVar


@dataclass(frozen=True)
class AppCredentials:
    """The developer app's identity on one network, read from ``PARVIS_<NETWORK>_*`` env vars."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class TokenSet:
    """One account's tokens. ``expires_at`` is None when the network's tokens do not expire."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    token_type: str = "bearer"  # noqa: S105 - a scheme name, not a secret

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        """True when the access token is expired or will be within ``margin``."""
        return self.expires_at is not None and self.expires_at - margin <= now


@dataclass(frozen=True)
class AccountInfo:
    """The connected account as the network describes it."""

    remote_id: str
    handle: str
    display_name: str = ""
    url: str = ""
    avatar_url: str = ""


@dataclass(frozen=True)
class MediaFile:
    """A picture or video to attach. Bytes come from ``path`` or from the ``data`` provider.

    ``size`` (bytes), ``width``/``height`` (pixels) and ``duration`` (seconds, videos) are
    measured by the caller (publishing app) so that validation needs no file access.
    """

    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    alt_text: str = ""
    path: Path | None = None
    # A public, signed and expiring URL for networks that fetch media themselves (Instagram,
    # Facebook). Set by the publishing app; None where the network receives the bytes.
    url: str | None = None
    data: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")

    @property
    def is_gif(self) -> bool:
        return self.mime == "image/gif"

    def read_bytes(self) -> bytes:
        """The file's bytes; raises ValueError when the media has neither path nor provider."""
        if self.data is not None:
            return self.data()
        if self.path is not None:
            return self.path.read_bytes()
        raise ValueError("MediaFile has neither path nor data provider")


@dataclass(frozen=True)
class Draft:
    """What to publish on one network (the per-network variant of a post).

    ``idempotency_key`` is stable across retries of the same target: networks that support it
    get it as a header or a deterministic record key; the others use it for reconciliation.
    """

    text: str
    idempotency_key: str
    link: str | None = None
    media: tuple[MediaFile, ...] = ()
    first_comment: str | None = None
    title: str | None = None  # YouTube video title; ignored elsewhere


OutgoingPost = Draft  # the name used by the publishing app


@dataclass(frozen=True)
class PublishResult:
    """Where the post now lives. ``reconciled`` is True when found by lookup after a timeout."""

    remote_id: str
    url: str
    first_comment_id: str | None = None
    first_comment_error: str = ""  # the post is live but its first comment failed
    reconciled: bool = False


class InboundKind(StrEnum):
    COMMENT = "comment"
    MENTION = "mention"
    DM = "dm"


@dataclass(frozen=True)
class InboundItem:
    """A comment, mention or direct message someone sent to the account."""

    kind: InboundKind
    remote_id: str
    text: str
    created_at: datetime
    author_id: str
    author_handle: str = ""
    author_name: str = ""
    thread_id: str = ""  # conversation / root post id
    parent_id: str = ""  # what it answers, when known
    url: str = ""


@dataclass(frozen=True)
class PublicProfile:
    """Another account on the network, as anyone may read it (a competitor, say): what the
    « Veille » settings show before saving it, and its counters for the benchmark."""

    remote_id: str
    handle: str
    display_name: str = ""
    avatar_url: str = ""
    url: str = ""
    followers: int | None = None  # None: the network does not say
    posts: int | None = None


@dataclass(frozen=True)
class PublicPost:
    """A public post read for the watch: from a watched account's feed or a search."""

    remote_id: str
    url: str
    text: str
    created_at: datetime
    author_id: str
    author_handle: str
    author_name: str = ""
    language: str = ""  # as the network tags it, when it does
    # Counters under the network's own names (like_count, reblogs_count…); absent = unknown.
    counters: Mapping[str, int] = field(default_factory=dict)


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; pass ``next_cursor`` back to get the next one (None = last page)."""

    items: tuple[T, ...]
    next_cursor: str | None = None


@dataclass(frozen=True)
class MetricPoint:
    """One counter for one post or account, under the network's *current* metric name."""

    subject_id: str
    name: str
    value: int
    observed_at: datetime
    period: timedelta | None = None  # None = lifetime counter


@dataclass(frozen=True)
class ValidationIssue:
    """A reason the draft cannot be published as is; ``message`` says what to change (French)."""

    code: str
    message: str
    field: str = "text"
    blocking: bool = True
