"""Mastodon connector: maps the Mastodon client API to Parvis' contracts (``docs/connectors.md``).

Per instance: the base URL is the account's server, and the limits come from that server's
``/api/v2/instance`` (:meth:`MastodonConnector.use_instance`). Tokens do not expire and there is
no refresh flow, hence ``oauth = None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from parvis.core.vocabulary import Network
from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.capabilities import Capabilities
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
    ValidationIssue,
)
from parvis.networks.errors import (
    ConnectorError,
    NotSupported,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.mastodon import client as api
from parvis.networks.mastodon import watch
from parvis.networks.mastodon.limits import CAPABILITIES as LIMITS
from parvis.networks.mastodon.limits import mastodon_capabilities
from parvis.networks.mastodon.media import upload_media
from parvis.networks.transport import epoch_header, iso_header, send
from parvis.networks.validation import effective_text, validate

_REMOTE_MENTION = re.compile(r"(@[\w.-]+)@[\w.-]+\w")
# The ``@acct`` that ``reply`` may put first: compared without it, whoever wrote it.
_LEADING_MENTIONS = re.compile(r"^\s*(?:@[\w.-]+(?:@[\w.-]+\w)?\s+)+")


class MastodonConnector(Connector):
    kind = Network.MASTODON
    capabilities = LIMITS
    api_base_url = "https://mastodon.social"  # every account brings its own server
    media_max_polls: ClassVar[int] = 60
    media_poll_seconds: ClassVar[float] = 1.0
    ids_per_call: ClassVar[int] = 20  # GET /api/v1/statuses?id[]= accepts 20 ids
    reconcile_reply_pages: ClassVar[int] = 5  # of 40 statuses each
    # /oauth/revoke is signed by Parvis' app on the account's server (MastodonInstanceApp),
    # which connect.build_connector passes as ``app``.
    revokes_tokens: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.limits: Capabilities = self.capabilities

    # --- the instance's limits ----------------------------------------------------------------

    def use_instance(self, instance: Mapping[str, Any]) -> Capabilities:
        """Validate with the limits of this ``/api/v2/instance`` document from now on."""
        self.limits = mastodon_capabilities(instance)
        return self.limits

    def fetch_instance(self) -> Capabilities:
        """Read the server's limits (characters, media count and sizes, alt text) and use them."""
        return self.use_instance(api.obj(self.request("GET", api.INSTANCE).body, "instance"))

    def validate(self, draft: Draft) -> list[ValidationIssue]:
        return validate(draft, self.limits)

    def revoke_tokens(self) -> None:
        """``POST /oauth/revoke`` with the access token and Parvis' app on this server
        (``app``: its ``client_id`` and ``client_secret``); Mastodon has no refresh token."""
        if self.app is None:
            raise NotSupported(
                "révocation des jetons sans l’application Parvis de ce serveur", network="mastodon"
            )
        form = {
            "client_id": self.app.client_id,
            "client_secret": self.app.client_secret,
            "token": self._tokens.access_token,
        }
        send(
            self.http,
            self,
            "POST",
            self.base_url + api.REVOKE,
            idempotent=True,  # Mastodon: calling it again still answers OK
            policy=self.policy,
            clock=self.clock,
            sleep=self.sleep,
            data=form,
        )

    def account_info(self) -> AccountInfo:
        account = api.obj(self.request("GET", api.VERIFY_CREDENTIALS).body, "account")
        username = jsonread.text_or_number(account, "username")
        if not username:
            raise Transient("Mastodon answered without a username", network="mastodon")
        return AccountInfo(
            remote_id=api.required_id(account),
            handle=f"@{username}@{httpx.URL(self.base_url).host}",
            display_name=jsonread.text_or_number(account, "display_name"),
            url=jsonread.text_or_number(account, "url"),
            avatar_url=jsonread.text_or_number(account, "avatar"),
        )

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        """Media, then the status with ``Idempotency-Key`` (Mastodon keeps it one hour and
        answers a repeated request with the same status), then the first comment."""
        payload: dict[str, Any] = {
            "status": effective_text(draft, self.limits),
            "visibility": "public",
        }
        if draft.media:
            payload["media_ids"] = [self._upload(item) for item in draft.media]
        result = self._create(payload, draft.idempotency_key)
        if not draft.first_comment:
            return result
        comment = {"status": draft.first_comment, "in_reply_to_id": result.remote_id}
        try:  # the post is live: a failed comment must not make the caller publish again
            answer = self._create(comment, f"{draft.idempotency_key}:first-comment")
        except ConnectorError as exc:
            return PublishResult(result.remote_id, result.url, first_comment_error=repr(exc))
        return PublishResult(result.remote_id, result.url, first_comment_id=answer.remote_id)

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Answer a status. Mastodon notifies only the accounts a status mentions (its web
        client writes the ``@acct`` for you; the API does not): the answer starts with the
        parent's author unless the text already names them."""
        parent = api.obj(self.request("GET", api.STATUS.format(id=parent_id)).body)
        author = api.obj(parent.get("account"), "account")
        acct = jsonread.text_or_number(author, "acct")
        if (
            acct
            and jsonread.text_or_number(author, "id") != self.account_id
            and f"@{acct}".lower() not in (text.lower())
        ):
            text = f"@{acct} {text}"
        return self._create({"status": text, "in_reply_to_id": parent_id}, None)

    def delete(self, remote_id: str) -> None:
        try:
            self.request("DELETE", api.STATUS.format(id=remote_id))
        except Rejected as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """Look for the draft's text among the account's statuses created since ``since``."""
        wanted = _comparable(effective_text(draft, self.limits))
        params = {"limit": 40, "exclude_reblogs": "true"}
        account_id = self.account_id or self.account_info().remote_id
        path = api.ACCOUNT_STATUSES.format(id=account_id)
        for status in api.objects(self.request("GET", path, params=params).body):
            if jsonread.parse_time(status.get("created_at")) < since:
                continue
            if _comparable(api.plain_text(jsonread.text_or_number(status, "content"))) == wanted:
                return PublishResult(
                    api.required_id(status), jsonread.text_or_number(status, "url"), reconciled=True
                )
        return None

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """Our status answering ``parent_id`` with this text, among the account's statuses
        created since ``since`` (newest first, paged with ``max_id``). Beyond
        ``reconcile_reply_pages`` pages the answer is "cannot tell", never "absent"."""
        wanted = _comparable(_LEADING_MENTIONS.sub("", text))
        account_id = self.account_id or self.account_info().remote_id
        path = api.ACCOUNT_STATUSES.format(id=account_id)
        params: dict[str, Any] = {"limit": 40, "exclude_reblogs": "true"}
        for _page in range(self.reconcile_reply_pages):
            answer = self.request("GET", path, params=params)
            for status in api.objects(answer.body):
                if jsonread.parse_time(status.get("created_at")) < since:
                    return None  # newest first: everything further is older still
                content = api.plain_text(jsonread.text_or_number(status, "content"))
                if jsonread.text_or_number(status, "in_reply_to_id") == parent_id and (
                    _comparable(_LEADING_MENTIONS.sub("", content)) == wanted
                ):
                    return PublishResult(
                        api.required_id(status),
                        jsonread.text_or_number(status, "url"),
                        reconciled=True,
                    )
            next_max_id = api.next_max_id(answer.headers)
            if next_max_id is None:
                return None
            params["max_id"] = next_max_id
        raise self.reply_lookup_cut_short()

    def _create(self, payload: dict[str, Any], idempotency_key: str | None) -> PublishResult:
        headers = (
            {"Idempotency-Key": api.idempotency_header(idempotency_key)} if idempotency_key else {}
        )
        body = self.request("POST", api.STATUSES, json=payload, headers=headers).body
        try:
            status = api.obj(body, "status")
            return PublishResult(api.required_id(status), jsonread.text_or_number(status, "url"))
        except Transient as exc:  # 2xx without a readable id: the status probably exists
            raise Unconfirmed(str(exc), network="mastodon") from exc

    def _upload(self, media: MediaFile) -> str:
        return upload_media(
            self, media, max_polls=self.media_max_polls, wait=self.media_poll_seconds
        )

    # --- reading ------------------------------------------------------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 40
    ) -> Page[InboundItem]:
        """MENTION and COMMENT read the ``mention`` notifications (a reply to one of our
        statuses comes back as COMMENT, a direct message as DM); DM reads the conversations."""
        params: dict[str, Any] = {"limit": min(max(limit, 1), 40)}
        if cursor:
            params["max_id"] = cursor
        if kind is InboundKind.DM:
            answer = self.request("GET", api.CONVERSATIONS, params=params)
            conversations = api.objects(answer.body)
            statuses = [
                c["last_status"] for c in conversations if isinstance(c.get("last_status"), dict)
            ]
            items = [self._inbound(s) for s in statuses if not self._own(s)]
        else:
            params["types[]"] = "mention"
            answer = self.request("GET", api.NOTIFICATIONS, params=params)
            notes = api.objects(answer.body)
            items = [self._inbound(api.obj(n.get("status"), "status")) for n in notes]
        return Page(items=tuple(items), next_cursor=api.next_max_id(answer.headers))

    def post_comments(self, remote_id: str) -> list[InboundItem]:
        """Every answer below one of our statuses (the whole thread, not only direct replies)."""
        context = api.obj(self.request("GET", api.STATUS_CONTEXT.format(id=remote_id)).body)
        replies = api.objects(context.get("descendants"))
        return [self._inbound(status) for status in replies if not self._own(status)]

    def _own(self, status: dict[str, Any]) -> bool:
        account = status.get("account")
        return (
            isinstance(account, dict) and jsonread.text_or_number(account, "id") == self.account_id
        )

    def _inbound(self, status: dict[str, Any]) -> InboundItem:
        account = status.get("account")
        author = account if isinstance(account, dict) else {}
        if jsonread.text_or_number(status, "visibility") == "direct":
            kind = InboundKind.DM
        elif jsonread.text_or_number(status, "in_reply_to_account_id") == self.account_id:
            kind = InboundKind.COMMENT
        else:
            kind = InboundKind.MENTION
        return InboundItem(
            kind=kind,
            remote_id=api.required_id(status),
            text=api.plain_text(jsonread.text_or_number(status, "content")),
            created_at=jsonread.parse_time(status.get("created_at")),
            author_id=jsonread.text_or_number(author, "id"),
            author_handle=jsonread.text_or_number(author, "acct"),
            author_name=jsonread.text_or_number(author, "display_name"),
            parent_id=jsonread.text_or_number(status, "in_reply_to_id"),
            url=jsonread.text_or_number(status, "url"),
        )

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        now = self.clock()
        points: list[MetricPoint] = []
        for start in range(0, len(remote_ids), self.ids_per_call):
            params = {"id[]": list(remote_ids[start : start + self.ids_per_call])}
            for status in api.objects(self.request("GET", api.STATUSES_BY_ID, params=params).body):
                status_id = api.required_id(status)
                for name, value in api.counters(status, api.STATUS_METRICS).items():
                    points.append(MetricPoint(status_id, name, value, now))
        return points

    def account_metrics(self) -> list[MetricPoint]:
        account = api.obj(self.request("GET", api.VERIFY_CREDENTIALS).body, "account")
        account_id, now = api.required_id(account), self.clock()
        found = api.counters(account, api.ACCOUNT_METRICS)
        return [MetricPoint(account_id, name, value, now) for name, value in found.items()]

    # --- the watch (parvis.networks.mastodon.watch): what our server knows of others ---------

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """``accounts/lookup`` (or ``accounts/:id``; ``search?resolve=true`` for a stranger)."""
        return watch.public_profile(self, handle_or_url)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """``accounts/:id/statuses`` without replies nor boosts, public ones only."""
        return watch.public_posts(self, profile_id, cursor=cursor, limit=limit)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """A ``#tag``: its timeline; words: ``/api/v2/search`` (what this server indexed)."""
        return watch.search_posts(self, query, language=language, cursor=cursor, limit=limit)

    # --- dialect ------------------------------------------------------------------------------

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        # Mastodon's reset is an ISO 8601 timestamp; some compatible servers (and mastodon-mock)
        # send epoch seconds instead.
        name = "x-ratelimit-reset"
        return epoch_header(headers, name) or iso_header(headers, name)


def _comparable(text: str) -> str:
    """Mastodon shows a remote mention as ``@user`` and rewraps lines: compare without those."""
    return " ".join(_REMOTE_MENTION.sub(r"\1", text).split())
