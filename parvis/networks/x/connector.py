"""X connector: maps X API v2 to Parvis' contracts (see ``docs/connectors.md``)."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
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
    MediaFile,
    MetricPoint,
    Page,
    PublicPost,
    PublicProfile,
    PublishResult,
)
from parvis.networks.errors import ConnectorError, NotSupported, Rejected, Transient, Unconfirmed
from parvis.networks.oauth import OAuthConfig
from parvis.networks.transport import epoch_header, send
from parvis.networks.validation import effective_text
from parvis.networks.x import client as api
from parvis.networks.x import watch
from parvis.networks.x.limits import CAPABILITIES as LIMITS
from parvis.networks.x.media import upload_media

_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


class XConnector(Connector):
    kind = Network.X
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    oauth = OAuthConfig(
        authorize_url=api.AUTHORIZE_URL,
        token_url=api.API_BASE_URL + api.TOKEN_PATH,
        scopes=api.SCOPES,
        refresh_margin=timedelta(minutes=15),  # tokens live 2 h
    )
    media_chunk_bytes: ClassVar[int] = 1024 * 1024
    media_max_polls: ClassVar[int] = 60
    revokes_tokens: ClassVar[bool] = True

    def _default_token_url(self) -> str:
        return self.base_url + api.TOKEN_PATH

    def revoke_tokens(self) -> None:
        """``POST /2/oauth2/revoke`` for the refresh token, then for the access token (X does
        not say that revoking one ends the other). Parvis authenticates as at the token
        endpoint: Basic with the app's id and secret, ``client_id`` in the form too."""
        if self.app is None:
            raise NotSupported("révocation des jetons sans l’application X configurée", network="x")
        pair = f"{self.app.client_id}:{self.app.client_secret}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        pending = (
            (self._tokens.refresh_token, "refresh_token"),
            (self._tokens.access_token, "access_token"),
        )
        for token, hint in pending:
            if not token:
                continue
            form = {"token": token, "token_type_hint": hint, "client_id": self.app.client_id}
            send(
                self.http,
                self,
                "POST",
                self._revoke_url(),
                idempotent=True,  # revoking a dead token again changes nothing (RFC 7009)
                policy=self.policy,
                clock=self.clock,
                sleep=self.sleep,
                data=form,
                headers=headers,
            )

    def _revoke_url(self) -> str:
        """Next to the token endpoint, wherever that is configured (a fake in tests)."""
        if self.token_url:
            return str(httpx.URL(self.token_url).join("revoke"))
        return self.base_url + api.REVOKE_PATH

    def account_info(self) -> AccountInfo:
        params = {"user.fields": "name,username,profile_image_url"}
        user = api.data_of(self.request("GET", api.USERS_ME, params=params).body)
        handle = jsonread.text(user, "username")
        return AccountInfo(
            remote_id=jsonread.text(user, "id"),
            handle=handle,
            display_name=jsonread.text(user, "name"),
            url=f"https://x.com/{handle}",
            avatar_url=jsonread.text(user, "profile_image_url"),
        )

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        payload: dict[str, Any] = {"text": effective_text(draft, self.capabilities)}
        if draft.media:
            payload["media"] = {"media_ids": [self._upload(item) for item in draft.media]}
        result = self._create(payload)
        if not draft.first_comment:
            return result
        try:  # the post is live: a failed comment must not make the caller publish again
            comment = self.reply(parent_id=result.remote_id, text=draft.first_comment)
        except ConnectorError as exc:
            return PublishResult(result.remote_id, result.url, first_comment_error=repr(exc))
        return PublishResult(result.remote_id, result.url, first_comment_id=comment.remote_id)

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        return self._create({"text": text, "reply": {"in_reply_to_tweet_id": parent_id}})

    def delete(self, remote_id: str) -> None:
        try:
            self.request("DELETE", api.POST.format(id=remote_id))
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        wanted = _comparable(effective_text(draft, self.capabilities))
        params = {
            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "max_results": 20,
            "exclude": "replies",
            "post.fields": "created_at,text",
        }
        body = self.request("GET", api.USER_POSTS.format(id=self.account_id), params=params).body
        for post in api.data_list(body):
            if _comparable(jsonread.text(post, "text")) == wanted:
                post_id = jsonread.text(post, "id")
                return PublishResult(post_id, self._post_url(post_id), reconciled=True)
        return None

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """Our reply to ``parent_id`` with this text, among the account's posts since ``since``
        (the user timeline includes replies when not told to exclude them). X prefixes a reply's
        text with the people it answers: compared without those mentions.

        At most ``reconcile_reply_pages`` pages: beyond them the answer is "cannot tell"
        (:class:`NotSupported`), never "absent"."""
        wanted = _comparable_reply(text)
        params: dict[str, Any] = {
            "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "max_results": 100,
            "post.fields": "created_at,text",
            "expansions": "referenced_posts",
        }
        path = api.USER_POSTS.format(id=self.account_id)
        for _page in range(self.reconcile_reply_pages):
            body = self.request("GET", path, params=params).body
            for post in api.data_list(body):
                if _replied_to(post) == parent_id and (
                    _comparable_reply(jsonread.text(post, "text")) == wanted
                ):
                    post_id = jsonread.text(post, "id")
                    return PublishResult(post_id, self._post_url(post_id), reconciled=True)
            token = api.next_token(body)
            if token is None:
                return None
            params["pagination_token"] = token
        raise self.reply_lookup_cut_short()

    def _create(self, payload: dict[str, Any]) -> PublishResult:
        body = self.request("POST", api.POSTS, json=payload).body
        try:
            post_id = jsonread.text(api.data_of(body), "id")
        except Transient as exc:  # 2xx without a readable id: the post probably exists
            raise Unconfirmed(str(exc), network="x") from exc
        if not post_id:
            raise Unconfirmed("X confirmed the post without an id", network="x")
        return PublishResult(post_id, self._post_url(post_id))

    def _post_url(self, post_id: str) -> str:
        return f"https://x.com/i/web/status/{post_id}"

    def _upload(self, media: MediaFile) -> str:
        return upload_media(
            self, media, chunk_bytes=self.media_chunk_bytes, max_polls=self.media_max_polls
        )

    # --- reading ------------------------------------------------------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        """Mentions, and replies to our posts (they mention us too): both from the mentions
        timeline; a reply to the account is returned as a COMMENT."""
        if kind is InboundKind.DM:
            raise NotSupported("lecture des messages privés (offre X payante)", network="x")
        params: dict[str, Any] = {
            "max_results": min(max(limit, 5), 100),
            "post.fields": api.POST_FIELDS,
            "expansions": api.INBOUND_EXPANSIONS,
            "user.fields": "username,name",
        }
        if cursor:
            params["pagination_token"] = cursor
        body = self.request("GET", api.MENTIONS.format(id=self.account_id), params=params).body
        users = api.users_by_id(body)
        items = tuple(self._inbound(post, users) for post in api.data_list(body))
        return Page(items=items, next_cursor=api.next_token(body))

    def _inbound(self, post: dict[str, Any], users: dict[str, dict[str, Any]]) -> InboundItem:
        author_id = jsonread.text(post, "author_id")
        author = users.get(author_id, {})
        parent = _replied_to(post)
        is_reply_to_us = jsonread.text(post, "in_reply_to_user_id") == self.account_id
        post_id = jsonread.text(post, "id")
        return InboundItem(
            kind=InboundKind.COMMENT if is_reply_to_us else InboundKind.MENTION,
            remote_id=post_id,
            text=jsonread.text(post, "text"),
            created_at=jsonread.parse_time(post.get("created_at")),
            author_id=author_id,
            author_handle=jsonread.text(author, "username"),
            author_name=jsonread.text(author, "name"),
            thread_id=jsonread.text(post, "conversation_id"),
            parent_id=parent,
            url=self._post_url(post_id),
        )

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        now = self.clock()
        points: list[MetricPoint] = []
        for start in range(0, len(remote_ids), 100):  # X takes 100 ids per call
            params = {
                "ids": ",".join(remote_ids[start : start + 100]),
                "post.fields": "public_metrics",
            }
            for post in api.data_list(self.request("GET", api.POSTS, params=params).body):
                post_id = jsonread.text(post, "id")
                for name, value in api.metrics_of(post).items():
                    points.append(MetricPoint(post_id, name, value, now))
        return points

    def account_metrics(self) -> list[MetricPoint]:
        params = {"user.fields": "public_metrics"}
        user = api.data_of(self.request("GET", api.USERS_ME, params=params).body)
        now = self.clock()
        user_id = jsonread.text(user, "id")
        return [MetricPoint(user_id, n, v, now) for n, v in api.metrics_of(user).items()]

    # --- the watch (parvis.networks.x.watch): billed per post and per user read -------------

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """``/2/users/by/username/{username}`` (or ``/2/users/{id}``); protected = NotFound."""
        return watch.public_profile(self, handle_or_url)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """``/2/users/{id}/tweets`` without replies nor reposts."""
        return watch.public_posts(self, profile_id, cursor=cursor, limit=limit)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """``/2/tweets/search/recent`` (7 days), reposts left out, ``lang:`` when asked."""
        return watch.search_posts(self, query, language=language, cursor=cursor, limit=limit)

    # --- dialect ------------------------------------------------------------------------------

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return epoch_header(headers, "x-rate-limit-reset")


def _comparable(text: str) -> str:
    """X rewrites links to t.co, escapes ``&`` and may trim spaces: compare without those."""
    return " ".join(_URL.sub("", html.unescape(text)).split())


def _comparable_reply(text: str) -> str:
    """A reply's text as X returns it starts with the handles it answers (``@client ...``),
    which the text we sent may or may not include: compare both without leading mentions."""
    return _comparable(_LEADING_MENTIONS.sub("", text.lstrip()))


def _replied_to(post: dict[str, Any]) -> str:
    """The id of the post ``post`` answers ("" when it answers none). The spec names the
    expansion ``referenced_posts``; X's answers (and the docs) say ``referenced_tweets``."""
    refs = post.get("referenced_tweets", post.get("referenced_posts"))
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            return jsonread.text(ref, "id")
    return ""
