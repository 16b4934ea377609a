"""The one way connectors speak HTTP: every outcome becomes JSON or a taxonomy error.

:func:`send` caps the response size, parses JSON defensively (an HTML error page, a truncated
body or a 10 MB answer is an error, never a crash), maps statuses and timeouts to
:mod:`.errors`, retries only what is safe to retry, and logs method, path, status and duration
— never headers, query strings or bodies, which carry tokens.

Retry rules: a request that never left (connection refused) is always retried; an idempotent
request (GET, DELETE...) is retried on :class:`Transient`; a non-idempotent one (publishing) is
never retried here, and a timeout after sending it raises :class:`Unconfirmed`. An address the
guard of :mod:`parvis.core.guarded_http` refuses is :class:`Rejected` at once, in neutral words.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from parvis.core.guarded_http import AddressRefused, ResponseTooLarge, read_capped
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Gateway timeouts: the origin may have done the work; for a publish that is "unconfirmed".
MAYBE_DONE_STATUSES = frozenset({504, 524})
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=1)
# Shown to the user inside Rejected's sentence: neutral whatever the guard found.
ADDRESS_REFUSED_REASON = "adresse refusée ou injoignable"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts (seconds), response cap (bytes) and retries of idempotent calls."""

    timeout: float = 30.0
    connect_timeout: float = 5.0
    max_response_bytes: int = 5 * 1024 * 1024
    retries: int = 2
    backoff_seconds: float = 0.5


DEFAULT_POLICY = HttpPolicy()


@dataclass(frozen=True)
class JsonResponse:
    """A successful answer: status, headers and the parsed JSON (None for an empty body)."""

    status: int
    headers: httpx.Headers
    body: Any

    def object(self) -> dict[str, Any]:
        """The body as a JSON object; raises :class:`Transient` when it is something else."""
        if not isinstance(self.body, dict):
            raise Transient(f"expected a JSON object, got {type(self.body).__name__}")
        return self.body


class Dialect(Protocol):
    """How one network words its errors and its rate limits (a connector implements it)."""

    @property
    def network_name(self) -> str: ...

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None: ...

    def error_reason(self, payload: Any) -> str: ...

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None: ...


class _NotSent(Transient):
    """The connection failed before the request left: always safe to retry."""


