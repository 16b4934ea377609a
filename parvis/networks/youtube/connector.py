"""YouTube connector (Data API v3): videos, comment threads, statistics.

``account_id`` is the channel id (``UC...``). Only videos can be published; the draft's text is
the description and ``draft.title`` the title (else the text's first line). Quota exhaustion is
a :class:`RateLimited` until the next midnight Pacific time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import (
    AccountInfo,
    Draft,
    InboundItem,
    InboundKind,
    MetricPoint,
    Page,
    PublicPost,
    PublicProfile,
    PublishResult,
)
from parvis.networks.errors import (
    ConnectorError,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.oauth import OAuthConfig
from parvis.networks.text import comparable, hashtags
from parvis.networks.transport import retry_after, send
from parvis.networks.youtube import client as api
from parvis.networks.youtube import reading, watch
from parvis.networks.youtube.limits import CAPABILITIES as LIMITS
from parvis.networks.youtube.upload import upload_video


class YouTubeConnector(Connector):
    kind = Network.YOUTUBE
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    oauth = OAuthConfig(
        authorize_url=api.AUTHORIZE_URL,
        token_url=api.TOKEN_URL,
        scopes=api.SCOPES,
        client_auth="body",
        refresh_margin=timedelta(minutes=10),  # access tokens live 1 hour
        extra_authorize_params=(("access_type", "offline"), ("prompt", "consent")),
    )
    privacy_status: ClassVar[str] = "public"
    category_id: ClassVar[str] = "22"  # People & Blogs, YouTube's default
    chunk_bytes: ClassVar[int] = 8 * 1024 * 1024  # a multiple of 256 KiB
    max_resumes: ClassVar[int] = 5
    # Quota units per call of the watch's three methods (the watch budgets them per day).
    watch_units: ClassVar[dict[str, int]] = watch.WATCH_UNITS
    reconcile_window: ClassVar[int] = 25
    revokes_tokens: ClassVar[bool] = True

    def _default_token_url(self) -> str:
        if self.base_url == api.API_BASE_URL:
            return api.TOKEN_URL
        return self.base_url + api.TOKEN_PATH

    def revoke_tokens(self) -> None:
        """Google's ``POST /revoke?token=`` with the access token: Google documents that its
        refresh token is revoked with it, which ends the grant. An access token about to expire
        is renewed first, so the revocation still reaches the refresh token."""
        self._ensure_fresh_tokens()
        send(
            self.http,
            self,
            "POST",
            self._revoke_url(),
            idempotent=True,
            policy=self.policy,
            clock=self.clock,
            sleep=self.sleep,
            params={"token": self._tokens.access_token},
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def _revoke_url(self) -> str:
        """Next to the token endpoint, wherever that is configured (a fake in tests)."""
        if self.token_url:
            return str(httpx.URL(self.token_url).join("revoke"))
        if self.base_url == api.API_BASE_URL:
            return api.REVOKE_URL
        return self.base_url + api.REVOKE_PATH

    def account_info(self) -> AccountInfo:
        channel = self.my_channel("snippet")
        handle = jsonread.text(channel, "snippet", "customUrl")
        channel_id = jsonread.text(channel, "id")
        return AccountInfo(
            remote_id=channel_id,
            handle=handle or channel_id,
            display_name=jsonread.text(channel, "snippet", "title"),
            url=f"https://www.youtube.com/channel/{channel_id}",
            avatar_url=jsonread.text(channel, "snippet", "thumbnails", "default", "url"),
        )

    def my_channel(self, part: str) -> dict[str, Any]:
        body = self.request("GET", api.CHANNELS, params={"part": part, "mine": "true"}).body
        found = api.items(body)
        if not found:
            raise Rejected("ce compte Google n’a pas de chaîne YouTube", network="youtube")
        return found[0]

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        videos = [m for m in draft.media if m.is_video]
        if not videos:
            raise NotSupported("publication sans vidéo", network="youtube")
        resource = upload_video(
            self,
            videos[0],
            self.metadata(draft),
            chunk_bytes=self.chunk_bytes,
            max_resumes=self.max_resumes,
        )
        video_id = jsonread.text(resource, "id")
        return PublishResult(video_id, api.video_url(video_id))

    def metadata(self, draft: Draft) -> dict[str, Any]:
        """videos.insert's ``snippet`` and ``status`` for ``draft``."""
        title = (draft.title or draft.text.strip().split("\n")[0])[:100]
        snippet: dict[str, Any] = {
            "title": title,
            "description": draft.text,
            "categoryId": self.category_id,
        }
        tags = hashtags(draft.text)
        if tags:
            snippet["tags"] = tags
        status = {"privacyStatus": self.privacy_status, "selfDeclaredMadeForKids": False}
        return {"snippet": snippet, "status": status}

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Answer a comment (comments.insert), or comment a video (commentThreads.insert)."""
        if api.is_video_id(parent_id):
            body: dict[str, Any] = {
                "snippet": {
                    "videoId": parent_id,
                    "topLevelComment": {"snippet": {"textOriginal": text}},
                }
            }
            created = self.request(
                "POST", api.COMMENT_THREADS, params={"part": "snippet"}, json=body
            )
            comment_id = jsonread.text(created.body, "snippet", "topLevelComment", "id")
            video_id = parent_id
        else:
            body = {"snippet": {"parentId": parent_id, "textOriginal": text}}
            created = self.request("POST", api.COMMENTS, params={"part": "snippet"}, json=body)
            comment_id = jsonread.text(created.body, "id")
            video_id = jsonread.text(created.body, "snippet", "videoId")
        if not comment_id:
            raise Unconfirmed("YouTube confirmed the comment without its id", network="youtube")
        url = api.video_url(video_id) + f"&lc={comment_id}" if video_id else ""
        return PublishResult(comment_id, url)

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """Our channel's answer with these words: among a comment's replies (comments.list
        ``parentId``), or among a video's newest threads for a comment on the video. Beyond
        ``reconcile_reply_pages`` pages the answer is "cannot tell", never "absent"."""
        params = {"part": "snippet", "maxResults": "100", "textFormat": "plainText"}
        on_video = api.is_video_id(parent_id)
        if on_video:
            path, params = api.COMMENT_THREADS, {**params, "videoId": parent_id, "order": "time"}
        else:
            path, params = api.COMMENTS, {**params, "parentId": parent_id}
        wanted = comparable(text)
        for _page in range(self.reconcile_reply_pages):
            body = self.request("GET", path, params=params).body
            for item in api.items(body):
                comment = jsonread.nested(item, "snippet", "topLevelComment") if on_video else item
                snippet = jsonread.nested(comment, "snippet")
                if (
                    jsonread.text(snippet, "authorChannelId", "value") == self.account_id
                    and jsonread.parse_time(jsonread.nested(snippet, "publishedAt")) >= since
                    and comparable(jsonread.text(snippet, "textOriginal")) == wanted
                ):
                    comment_id = jsonread.text(comment, "id")
                    url = api.video_url(jsonread.text(snippet, "videoId")) + f"&lc={comment_id}"
                    return PublishResult(comment_id, url, reconciled=True)
            token = jsonread.text(body, "nextPageToken")
            if not token:
                return None
            params["pageToken"] = token
        raise self.reply_lookup_cut_short()

    def delete(self, remote_id: str) -> None:
        path = api.VIDEOS if api.is_video_id(remote_id) else api.COMMENTS
        try:
            self.request("DELETE", path, params={"id": remote_id})
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """Look for the draft's title and description among the uploads since ``since``."""
        uploads = jsonread.text(
            self.my_channel("contentDetails"), "contentDetails", "relatedPlaylists", "uploads"
        )
        if not uploads:
            raise Transient("channel answered without its uploads playlist", network="youtube")
        params = {"part": "snippet", "playlistId": uploads, "maxResults": self.reconcile_window}
        wanted = self.metadata(draft)["snippet"]
        for item in api.items(self.request("GET", api.PLAYLIST_ITEMS, params=params).body):
            snippet = item.get("snippet")
            if jsonread.parse_time(jsonread.nested(snippet, "publishedAt")) < since:
                continue
            if (jsonread.text(snippet, "title"), jsonread.text(snippet, "description")) == (
                wanted["title"],
                wanted["description"],
            ):
                video_id = jsonread.text(snippet, "resourceId", "videoId")
                return PublishResult(video_id, api.video_url(video_id), reconciled=True)
        return None

    # --- reading and metrics: parvis/networks/youtube/reading.py ------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        return reading.read_inbound(self, kind, cursor=cursor, limit=limit)

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        return reading.post_metrics(self, list(remote_ids))

    def account_metrics(self) -> list[MetricPoint]:
        channel = self.my_channel("statistics")
        now, channel_id = self.clock(), jsonread.text(channel, "id")
        statistics = jsonread.counters(channel.get("statistics"), digit_strings=True)
        return [MetricPoint(channel_id, name, value, now) for name, value in statistics.items()]

    # --- the watch (parvis.networks.youtube.watch): other channels, on the instance's quota ---

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """``channels.list`` (1 unit): an @handle, a channel id or a youtube.com address."""
        return watch.public_profile(self, handle_or_url)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """The uploads playlist, then their statistics: 2 units a page (at most 50 videos)."""
        return watch.public_posts(self, profile_id, cursor=cursor, limit=limit)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """Refused before any call: ``search.list``'s 100 calls a day serve the whole
        instance (see the watch module)."""
        raise NotSupported(watch.SEARCH_REFUSAL, network="youtube")

    # --- dialect ------------------------------------------------------------------------------

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        code = api.error_reason_code(payload)
        reason = self.error_reason(payload) or code or f"HTTP {status}"
        if code in api.DAILY_QUOTA_REASONS:
            retry_at = api.next_pacific_midnight(now)
            return RateLimited(reason, retry_at=retry_at, network="youtube", status=status)
        if code in api.SHORT_LIMIT_REASONS:
            return RateLimited(reason, retry_at=retry_after(headers, now), network="youtube")
        if code and 400 <= status < 500 and status not in (401, 429):
            return Rejected(reason, network="youtube", status=status, remote_code=code)
        return None
