"""Instagram connector (professional accounts): containers, comments, tagged media, DMs, insights.

Media must be reachable by URL (``media_url`` option, see MetaConnector): Instagram has no
text-only posts and downloads every picture or video itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
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
    TokenSet,
)
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
)
from parvis.networks.instagram import client as api
from parvis.networks.instagram import inbound, login, watch
from parvis.networks.instagram.containers import create_containers, wait_until_finished
from parvis.networks.instagram.limits import CAPABILITIES as LIMITS
from parvis.networks.meta import graph
from parvis.networks.meta.connector import MetaConnector
from parvis.networks.oauth import OAuthConfig
from parvis.networks.text import comparable

# What a post or an answer links to when Graph gives no permalink (replies never have one).
HOME_URL = "https://www.instagram.com/"
PUBLISHING_WINDOW_WAIT = timedelta(hours=1)  # a rolling 24 h quota: try again in an hour


class InstagramConnector(MetaConnector):
    kind = Network.INSTAGRAM
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    oauth = OAuthConfig(
        authorize_url=api.AUTHORIZE_URL,
        token_url=api.TOKEN_URL,
        scopes=api.SCOPES,
        pkce=False,
        client_auth="body",
        scope_separator=",",
        refresh_margin=timedelta(days=7),  # 60-day tokens
    )
    # The guide suggests polling about once a minute for at most five minutes.
    container_poll_seconds: ClassVar[float] = 30.0
    container_max_polls: ClassVar[int] = 10

    @property
    def ig_user_id(self) -> str:
        return self.account_id

    # --- tokens: Instagram Login tokens are refreshed while still valid -------------------------

    def _default_token_url(self) -> str:
        """The refresh endpoint sits unversioned on the API host (graph.instagram.com). It is
        derived from ``base_url``, not ``token_url``: the latter is the code-exchange URL."""
        return re.sub(r"/v\d+\.\d+$", "", self.base_url) + api.REFRESH_PATH

    def _ensure_fresh_tokens(self) -> None:
        margin = self.oauth.refresh_margin if self.oauth else timedelta(days=7)
        if self.tokens.expires_within(margin, self.clock()):
            self.refresh_tokens()

    def refresh_tokens(self) -> TokenSet:
        """``ig_refresh_token``: a new 60-day token from a valid one. Tokens without expiry
        (Facebook Login Page tokens) and expired ones cannot be refreshed."""
        if self.tokens.expires_at is None:
            raise AuthExpired("this Instagram token cannot be refreshed", network="instagram")
        url = self._default_token_url()
        self._tokens = login.refresh(
            self.http, self.tokens, url=url, clock=self.clock, policy=self.policy
        )
        if self._on_tokens_refreshed is not None:
            self._on_tokens_refreshed(self._tokens)
        return self._tokens

    def account_info(self) -> AccountInfo:
        params = {"fields": "id,username,name,profile_picture_url"}
        user = graph.object_of(
            self.request("GET", f"/{self.ig_user_id}", params=params).body, "instagram"
        )
        username = jsonread.text(user, "username")
        if not jsonread.text(user, "id") or not username:
            raise Transient("Graph answered without the account id", network="instagram")
        return AccountInfo(
            remote_id=jsonread.text(user, "id"),
            handle=username,
            display_name=jsonread.text(user, "name"),
            url=api.profile_url(username),
            avatar_url=jsonread.text(user, "profile_picture_url"),
        )

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        if not draft.media:
            raise Rejected("Instagram ne publie pas de texte seul", network="instagram")
        self._check_quota()
        containers = create_containers(self, self.ig_user_id, draft)
        for container in containers:
            wait_until_finished(
                self,
                container,
                max_polls=self.container_max_polls,
                interval=self.container_poll_seconds,
            )
        path = api.MEDIA_PUBLISH.format(ig_user_id=self.ig_user_id)
        media_id = self.create(path, {"creation_id": containers[-1]})
        result = PublishResult(media_id, self._permalink(media_id))
        if not draft.first_comment:
            return result
        comment_id, error = self.first_comment(media_id, draft.first_comment)
        return PublishResult(media_id, result.url, comment_id, error)

    def _check_quota(self) -> None:
        """50 API posts per rolling 24 h: say so before creating anything."""
        path = api.PUBLISHING_LIMIT.format(ig_user_id=self.ig_user_id)
        body = self.request("GET", path, params={"fields": "config,quota_usage"}).body
        for entry in graph.data_list(body, "instagram"):
            total = jsonread.obj(entry, "config").get("quota_total")
            used = entry.get("quota_usage")
            if isinstance(total, int) and isinstance(used, int) and used >= total:
                retry_at = self.clock() + PUBLISHING_WINDOW_WAIT
                raise RateLimited(
                    f"publishing limit reached ({used}/{total} in 24 h)",
                    retry_at=retry_at,
                    network="instagram",
                    status=None,
                )

    def _permalink(self, media_id: str) -> str:
        try:  # the post is live: a failed lookup must not look like a failed publish
            params = {"fields": "permalink"}
            body = self.request("GET", f"/{media_id}", params=params).body
        except ConnectorError:
            return HOME_URL
        return graph.id_of(body, "permalink") or HOME_URL

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Answer a comment (``/replies``); on our own media, comment instead (``/comments``):
        the ids look alike, Graph tells them apart by refusing the edge with code 100."""
        form = {"message": text}
        try:
            reply_id = self.create(api.REPLIES.format(comment_id=parent_id), form)
        except Rejected as exc:
            if not exc.remote_code.startswith("100"):
                raise
            reply_id = self.create(api.COMMENTS.format(media_id=parent_id), form)
        return PublishResult(reply_id, HOME_URL)

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """Our answer with these words among a comment's replies, or among the comments of our
        own media (the edge ``reply`` used: Graph refuses the other with code 100)."""

        def look(path: str) -> str | None:
            params = {"fields": api.COMMENT_FIELDS}
            return self.own_answer(path, params, author_id=self.ig_user_id, text=text, since=since)

        try:
            found = look(api.REPLIES.format(comment_id=parent_id))
        except Rejected as exc:
            if not exc.remote_code.startswith("100"):
                raise
            found = look(api.COMMENTS.format(media_id=parent_id))
        return None if found is None else PublishResult(found, HOME_URL, reconciled=True)

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """Scan recent media for the caption, created after ``since``."""
        wanted = comparable(draft.text)
        params = {"fields": api.RECENT_MEDIA_FIELDS, "limit": "25"}
        body = self.request("GET", api.MEDIA.format(ig_user_id=self.ig_user_id), params=params).body
        for media in graph.data_list(body, "instagram"):
            fresh = jsonread.parse_time(media.get("timestamp")) >= since.replace(microsecond=0)
            if fresh and comparable(jsonread.text(media, "caption")) == wanted:
                url = jsonread.text(media, "permalink") or HOME_URL
                return PublishResult(jsonread.text(media, "id"), url, reconciled=True)
        return None

    # --- reading ------------------------------------------------------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        """Comments on recent media (the cursor walks media; ``limit`` per media), media the
        account is tagged in, or Instagram Direct conversations."""
        if kind is InboundKind.DM:
            return self.conversations(self.ig_user_id, "instagram", cursor, limit)
        return inbound.read(self, self.ig_user_id, kind, cursor, limit)

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        metrics = self.capabilities.post_metrics
        return [point for media_id in remote_ids for point in self.insights(media_id, metrics)]

    def account_metrics(self) -> list[MetricPoint]:
        fields = ",".join(self.capabilities.account_metrics)
        user = graph.object_of(
            self.request("GET", f"/{self.ig_user_id}", params={"fields": fields}).body, "instagram"
        )
        now = self.clock()
        return [
            MetricPoint(self.ig_user_id, name, value, now)
            for name in self.capabilities.account_metrics
            if isinstance(value := user.get(name), int) and not isinstance(value, bool)
        ]

    # --- the watch (parvis.networks.instagram.watch): Business Discovery, Facebook Login only --

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """``business_discovery.username(…)``; ``remote_id`` is the username (see the module)."""
        return watch.public_profile(self, handle_or_url)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """The account's media through Business Discovery, newest first."""
        return watch.public_posts(self, profile_id, cursor=cursor, limit=limit)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """Hashtag search needs a Meta feature Parvis does not request: refused."""
        raise NotSupported(watch.SEARCH_REFUSAL, network="instagram")
