"""The Connector base class: the whole interface the rest of Parvis uses.

Descriptor vs instance: class attributes describe what the calls need of the network (``kind``,
``capabilities``, ``oauth``, ``api_base_url``); an instance is bound to *one* connected account
(its tokens) and one HTTP client. Everything else Parvis knows about the network without an
account (sign-in, webhooks, metric names...) is its provider's (:mod:`parvis.networks.provider`).
Subclasses only map the network's API to our contracts; the base does HTTP (:mod:`.transport`),
token refresh ahead of expiry, one refresh-and-retry on a 401, and validation.

Optional operations raise :class:`NotSupported` unless the subclass implements them; the
capabilities say in advance which ones exist.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from parvis.core.guarded_http import guarded_client
from parvis.core.vocabulary import Network
from parvis.networks import oauth
from parvis.networks.capabilities import Capabilities
from parvis.networks.contracts import (
    AccountInfo,
    AppCredentials,
    Draft,
    InboundItem,
    InboundKind,
    MetricPoint,
    Page,
    PublicPost,
    PublicProfile,
    PublishResult,
    TokenSet,
    ValidationIssue,
)
from parvis.networks.errors import AuthExpired, ConnectorError, NotSupported, Unconfirmed
from parvis.networks.transport import (
    DEFAULT_POLICY,
    Clock,
    HttpPolicy,
    JsonResponse,
    Sleep,
    generic_error_reason,
    retry_after,
    send,
    utc_now,
)
from parvis.networks.validation import validate

TokenListener = Callable[[TokenSet], None]


class Connector(ABC):
    """One network's adapter, bound to one account.

    Thread-safety: an instance is meant for one task at a time (tokens may rotate).
    """

    kind: ClassVar[Network]
    capabilities: ClassVar[Capabilities]
    oauth: ClassVar[oauth.OAuthConfig | None] = None
    api_base_url: ClassVar[str]
    # A reply lookup reads at most this many pages of the network's answers (its largest
    # page each): beyond them it cannot tell, rather than say « absent » and post twice.
    reconcile_reply_pages: ClassVar[int] = 3
    # Whether :meth:`revoke_tokens` asks the network to end the account's access (an
    # organisation's deletion revokes what it can, docs/privacy.md).
    revokes_tokens: ClassVar[bool] = False

    def __init__(
        self,
        *,
        tokens: TokenSet,
        account_id: str = "",
        app: AppCredentials | None = None,
        http: httpx.Client | None = None,
        base_url: str | None = None,
        token_url: str | None = None,
        policy: HttpPolicy = DEFAULT_POLICY,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
        on_tokens_refreshed: TokenListener | None = None,
    ) -> None:
        """``base_url``/``token_url`` override the network's (tests point them at a fake);
        ``on_tokens_refreshed`` is called with every new TokenSet so the caller stores the
        rotated refresh token before anything else can fail. Without ``http``, the connector
        builds a guarded client (:mod:`parvis.core.guarded_http`): Mastodon and Bluesky servers
        are typed by people, and every network's address is checked the same way."""
        self._tokens = tokens
        self.account_id = account_id
        self.app = app
        self._owns_http = http is None
        self.http = http or guarded_client(
            timeout=policy.timeout,
            connect_timeout=policy.connect_timeout,
            max_bytes=policy.max_response_bytes,
        )
        self.base_url = (base_url or self.api_base_url).rstrip("/")
        self.token_url = token_url
        self.policy = policy
        self.clock = clock
        self.sleep = sleep
        self._on_tokens_refreshed = on_tokens_refreshed

    def close(self) -> None:
        """Close the HTTP client if this connector created it."""
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- class-level description --------------------------------------------------------------

    @property
    def network_name(self) -> str:
        return self.kind.value

    @property
    def tokens(self) -> TokenSet:
        return self._tokens

    # --- the interface ------------------------------------------------------------------------

    def validate(self, draft: Draft) -> list[ValidationIssue]:
        """Problems that prevent publishing ``draft`` here (French messages)."""
        return validate(draft, self.capabilities)

    @abstractmethod
    def account_info(self) -> AccountInfo:
        """Who the tokens belong to."""

    @abstractmethod
    def publish(self, draft: Draft) -> PublishResult:
        """Publish (media first, then the post, then the first comment). May raise
        :class:`Unconfirmed`: call :meth:`reconcile` before any retry."""

    @abstractmethod
    def reconcile(self, draft: Draft, *, since: datetime) -> PublishResult | None:
        """Find ``draft`` among the account's posts created after ``since``; None if absent."""

    def delete(self, remote_id: str) -> None:
        raise NotSupported("suppression", network=self.network_name)

    def revoke_tokens(self) -> None:
        """Ask the network to invalidate this account's tokens for good (the person can then
        no longer be reached with them, even from a stolen backup)."""
        raise NotSupported("révocation des jetons", network=self.network_name)

    def reply(self, *, parent_id: str, text: str) -> PublishResult:
        """Answer ``parent_id``. May raise :class:`Unconfirmed`: call :meth:`reconcile_reply`
        before any retry."""
        raise NotSupported("réponse", network=self.network_name)

    def reconcile_reply(
        self, *, parent_id: str, text: str, since: datetime
    ) -> PublishResult | None:
        """Find the account's reply ``text`` to ``parent_id`` created after ``since``; None if
        the lookup shows it is absent (safe to send it now).

        Raises :class:`NotSupported` when this network gives no way to tell (the default): the
        caller must not take that for "absent". Other errors mean the lookup failed this time.
        """
        raise NotSupported("vérification des réponses envoyées", network=self.network_name)

    def reply_lookup_cut_short(self) -> NotSupported:
        """What a reply lookup raises after ``reconcile_reply_pages`` pages without the answer:
        "cannot tell", never "absent"."""
        return NotSupported(
            "vérification d’une réponse parmi autant de messages récents", network=self.network_name
        )

    def read_inbound(
        self, kind: InboundKind, *, cursor: str | None = None, limit: int = 50
    ) -> Page[InboundItem]:
        raise NotSupported(f"lecture des {kind.value}", network=self.network_name)

    def post_metrics(self, remote_ids: Sequence[str]) -> list[MetricPoint]:
        raise NotSupported("statistiques des publications", network=self.network_name)

    def account_metrics(self) -> list[MetricPoint]:
        raise NotSupported("statistiques du compte", network=self.network_name)

    # --- the watch (« Veille »): other accounts' public posts, read with this account's access

    def public_profile(self, handle_or_url: str) -> PublicProfile:
        """Another account, found by its handle or the address of its page; raises
        :class:`~parvis.networks.errors.NotFound` when there is none or it is private."""
        raise NotSupported("lecture d’autres comptes", network=self.network_name)

    def public_posts(
        self, profile_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """An account's latest public posts, newest first."""
        raise NotSupported("lecture des publications d’autres comptes", network=self.network_name)

    def search_posts(
        self, query: str, *, language: str = "", cursor: str | None = None, limit: int = 50
    ) -> Page[PublicPost]:
        """Recent public posts matching ``query`` (words, a "phrase", a #hashtag), newest
        first."""
        raise NotSupported("recherche de publications", network=self.network_name)

    def publish_and_confirm(self, draft: Draft, *, started_at: datetime) -> PublishResult:
        """Publish; after a timeout, look the post up once instead of retrying blindly.

        Raises the original :class:`Unconfirmed` when the lookup finds nothing: the caller
        decides (the post may still appear; retrying now risks a double post).
        """
        try:
            return self.publish(draft)
        except Unconfirmed as unconfirmed:
            try:
                found = self.reconcile(draft, since=started_at)
            except ConnectorError as lookup_failed:
                # Still unknown: keep saying "unconfirmed", never let it look retryable.
                raise unconfirmed from lookup_failed
            if found is None:
                raise
            return found

    # --- tokens -------------------------------------------------------------------------------

    def refresh_tokens(self) -> TokenSet:
        """Refresh now, notify the listener, and return the new tokens."""
        if self.oauth is None or self.app is None:
            raise AuthExpired("cannot refresh: no OAuth app configured", network=self.network_name)
        new = oauth.refresh(
            self.http,
            self.oauth,
            self.app,
            self._tokens,
            token_url=self.token_url or self._default_token_url(),
            clock=self.clock,
            policy=self.policy,
        )
        self._tokens = new
        if self._on_tokens_refreshed is not None:
            self._on_tokens_refreshed(new)
        return new

    def _default_token_url(self) -> str | None:
        return None

    def _ensure_fresh_tokens(self) -> None:
        if self.oauth is None or self.app is None:
            return
        if oauth.needs_refresh(self._tokens, now=self.clock(), margin=self.oauth.refresh_margin):
            self.refresh_tokens()

    # --- HTTP for subclasses ------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._tokens.access_token}"}

    def request(
        self, method: str, path: str, *, idempotent: bool | None = None, **kwargs: Any
    ) -> JsonResponse:
        """Call ``base_url + path`` with the account's token (refreshed ahead of expiry; on a
        401, refreshed once and retried: a 401 means the request was not executed)."""
        self._ensure_fresh_tokens()
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        extra_headers = kwargs.pop("headers", None) or {}
        for attempt in (1, 2):
            headers = {**extra_headers, **self.auth_headers()}
            try:
                return send(
                    self.http,
                    self,
                    method,
                    url,
                    idempotent=idempotent,
                    policy=self.policy,
                    clock=self.clock,
                    sleep=self.sleep,
                    headers=headers,
                    **kwargs,
                )
            except AuthExpired:
                can_refresh = self.oauth is not None and self._tokens.refresh_token is not None
                if attempt == 2 or not can_refresh:
                    raise
                self.refresh_tokens()
        raise AssertionError("unreachable")  # pragma: no cover

    # --- dialect hooks (see transport.Dialect); override per network ---------------------------

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return retry_after(headers, now) if "retry-after" in headers else None

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        return None
