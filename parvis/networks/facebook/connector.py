"""Facebook Pages connector: one instance per Page, with the Page's token (see ``login.py`` for
how that token is obtained). Maps the Graph API to Parvis' contracts (docs/connectors.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
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
from parvis.networks.errors import AuthExpired, NotSupported, Transient, Unconfirmed
from parvis.networks.facebook import client as api
from parvis.networks.facebook import inbound
from parvis.networks.facebook.limits import CAPABILITIES as LIMITS
from parvis.networks.facebook.media import upload_photo, upload_video
from parvis.networks.meta import graph
from parvis.networks.meta.connector import MetaConnector
from parvis.networks.oauth import OAuthConfig
from parvis.networks.text import comparable

# The watch: other Pages' posts need Meta's Page Public Content Access feature (App Review and
# business verification of this Parvis' operator, wave2-apis §1.5); without it, no API path.
WATCH_REFUSAL = (
    "Facebook ne permet de lire les Pages d’autres entreprises qu’aux applications agréées "
    "pour « Page Public Content Access »\u202f: ajoutez plutôt le flux de leur site"
)


class FacebookConnector(MetaConnector):
    kind = Network.FACEBOOK
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    oauth = OAuthConfig(
        authorize_url=api.AUTHORIZE_URL,
        token_url=api.API_BASE_URL + api.TOKEN_PATH,
        scopes=api.SCOPES,
        pkce=False,
        client_auth="body",
        scope_separator=",",
    )
    video_chunk_bytes: ClassVar[int] = 4 * 1024 * 1024
    messaging_extra: ClassVar[dict[str, str]] = {"messaging_type": "RESPONSE"}
    # Period of the account metrics; Page insights are mostly daily.
    account_metric_period: ClassVar[str] = "day"

    @property
    def page_id(self) -> str:
        return self.account_id

    @property
    def video_base_url(self) -> str:
        default = self.base_url == api.API_BASE_URL
        return api.VIDEO_BASE_URL if default else self.base_url  # tests: one fake, one host

    def refresh_tokens(self) -> TokenSet:
        """Page tokens do not expire, and the user token behind them cannot be refreshed
        server-side: a refused token means the user must log in again."""
        raise AuthExpired("Facebook Page tokens cannot be refreshed", network="facebook")

    def account_info(self) -> AccountInfo:
        params = {"fields": "id,name,username,link,picture{url}"}
        page = graph.object_of(
            self.request("GET", f"/{self.page_id}", params=params).body, "facebook"
        )
        page_id = jsonread.text(page, "id")
        if not page_id:
            raise Transient("Graph answered without the Page id", network="facebook")
        picture = jsonread.obj(jsonread.obj(page, "picture"), "data")
        return AccountInfo(
            remote_id=page_id,
            handle=jsonread.text(page, "username") or page_id,
            display_name=jsonread.text(page, "name"),
            url=jsonread.text(page, "link") or api.post_url(page_id),
            avatar_url=jsonread.text(picture, "url"),
        )

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        post_id = self._publish_post(draft)
        result = PublishResult(post_id, api.post_url(post_id))
        if not draft.first_comment:
            return result
        comment_id, error = self.first_comment(post_id, draft.first_comment)
        return PublishResult(post_id, result.url, comment_id, error)

    def _publish_post(self, draft: Draft) -> str:
        feed = api.FEED.format(page_id=self.page_id)
        videos = [m for m in draft.media if m.is_video]
        if videos:
            form = {"description": self._with_link(draft), "title": draft.title or ""}
            return upload_video(
                self,
                self.page_id,
                videos[0],
                form,
                video_base_url=self.video_base_url,
                chunk_bytes=self.video_chunk_bytes,
            )
        if len(draft.media) == 1:
            form = {"caption": self._with_link(draft)}
            photo_id, post_id = upload_photo(self, self.page_id, draft.media[0], form)
            return post_id or self._require(photo_id)
        form = {"message": draft.text}
        if draft.media:  # unpublished photos first, then one post that attaches them
            form = {"message": self._with_link(draft)}
            for index, media in enumerate(draft.media):
                photo_id, _ = upload_photo(self, self.page_id, media, {"published": "false"})
                form[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        elif draft.link:
            form["link"] = draft.link
        return self.create(feed, form)

    def _with_link(self, draft: Draft) -> str:
        """Photo and video posts have no ``link`` field: the link goes at the end of the text."""
        if draft.link and draft.link not in draft.text:
            return f"{draft.text.rstrip()}\n\n{draft.link}".strip()
        return draft.text

    def _require(self, created: str) -> str:
        if not created:
            raise Unconfirmed("Graph confirmed the photo without an id", network="facebook")
        return created

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Comment as the Page on a post, or answer a comment (same edge)."""
        comment_id = self.create(api.COMMENTS.format(object_id=parent_id), {"message": text})
        return PublishResult(comment_id, api.post_url(comment_id))

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """The Page's answer with these words below ``parent_id`` (a post or a comment: the
        same edge), newest first from ``since``."""
        params = {
            "fields": "id,message,from,created_time",
            "order": "reverse_chronological",
            "since": str(int(since.timestamp())),
        }
        found = self.own_answer(
            api.COMMENTS.format(object_id=parent_id),
            params,
            author_id=self.page_id,
            text=text,
            since=since,
        )
        return None if found is None else PublishResult(found, api.post_url(found), reconciled=True)

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """Scan the Page's posts since ``since`` for the draft's text."""
        wanted = comparable(self._with_link(draft) if draft.media else draft.text)
        params = {"fields": api.POST_FIELDS, "since": str(int(since.timestamp())), "limit": "25"}
        body = self.request("GET", api.POSTS.format(page_id=self.page_id), params=params).body
        for post in graph.data_list(body, "facebook"):
            if comparable(jsonread.text(post, "message")) == wanted:
                post_id = jsonread.text(post, "id")
                url = jsonread.text(post, "permalink_url") or api.post_url(post_id)
                return PublishResult(post_id, url, reconciled=True)
        return None

    # --- reading ------------------------------------------------------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        """Comments on the Page's posts (the cursor walks posts; ``limit`` per post), posts
        the Page is tagged in, or Messenger conversations."""
        if kind is InboundKind.DM:
            return self.conversations(self.page_id, "messenger", cursor, limit)
        return inbound.read(self, self.page_id, kind, cursor, limit)

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        metrics = self.capabilities.post_metrics
        return [point for post_id in remote_ids for point in self.insights(post_id, metrics)]

    def account_metrics(self) -> list[MetricPoint]:
        metrics = self.capabilities.account_metrics
        return self.insights(self.page_id, metrics, self.account_metric_period)

    # --- the watch: nothing to read of other Pages (see WATCH_REFUSAL) ------------------------

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        raise NotSupported(WATCH_REFUSAL, network="facebook")

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        raise NotSupported(WATCH_REFUSAL, network="facebook")

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        raise NotSupported(WATCH_REFUSAL, network="facebook")
