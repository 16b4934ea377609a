"""What Facebook Pages and Instagram share: Graph authentication, the error dialect, usage
headers, comments, conversations, insights and deletion.

Tokens: a Page token (and an Instagram token obtained through Facebook Login) never expires;
it is sent as ``Authorization: OAuth <token>`` with ``appsecret_proof`` when the app is known.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import (
    InboundItem,
    InboundKind,
    MediaFile,
    MetricPoint,
    Page,
    PublishResult,
)
from parvis.networks.errors import ConnectorError, Rejected, Unconfirmed
from parvis.networks.meta import graph
from parvis.networks.text import comparable
from parvis.networks.transport import JsonResponse

MediaUrl = Callable[[MediaFile], str | None]
"""Gives a media's public (signed) HTTPS URL, or None when it has none."""


class MetaConnector(Connector):
    """Base of :class:`FacebookConnector` and :class:`InstagramConnector` (not registered)."""

    messaging_extra: ClassVar[dict[str, str]] = {}  # Messenger wants a messaging_type
    # No documented call fits: DELETE /{user-id}/permissions de-authorises the app for a *user*
    # and takes a user or an app access token
    # (https://developers.facebook.com/docs/graph-api/reference/user/permissions/). Parvis keeps
    # a Page token and no user id, and de-authorising that user would also cut every other Page
    # they connected. Instagram Login (graph.instagram.com) documents no revocation at all.
    revokes_tokens: ClassVar[bool] = False

    def __init__(self, *, media_url: MediaUrl | None = None, **options: Any) -> None:
        """``media_url`` resolves a MediaFile to a public URL Meta can download (required on
        Instagram, optional on Facebook, which also takes bytes)."""
        super().__init__(**options)
        self.media_url = media_url
        self.usage_percent = 0  # highest X-App-Usage / BUC percentage seen on the last answer

    def public_url(self, media: MediaFile) -> str | None:
        # Forward-compatible with a ``url`` field on MediaFile (see docs/connectors.md).
        url = getattr(media, "url", None)
        if isinstance(url, str) and url:
            return url
        return self.media_url(media) if self.media_url is not None else None

    # --- HTTP ---------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"OAuth {self.tokens.access_token}"}

    def request(
        self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> JsonResponse:
        self._ensure_fresh_tokens()  # first: the proof is computed from the token we send
        if self.app is not None:
            proof = graph.appsecret_proof(self.app.client_secret, self.tokens.access_token)
            kwargs["params"] = {**(kwargs.get("params") or {}), "appsecret_proof": proof}
        response = super().request(method, path, idempotent=idempotent, **kwargs)
        self.usage_percent = graph.usage_percent(response.headers)
        return response

    def create(self, path: str, form: dict[str, str], *, key: str = "id") -> str:
        """POST a creation; a 2xx without a readable id probably created it: Unconfirmed."""
        body = self.request("POST", path, data=form).body
        created = graph.id_of(body, key)
        if not created:
            raise Unconfirmed("Graph confirmed without an id", network=self.network_name)
        return created

    # --- shared operations --------------------------------------------------------------------

    def delete(self, remote_id: str) -> None:
        """``DELETE /{id}``; an object already gone is what we wanted."""
        try:
            self.request("DELETE", f"/{remote_id}")
        except Rejected as exc:
            if not graph.is_missing_object(exc):
                raise

    def first_comment(self, post_id: str, text: str) -> tuple[str | None, str]:
        """Comment on our own post; a failure is reported, never raised (the post is live)."""
        try:
            return self.create(f"/{post_id}/comments", {"message": text}), ""
        except ConnectorError as exc:
            return None, repr(exc)

    def own_answer(
        self,
        path: str,
        params: dict[str, str],
        *,
        author_id: str,
        text: str,
        since: datetime,
    ) -> str | None:
        """The id of our answer with these words on the comment edge at ``path``, written
        since ``since``; None when every page was read without it. Beyond
        ``reconcile_reply_pages`` pages the answer is "cannot tell" (:class:`NotSupported`),
        never "absent". Facebook calls the words ``message``, Instagram ``text``."""
        wanted = comparable(text)
        oldest = since.replace(microsecond=0)  # Graph's times are whole seconds
        params = {**params, "limit": "100"}
        for _page in range(self.reconcile_reply_pages):
            body = self.request("GET", path, params=params).body
            for item in graph.data_list(body, self.network_name):
                written = jsonread.parse_time(item.get("created_time") or item.get("timestamp"))
                words = jsonread.text(item, "message") or jsonread.text(item, "text")
                if (
                    jsonread.text(jsonread.obj(item, "from"), "id") == author_id
                    and written >= oldest
                    and comparable(words) == wanted
                ):
                    return jsonread.text(item, "id")
            cursor = graph.next_cursor(body)
            if cursor is None:
                return None
            params["after"] = cursor
        raise self.reply_lookup_cut_short()

    def insights(
        self, subject: str, metrics: tuple[str, ...], period: str | None = None
    ) -> list[MetricPoint]:
        """``GET /{subject}/insights?metric=...``: the latest value of each metric."""
        params = {"metric": ",".join(metrics)}
        if period:
            params["period"] = period
        body = self.request("GET", f"/{subject}/insights", params=params).body
        now = self.clock()
        points = []
        for metric in graph.data_list(body, self.network_name):
            value = graph.last_value(metric)
            name = jsonread.text(metric, "name")
            if value is not None and name:
                span = {"day": timedelta(days=1), "week": timedelta(days=7)}.get(
                    jsonread.text(metric, "period")
                )
                points.append(MetricPoint(subject, name, value, now, span))
        return points

    def conversations(
        self, owner: str, platform: str, cursor: str | None, limit: int
    ) -> Page[InboundItem]:
        """Messages others sent in ``owner``'s conversations (Messenger / Instagram Direct)."""
        params = {
            "platform": platform,
            "fields": "id,updated_time,messages.limit(25){id,message,from,created_time}",
            "limit": str(min(max(limit, 1), 100)),
        }
        if cursor:
            params["after"] = cursor
        body = self.request("GET", f"/{owner}/conversations", params=params).body
        items = []
        for conversation in graph.data_list(body, self.network_name):
            for message in graph.data_list(conversation.get("messages"), self.network_name):
                author = jsonread.obj(message, "from")
                if jsonread.text(author, "id") == owner:
                    continue  # our own answers
                items.append(
                    InboundItem(
                        kind=InboundKind.DM,
                        remote_id=jsonread.text(message, "id"),
                        text=jsonread.text(message, "message"),
                        created_at=jsonread.parse_time(message.get("created_time")),
                        author_id=jsonread.text(author, "id"),
                        author_handle=jsonread.text(author, "username"),
                        author_name=jsonread.text(author, "name"),
                        thread_id=jsonread.text(conversation, "id"),
                    )
                )
        return Page(items=tuple(items), next_cursor=graph.next_cursor(body))

    def send_message(self, *, recipient_id: str, text: str) -> PublishResult:
        """Answer a person in Messenger / Instagram Direct (the ``author_id`` of a DM), within
        the 24-hour window Meta allows after their last message (else ``Rejected``)."""
        payload: dict[str, Any] = {"recipient": {"id": recipient_id}, "message": {"text": text}}
        payload.update(self.messaging_extra)
        body = self.request("POST", f"/{self.account_id}/messages", json=payload).body
        message_id = graph.id_of(body, "message_id")
        if not message_id:
            raise Unconfirmed("Graph sent the message without an id", network=self.network_name)
        return PublishResult(message_id, "")

    # --- dialect ------------------------------------------------------------------------------

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return graph.regain_access_at(headers, now)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        return graph.classify(status, payload, headers, now, self.network_name)
