"""LinkedIn connector for organisation pages (``urn:li:organization:*`` as author).

Maps the versioned REST API (Posts, Images, Videos, Comments, statistics) to Parvis'
contracts; see ``docs/connectors.md``. ``account_id`` is the organisation id (or its URN).
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
    TokenSet,
)
from parvis.networks.errors import (
    ConnectorError,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.linkedin import client as api
from parvis.networks.linkedin import reading
from parvis.networks.linkedin.limits import CAPABILITIES as LIMITS
from parvis.networks.linkedin.media import post_content
from parvis.networks.oauth import OAuthConfig
from parvis.networks.text import comparable, linkedin_escape
from parvis.networks.transport import retry_after
from parvis.networks.validation import effective_text

# The watch: no LinkedIn API returns another organisation's posts, comments or statistics
# (only its name, logo and website; wave2-apis §1.7). Said to the person, with what works.
WATCH_REFUSAL = (
    "LinkedIn ne permet pas de lire les pages d’autres entreprises\u202f: "
    "ajoutez plutôt le flux de leur site"
)


class LinkedInConnector(Connector):
    kind = Network.LINKEDIN
    capabilities = LIMITS
    api_base_url = api.API_BASE_URL
    oauth = OAuthConfig(
        authorize_url=api.AUTHORIZE_URL,
        token_url=api.TOKEN_URL,
        scopes=api.SCOPES,
        pkce=False,  # LinkedIn's PKCE is for native apps; web apps send the secret
        client_auth="body",
        refresh_margin=timedelta(days=7),  # access tokens live 60 days
    )
    # LinkedIn's documentation describes no token revocation (only /oauth/v2/introspectToken,
    # which can report a token as revoked): nothing documented to call.
    revokes_tokens: ClassVar[bool] = False
    api_version: ClassVar[str] = api.API_VERSION
    media_max_polls: ClassVar[int] = 30
    reconcile_window: ClassVar[int] = 20  # recent posts looked at after a timeout
    # A 429 without "DAY" in its message is a burst limit: try again a little later.
    burst_wait: ClassVar[timedelta] = timedelta(minutes=5)

    @property
    def org(self) -> str:
        return api.org_urn(self.account_id)

    def _default_token_url(self) -> str:
        if self.base_url == api.API_BASE_URL:
            return api.TOKEN_URL
        return self.base_url + api.TOKEN_PATH

    def auth_headers(self) -> dict[str, str]:
        return {
            **super().auth_headers(),
            "LinkedIn-Version": self.api_version,
            "X-Restli-Protocol-Version": api.RESTLI_PROTOCOL,
        }

    def account_info(self) -> AccountInfo:
        """The organisation page; right after the OAuth callback (no ``account_id`` yet), the
        first page the member administers (``organizationAcls``)."""
        if not self.account_id:
            self.account_id = self._administered_organization()
        org_id = self.org.rpartition(":")[2]
        body = self.request("GET", api.ORGANIZATION.format(id=org_id)).object()
        if "id" not in body:
            raise Transient("organization answered without an id", network="linkedin")
        vanity = jsonread.text(body, "vanityName")
        return AccountInfo(
            remote_id=str(body["id"]),
            handle=vanity or str(body["id"]),
            display_name=jsonread.text(body, "localizedName"),
            url=f"https://www.linkedin.com/company/{vanity or body['id']}/",
        )

    def _administered_organization(self) -> str:
        path = api.ORGANIZATION_ACLS + api.query(
            q="roleAssignee", role="ADMINISTRATOR", state="APPROVED"
        )
        for acl in api.elements(self.request("GET", path).body):
            organization = jsonread.text(acl, "organization")
            if organization.startswith("urn:li:organization:"):
                return organization.rpartition(":")[2]
        raise Rejected("ce compte n’administre aucune page LinkedIn", network="linkedin")

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, draft: Draft) -> PublishResult:
        payload: dict[str, Any] = {
            "author": self.org,
            "commentary": linkedin_escape(effective_text(draft, self.capabilities)),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = post_content(self, draft, owner=self.org, max_polls=self.media_max_polls)
        if content:
            payload["content"] = content
        answer = self.request("POST", api.POSTS, json=payload)
        urn = answer.headers.get("x-restli-id", "")
        if not urn:  # 201 without the id header: the post probably exists
            raise Unconfirmed("LinkedIn confirmed the post without x-restli-id", network="linkedin")
        result = PublishResult(urn, post_url(urn))
        if not draft.first_comment:
            return result
        try:  # the post is live: a failed comment must not make the caller publish again
            comment = self.reply(parent_id=urn, text=draft.first_comment)
        except ConnectorError as exc:
            return PublishResult(urn, result.url, first_comment_error=repr(exc))
        return PublishResult(urn, result.url, first_comment_id=comment.remote_id)

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Comment on a post (``urn:li:share:*``/``ugcPost``) or answer a comment."""
        body: dict[str, Any] = {"actor": self.org, "message": {"text": text}}
        parts = api.comment_parts(parent_id)
        target = parts[0] if parts else parent_id
        body["object"] = target
        if parts:
            body["parentComment"] = parent_id
        answer = self.request("POST", api.COMMENTS.format(urn=api.encode(target)), json=body)
        created = answer.body if isinstance(answer.body, dict) else {}
        urn = jsonread.text(created, "$URN") or answer.headers.get("x-restli-id", "")
        if not urn.startswith("urn:li:comment:"):
            raise Unconfirmed("LinkedIn confirmed the comment without its URN", network="linkedin")
        return PublishResult(urn, post_url(target))

    def delete(self, remote_id: str) -> None:
        parts = api.comment_parts(remote_id)
        if parts:
            target, comment_id = parts
            path = api.COMMENT.format(urn=api.encode(target), comment_id=comment_id)
            path += api.query(actor=api.encode(self.org))
        else:
            path = api.POST.format(urn=api.encode(remote_id))
        try:
            self.request("DELETE", path)
        except Rejected as exc:
            if exc.status not in (404, 410):  # already gone is what we wanted
                raise

    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        wanted = comparable(linkedin_escape(effective_text(draft, self.capabilities)))
        for post in self._recent_posts(self.reconcile_window):
            created = jsonread.epoch_millis(jsonread.nested(post, "createdAt"))
            if created >= since and comparable(jsonread.text(post, "commentary")) == wanted:
                urn = jsonread.text(post, "id")
                return PublishResult(urn, post_url(urn), reconciled=True)
        return None

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """The organisation's answer with these words: among a post's comments, or among a
        comment's replies (``socialActions/{comment urn}/comments``). Beyond
        ``reconcile_reply_pages`` pages the answer is "cannot tell", never "absent"."""
        parts = api.comment_parts(parent_id)
        answered = parent_id if parts else ""  # the parentComment our answer carries
        url = post_url(parts[0] if parts else parent_id)
        path, start, count = api.COMMENTS.format(urn=api.encode(parent_id)), 0, 100
        wanted = comparable(text)
        for _page in range(self.reconcile_reply_pages):
            body = self.request("GET", path + api.query(start=start, count=count)).body
            for comment in api.elements(body):
                if (
                    jsonread.text(comment, "actor") == self.org
                    and jsonread.text(comment, "parentComment") == answered
                    and jsonread.epoch_millis(jsonread.nested(comment, "created", "time")) >= since
                    and comparable(jsonread.text(comment, "message", "text")) == wanted
                ):
                    urn = jsonread.text(comment, "commentUrn") or jsonread.text(comment, "$URN")
                    return PublishResult(urn, url, reconciled=True)
            following = api.next_start(body, start, count)
            if following is None:
                return None
            start = following
        raise self.reply_lookup_cut_short()

    def _recent_posts(self, count: int) -> list[dict[str, Any]]:
        path = api.POSTS + api.query(
            q="author", author=api.encode(self.org), count=count, sortBy="LAST_MODIFIED"
        )
        return api.elements(self.request("GET", path).body)

    # --- reading and metrics: parvis/networks/linkedin/reading.py -------------------------------

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        return reading.read_inbound(self, kind, cursor=cursor, limit=limit)

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        return reading.post_metrics(self, list(remote_ids))

    def account_metrics(self) -> list[MetricPoint]:
        return reading.account_metrics(self)

    # --- dialect ------------------------------------------------------------------------------

    def error_reason(self, payload: Any) -> str:
        if isinstance(payload, dict) and isinstance(payload.get("message"), str):
            return str(payload["message"])
        return super().error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        if status in (400, 403, 409, 422, 426) and isinstance(payload, dict):
            # 403 ACCESS_DENIED (role/scope), 422 validation or duplicate, 426 sunset version
            code = payload.get("code") or payload.get("serviceErrorCode") or ""
            reason = self.error_reason(payload) or f"HTTP {status}"
            return Rejected(reason, network="linkedin", status=status, remote_code=str(code))
        if status != 429:
            return None  # 401 AuthExpired, 5xx Transient: the defaults
        # LinkedIn sends no reset header: a daily quota resets at midnight UTC.
        reason = self.error_reason(payload) or "HTTP 429"
        if "retry-after" in headers:
            retry_at = retry_after(headers, now)
        elif "DAY" in reason.upper():
            retry_at = api.next_utc_midnight(now)
        else:
            retry_at = now + self.burst_wait
        return RateLimited(reason, retry_at=retry_at, network="linkedin", status=status)

    # --- the watch: nothing to read of other organisations (see WATCH_REFUSAL) ----------------

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        raise NotSupported(WATCH_REFUSAL, network="linkedin")

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        raise NotSupported(WATCH_REFUSAL, network="linkedin")

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        raise NotSupported(WATCH_REFUSAL, network="linkedin")


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def reconnect_due_at(tokens: TokenSet, *, consented_at: datetime) -> datetime | None:
    """When the page admin must consent again: the refresh token's fixed 365-day end when
    there is one (refreshing does not extend it), else the 60-day access token's expiry."""
    if tokens.refresh_token:
        return consented_at + api.REFRESH_TOKEN_LIFETIME
    return tokens.expires_at or consented_at + api.ACCESS_TOKEN_LIFETIME
