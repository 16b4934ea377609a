"""Bluesky connector: maps the AT Protocol (XRPC on the account's PDS) to Parvis' contracts.

Sessions come from an app password (``createSession``, done by the web layer when the account
is connected): the TokenSet holds the access JWT (2 hours) and the refresh JWT (90 days), and
the connector renews them with ``refreshSession`` — there is no OAuth app, hence ``oauth =
None`` and the overridden :meth:`refresh_tokens`.

A post's ``remote_id`` is its ``at://`` URI. Publishing writes the record at a key derived from
the draft's ``idempotency_key`` with ``swapRecord: null`` ("only if absent"), so a retry finds
its first attempt instead of posting twice, and :meth:`reconcile` is a plain ``getRecord``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.bluesky import client as api
from parvis.networks.bluesky import records, watch
from parvis.networks.bluesky.limits import CAPABILITIES as LIMITS
from parvis.networks.bluesky.media import upload_blob
from parvis.networks.bluesky.reading import inbound_page, thread_comments
from parvis.networks.bluesky.session import delete_session, refresh_session
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
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.transport import JsonResponse, epoch_header
from parvis.networks.validation import effective_text


class BlueskyConnector(Connector):
    kind = Network.BLUESKY
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    refresh_margin: ClassVar[timedelta] = timedelta(minutes=10)  # access JWTs live 2 hours
    uris_per_call: ClassVar[int] = 25

    revokes_tokens: ClassVar[bool] = True

    # --- session ------------------------------------------------------------------------------

    def revoke_tokens(self) -> None:
        """``deleteSession`` with the refresh JWT (an app password's session signed out)."""
        delete_session(self, self._tokens)

    def refresh_tokens(self) -> TokenSet:
        """``refreshSession`` with the refresh JWT; both JWTs rotate: the listener stores them
        before anything else can fail. A refused refresh is :class:`AuthExpired`."""
        self._tokens = refresh_session(self, self._tokens)
        if self._on_tokens_refreshed is not None:
            self._on_tokens_refreshed(self._tokens)
        return self._tokens

    def _ensure_fresh_tokens(self) -> None:
        if self._tokens.refresh_token and self._tokens.expires_within(
            self.refresh_margin, self.clock()
        ):
            self.refresh_tokens()

    def request(
        self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> JsonResponse:
        """The base call, plus one refresh-and-retry when the PDS says the token expired
        (``ExpiredToken`` is a 400 on Bluesky, which the base's 401 rule does not cover)."""
        self._ensure_fresh_tokens()  # a refused refresh here is final
        try:
            return super().request(method, path, idempotent=idempotent, **kwargs)
        except AuthExpired:
            if not self._tokens.refresh_token:
                raise
            self.refresh_tokens()
            return super().request(method, path, idempotent=idempotent, **kwargs)

    def account_info(self) -> AccountInfo:
        session = api.obj(self.request("GET", api.GET_SESSION).body, "session")
        handle = api.required(session, "handle")
        return AccountInfo(
            remote_id=api.required(session, "did"),
            handle=handle,
            url=f"https://bsky.app/profile/{handle}",
        )

    def _did(self) -> str:
        if not self.account_id:
            self.account_id = self.account_info().remote_id
        return self.account_id

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        text = effective_text(draft, self.capabilities)
        embed: dict[str, Any] | None = None
        if draft.media:
            blobs = [upload_blob(self, item) for item in draft.media]
            embed = records.media_embed(draft.media, blobs)
        elif draft.link:
            embed = records.link_card(draft.link, draft.title)
        record = self._record(text, embed=embed)
        post = self._put(api.record_key(draft.idempotency_key), record)
        result = PublishResult(post["uri"], api.post_url(post["uri"]), reconciled=post["found"])
        if not draft.first_comment:
            return result
        ref = {"uri": post["uri"], "cid": post["cid"]}
        comment = self._record(draft.first_comment, reply={"root": ref, "parent": ref})
        try:  # the post is live: a failed comment must not make the caller publish again
            done = self._put(api.record_key(draft.idempotency_key + ":first-comment"), comment)
        except ConnectorError as exc:
            return PublishResult(result.remote_id, result.url, first_comment_error=repr(exc))
        return PublishResult(result.remote_id, result.url, first_comment_id=done["uri"])

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Written at a record key derived from the parent and the words (``_reply_key``): the
        same answer sent again after a lost response finds the first one, never a second."""
        parent = self._get_record(parent_id)
        if parent is None:
            raise Rejected("the post to answer no longer exists", network="bluesky")
        refs = records.reply_refs(api.strong_ref(parent), api.obj(parent.get("value")))
        done = self._put(_reply_key(parent_id, text), self._record(text, reply=refs))
        return PublishResult(done["uri"], api.post_url(done["uri"]), reconciled=done["found"])

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """The record at the answer's key, if it exists (``since`` is not needed): an exact
        "absent" or "there", whatever the number of posts since."""
        return self._found_at(_reply_key(parent_id, text))

    def delete(self, remote_id: str) -> None:
        """``deleteRecord`` succeeds for a record that is already gone."""
        did, collection, rkey = api.split_uri(remote_id)
        payload = {"repo": did, "collection": collection, "rkey": rkey}
        self.request("POST", api.DELETE_RECORD, json=payload, idempotent=True)

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """The record at the draft's key, if it exists (``since`` is not needed)."""
        return self._found_at(api.record_key(draft.idempotency_key))

    def _found_at(self, rkey: str) -> PublishResult | None:
        uri = f"at://{self._did()}/{api.POST_COLLECTION}/{rkey}"
        found = self._get_record(uri)
        return None if found is None else PublishResult(uri, api.post_url(uri), reconciled=True)

    def _record(
        self, text: str, *, embed: dict[str, Any] | None = None, reply: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        created = api.iso_now(self.clock())
        facets = records.facets(text, self._resolve_handle)
        return records.post(text, created_at=created, facets=facets, embed=embed, reply=reply)

    def _put(self, rkey: str, record: dict[str, Any]) -> dict[str, Any]:
        """Write ``record`` at ``rkey`` only if nothing is there; if our earlier attempt is
        (``InvalidSwap``), return that one with ``found`` set."""
        did = self._did()
        payload: dict[str, Any] = {"repo": did, "collection": api.POST_COLLECTION, "rkey": rkey}
        payload |= {"record": record, "swapRecord": None}
        try:
            body = self.request("POST", api.PUT_RECORD, json=payload).body
        except Rejected as exc:
            uri = f"at://{did}/{api.POST_COLLECTION}/{rkey}"
            existing = self._get_record(uri) if exc.remote_code == "InvalidSwap" else None
            if existing is None:
                raise
            return {**api.strong_ref(existing), "found": True}
        uri = self._created_uri(body)
        return {"uri": uri, "cid": jsonread.text(body, "cid"), "found": False}

    def _created_uri(self, body: Any) -> str:
        try:
            return api.required(api.obj(body), "uri")
        except Transient as exc:  # 2xx without a readable URI: the record probably exists
            raise Unconfirmed(str(exc), network="bluesky") from exc

    def _get_record(self, uri: str) -> dict[str, Any] | None:
        did, collection, rkey = api.split_uri(uri)
        params = {"repo": did, "collection": collection, "rkey": rkey}
        try:
            return api.obj(self.request("GET", api.GET_RECORD, params=params).body)
        except Rejected as exc:
            if exc.remote_code == "RecordNotFound":
                return None
            raise

    def _resolve_handle(self, handle: str) -> str | None:
        try:
            body = self.request("GET", api.RESOLVE_HANDLE, params={"handle": handle}).body
        except Rejected:  # HandleNotFound: the mention stays plain text
            return None
        return jsonread.text(body, "did") or None

    # --- reading (app.bsky.*: the PDS proxies them to the AppView) ------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        """Mentions, replies (COMMENT) and quotes from the notifications, whatever ``kind``
        among those two; direct messages need the chat service (not done)."""
        if kind is InboundKind.DM:
            raise NotSupported("lecture des messages privés Bluesky", network="bluesky")
        params: dict[str, Any] = {"limit": min(max(limit, 1), 100)}
        params["reasons"] = ["mention", "reply", "quote"]
        if cursor:
            params["cursor"] = cursor
        body = api.obj(self.request("GET", api.LIST_NOTIFICATIONS, params=params).body)
        return inbound_page(body, params["limit"])

    def post_comments(self, remote_id: str) -> list[InboundItem]:
        """Every reply below one of our posts (``getPostThread``, 6 levels), ours excepted."""
        params = {"uri": remote_id, "depth": 6, "parentHeight": 0}
        body = api.obj(self.request("GET", api.GET_POST_THREAD, params=params).body)
        return thread_comments(api.obj(body.get("thread"), "thread"), exclude=self._did())

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        now, points = self.clock(), []
        for start in range(0, len(remote_ids), self.uris_per_call):
            params = {"uris": list(remote_ids[start : start + self.uris_per_call])}
            body = api.obj(self.request("GET", api.GET_POSTS, params=params).body)
            for post in api.objects(body.get("posts")):
                uri = api.required(post, "uri")
                for name, value in jsonread.counters(post, api.POST_METRICS).items():
                    points.append(MetricPoint(uri, name, value, now))
        return points

    def account_metrics(self) -> list[MetricPoint]:
        did, now = self._did(), self.clock()
        profile = api.obj(self.request("GET", api.GET_PROFILE, params={"actor": did}).body)
        found = jsonread.counters(profile, api.ACCOUNT_METRICS)
        return [MetricPoint(did, name, value, now) for name, value in found.items()]

    # --- the watch (parvis.networks.bluesky.watch): other accounts, through our session -------

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """``getProfile``: a handle, a DID or a ``bsky.app/profile/…`` address."""
        return watch.public_profile(self, handle_or_url)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """``getAuthorFeed`` without replies; reposts are skipped (see the watch module)."""
        return watch.public_posts(self, profile_id, cursor=cursor, limit=limit)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """``searchPosts`` (``sort=latest``, ``lang``), newest first."""
        return watch.search_posts(self, query, language=language, cursor=cursor, limit=limit)

    # --- dialect ------------------------------------------------------------------------------

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return epoch_header(headers, "ratelimit-reset")

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        """XRPC errors are ``{"error": Name, "message": text}``: an expired or unverifiable
        token is a 400 here, and the name is kept as ``remote_code`` for the callers above."""
        code = jsonread.text(payload, "error")
        reason = jsonread.text(payload, "message") or code or f"HTTP {status}"
        if code in api.TOKEN_ERRORS and status in (400, 401):
            return AuthExpired(reason, network="bluesky", status=status)
        if 400 <= status < 500 and status not in (401, 408, 429):
            return Rejected(reason, network="bluesky", status=status, remote_code=code)
        return None


def _reply_key(parent_id: str, text: str) -> str:
    """One record per (message answered, words): answering the same message twice with the same
    words is taken for a retry of the first answer, which is what it is in an inbox."""
    return api.record_key(f"reply\n{parent_id}\n{text}")