def send(
    client: httpx.Client,
    dialect: Dialect,
    method: str,
    url: str,
    *,
    idempotent: bool | None = None,
    policy: HttpPolicy = DEFAULT_POLICY,
    clock: Clock = utc_now,
    sleep: Sleep = time.sleep,
    **request: Any,
) -> JsonResponse:
    """Send one request (with the retries allowed above) and return its parsed answer.

    ``request`` holds httpx keyword arguments (``json``, ``data``, ``files``, ``params``,
    ``headers``, ``content``). Raises only :class:`ConnectorError` subclasses.
    """
    safe = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
    attempts = 1 + policy.retries
    for attempt in range(attempts):
        try:
            return _send_once(client, dialect, method, url, safe, policy, clock, request)
        except _NotSent:
            if attempt == attempts - 1:
                raise
        except Transient:
            if not safe or attempt == attempts - 1:
                raise
        sleep(policy.backoff_seconds * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _send_once(
    client: httpx.Client,
    dialect: Dialect,
    method: str,
    url: str,
    safe: bool,
    policy: HttpPolicy,
    clock: Clock,
    request: Mapping[str, Any],
) -> JsonResponse:
    network = dialect.network_name
    timeout = httpx.Timeout(policy.timeout, connect=policy.connect_timeout)
    started = time.monotonic()
    status: int | None = None
    try:
        with client.stream(method, url, timeout=timeout, **request) as response:
            status = response.status_code
            raw = read_capped(response, policy.max_response_bytes)  # decoded bytes
            headers = response.headers
    except AddressRefused as exc:
        # The guard refused the address before any byte left (parvis.core.guarded_http): the
        # same call will be refused again, and the user learns nothing of what is there.
        _log(method, url, None, started)
        raise Rejected(ADDRESS_REFUSED_REASON, network=network) from exc
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise _NotSent(f"connection failed: {type(exc).__name__}", network=network) from exc
    except httpx.TimeoutException as exc:
        _log(method, url, status, started)
        if safe:
            raise Transient("timed out", network=network, status=status) from exc
        raise Unconfirmed("timed out after sending", network=network, status=status) from exc
    except ResponseTooLarge as exc:
        _log(method, url, status, started)
        raise _unreadable("response too large", network, status, safe) from exc
    except httpx.HTTPError as exc:  # truncated body, reset connection, protocol error
        _log(method, url, status, started)
        if status is not None and status >= 400:
            raise Transient(f"unreadable error answer ({status})", network=network) from exc
        raise _unreadable(f"broken answer: {type(exc).__name__}", network, status, safe) from exc
    _log(method, url, status, started)
    if 200 <= status < 300:
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError as exc:  # HTML or truncated JSON instead of JSON
            raise _unreadable("answer is not JSON", network, status, safe) from exc
        return JsonResponse(status, headers, body)
    raise _error_for(dialect, status, raw, headers, clock(), safe)


def _unreadable(detail: str, network: str, status: int | None, safe: bool) -> ConnectorError:
    if safe:
        return Transient(detail, network=network, status=status)
    # A publish answered 2xx but we cannot read the id: it probably exists. Reconcile.
    return Unconfirmed(detail, network=network, status=status)


def _error_for(
    dialect: Dialect, status: int, raw: bytes, headers: httpx.Headers, now: datetime, safe: bool
) -> ConnectorError:
    network = dialect.network_name
    try:
        payload: Any = json.loads(raw) if raw.strip() else None
    except ValueError:
        payload = None  # an HTML error page: the status code is all we can trust
    specific = dialect.classify_error(status, payload, headers, now)
    if specific is not None:
        return specific
    reason = dialect.error_reason(payload) or f"HTTP {status}"
    if status == 401:
        return AuthExpired(reason, network=network, status=status)
    if status == 429:
        retry_at = dialect.rate_limit_reset(headers, now) or retry_after(headers, now)
        return RateLimited(reason, retry_at=retry_at, network=network, status=status)
    if status in MAYBE_DONE_STATUSES and not safe:
        return Unconfirmed(reason, network=network, status=status)
    if status == 408 or status >= 500:
        return Transient(reason, network=network, status=status)
    return Rejected(reason, network=network, status=status)


def retry_after(headers: httpx.Headers, now: datetime) -> datetime:
    """The standard ``Retry-After`` header (seconds or HTTP date), else one minute."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    if value:
        try:
            parsed: datetime = parsedate_to_datetime(value)
            return parsed.astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return now + DEFAULT_RATE_LIMIT_WAIT


def epoch_header(headers: httpx.Headers, name: str) -> datetime | None:
    """A reset header in epoch seconds (X ``x-rate-limit-reset``, Bluesky ``ratelimit-reset``)."""
    value = headers.get(name, "").strip()
    if not value.isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iso_header(headers: httpx.Headers, name: str) -> datetime | None:
    """A reset header as an ISO 8601 timestamp (Mastodon ``X-RateLimit-Reset``)."""
    value = headers.get(name, "").strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def generic_error_reason(payload: Any) -> str:
    """The human part of the usual error envelopes (problem+json, Meta, Mastodon, Bluesky)."""
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error")
    if isinstance(error, dict):
        message = error.get("error_user_msg") or error.get("message")
        return str(message) if message else ""
    for key in ("detail", "message", "error_description", "error", "title"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or errors[0].get("detail") or "")
    return ""


def _log(method: str, url: str, status: int | None, started: float) -> None:
    path = httpx.URL(url).path  # never the query string: some networks put tokens there
    elapsed_ms = round((time.monotonic() - started) * 1000)
    logger.info("network call %s %s -> %s in %d ms", method, path, status, elapsed_ms)


class PlainDialect:
    """The dialect of calls made before any connector exists (registering Parvis on a server,
    opening a session): the generic error envelope, ``Retry-After`` or an epoch
    ``ratelimit-reset`` for 429. A network whose refusals mean more subclasses it."""

    def __init__(self, network_name: str) -> None:
        self.network_name = network_name

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return epoch_header(headers, "ratelimit-reset") or (
            retry_after(headers, now) if "retry-after" in headers else None
        )

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        return None
