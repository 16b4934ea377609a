"""YouTube Data API v3: endpoints, quota vocabulary and answer parsing (no HTTP here).

The request and answer shapes are those of the discovery document that ships inside
google-api-python-client (``googleapiclient/discovery_cache/documents/youtube.v3.json``); the
tests drive the fake with that client to prove the two agree.
Reference: ``/work/shared/reference/social-apis.md`` §5.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parvis.networks import jsonread
from parvis.networks.errors import Transient

API_BASE_URL = "https://www.googleapis.com"

# https://developers.google.com/identity/protocols/oauth2/web-server
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
TOKEN_PATH = "/token"  # noqa: S105 - where a fake serves it, relative to base_url
# https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke — POST with
# ``?token=``; revoking an access token also revokes its refresh token; 200, else 400
REVOKE_URL = "https://oauth2.googleapis.com/revoke"
REVOKE_PATH = "/revoke"  # where a fake serves it, relative to base_url
SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",  # read and answer comments
    "https://www.googleapis.com/auth/youtube.readonly",
)

# https://developers.google.com/youtube/v3/docs/channels/list
CHANNELS = "/youtube/v3/channels"
# https://developers.google.com/youtube/v3/docs/videos/list (and videos/delete)
VIDEOS = "/youtube/v3/videos"
# https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
UPLOAD = "/upload/youtube/v3/videos"
# https://developers.google.com/youtube/v3/docs/playlistItems/list (the uploads playlist)
PLAYLIST_ITEMS = "/youtube/v3/playlistItems"
# https://developers.google.com/youtube/v3/docs/commentThreads
COMMENT_THREADS = "/youtube/v3/commentThreads"
# https://developers.google.com/youtube/v3/docs/comments/insert (and comments/delete)
COMMENTS = "/youtube/v3/comments"

# https://developers.google.com/youtube/v3/docs/errors
DAILY_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"})
SHORT_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# https://developers.google.com/youtube/v3/determine_quota_cost: quotas reset at midnight Pacific
PACIFIC = ZoneInfo("America/Los_Angeles")
UPLOAD_GRANULARITY = 256 * 1024  # chunks other than the last are multiples of 256 KiB
VIDEO_ID_LENGTH = 11  # comment ids are longer (``Ugz...``, 26 characters)


def items(body: Any) -> list[dict[str, Any]]:
    """The ``items`` of a list answer; a missing array is a Transient error."""
    found = body.get("items") if isinstance(body, dict) else None
    if not isinstance(found, list):
        raise Transient("YouTube answered without an items array", network="youtube")
    return [item for item in found if isinstance(item, dict)]


def error_reason_code(payload: Any) -> str:
    """``error.errors[0].reason`` of Google's envelope (``quotaExceeded``...), "" if absent."""
    errors = jsonread.nested(payload, "error", "errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
        return reason if isinstance(reason, str) else ""
    return ""


def next_pacific_midnight(now: datetime) -> datetime:
    """The next quota reset: midnight in America/Los_Angeles, as UTC."""
    local = now.astimezone(PACIFIC)
    tomorrow = (local + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=PACIFIC).astimezone(UTC)


def video_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def is_video_id(remote_id: str) -> bool:
    return len(remote_id) == VIDEO_ID_LENGTH
