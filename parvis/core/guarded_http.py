"""The one HTTP client for every server-side fetch of an address a person typed.

A language-model endpoint, a Mastodon instance, a Bluesky server, and what comes next (feeds,
outgoing webhooks, CRMs) are addresses chosen by a user and fetched by the server. Unguarded, a
manager could make Parvis call its own machine or network (the database, Redis, the cloud
metadata service at 169.254.169.254) and read the answer back. :func:`guarded_client` returns an
``httpx.Client`` that:

* speaks http and https only, and never goes through a proxy named by the environment (a proxy
  resolves the name itself, out of the guard's sight);
* resolves the host at each new connection and refuses it when ANY of its addresses is loopback,
  private, link-local, multicast, unspecified, reserved, shared (CGNAT 100.64/10) or otherwise
  not global, IPv4 and IPv6 alike; an IPv4 address carried in IPv6 (``::ffff:127.0.0.1``, 6to4,
  NAT64) is judged as that IPv4 address;
* connects to the very address it checked, never resolving the name a second time (no DNS
  rebinding window), while the Host header, the TLS SNI and the certificate check keep the name
  of the URL (httpcore starts TLS with the URL's host, whatever address the socket reached);
* follows redirects only when asked (``follow_redirects=True``, at most ``max_redirects``), and
  every hop is checked again: a redirect opens its connection through the same guard;
* asks for uncompressed answers (``Accept-Encoding: identity``) and stops reading one past
  ``max_bytes`` (:class:`ResponseTooLarge`), counted on the wire and again once decoded (a
  server that compresses anyway cannot inflate 5 MB into gigabytes);
* bounds a whole request with ``deadline``: connecting, sending, waiting for the status line and
  the headers, reading the body. Every socket operation waits at most what is left of it, on top
  of httpx's per-operation timeouts (a server dripping one byte under each timeout cannot hold a
  web thread for hours);
* raises :class:`AddressRefused` (an ``httpx.ConnectError``) whose text is neutral on purpose:
  the user learns nothing of what answered; the log line says which host and which class of
  address, never a path, a query string or a header.

The operator may allow ranges for on-premises services: ``settings.HTTP_ALLOW_PRIVATE``
(environment ``PARVIS_HTTP_ALLOW_PRIVATE``, a comma-separated CIDR list, empty in every mode).
An address inside an allowed range is accepted whatever its class. The setting is read at each
connection, so clients already built follow a change.

:func:`check_url` is the same check for forms and services, when an address is saved.
Resolution itself is bounded by the system resolver's own timeouts, not by ``connect_timeout``.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_TIMEOUT = 10.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 3
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=5)
# What the user may be told, whatever happened: refused scheme, refused address, unknown name.
NEUTRAL_REASON = "address refused or unreachable"
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# The monotonic instant the request being sent or read in this thread must end by (None: no
# deadline). Set around the transport's work only: the pool picks and reuses connections, so
# the deadline belongs to the request, not to a socket.
_DEADLINE: ContextVar[float | None] = ContextVar("guarded_http_deadline", default=None)


class AddressRefused(httpx.ConnectError):
    """The scheme or an address of the host is not allowed (or the name does not resolve, when
    :func:`check_url` is asked). ``str()`` is always :data:`NEUTRAL_REASON`."""

    def __init__(self, *, request: httpx.Request | None = None) -> None:
        super().__init__(NEUTRAL_REASON, request=request)


class ResponseTooLarge(httpx.TransportError):
    """The answer is longer than the client's ``max_bytes``; reading stopped there."""


# --- the check ----------------------------------------------------------------------------------


def allowed_private_ranges() -> tuple[IPNetwork, ...]:
    """The ranges ``settings.HTTP_ALLOW_PRIVATE`` allows (none when Django is not configured)."""
    if not settings.configured:
        return ()
    return parse_ranges(tuple(getattr(settings, "HTTP_ALLOW_PRIVATE", ())))


@functools.lru_cache(maxsize=16)
def parse_ranges(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """``("10.0.0.0/8", "::1")`` → networks; raises ValueError naming a malformed entry."""
    ranges: list[IPNetwork] = []
    for value in values:
        try:
            ranges.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP range (CIDR): {value!r}") from None
    return tuple(ranges)


def refusal_reason(address: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """None when a fetch may reach ``address``; else the class that refuses it (for logs)."""
    if any(address.version == net.version and address in net for net in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal_reason(embedded, allowed)
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # 100.64.0.0/10 (CGNAT) is neither private nor global
        return "not-global"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order (an IP literal is itself).

    Module-level so tests can point a public-looking name at a local address."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _vetted(host: str, port: int, allowed: Sequence[IPNetwork]) -> list[IPAddress]:
    """The addresses of ``host``, all allowed; raises AddressRefused when one is not, and
    OSError when the name does not resolve."""
    addresses = resolve(host, port)
    if not addresses:
        raise OSError(f"no address for {host}")
    for address in addresses:
        reason = refusal_reason(address, allowed)
        if reason is not None:
            # The operator needs the why; the user gets the neutral sentence only.
            logger.warning("outbound address refused: host=%s class=%s", host, reason)
            raise AddressRefused
    return addresses


def check_url(
    url: str | httpx.URL,
    *,
    require_https: bool = False,
    allow_private: Sequence[str] | None = None,
) -> httpx.URL:
    """The parsed ``url`` when a guarded client may fetch it now; raises AddressRefused when the
    scheme is not http(s), the host is missing or unknown, or one of its addresses is refused.

    ``require_https`` refuses plain http, except for a host whose addresses are all inside an
    allowed private range (an on-premises service without TLS). The client checks again at
    each connection: this check at saving time is for a clear error, not the protection.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise AddressRefused from None
    if parsed.scheme not in ALLOWED_SCHEMES or not parsed.host:
        raise AddressRefused
    allowed = _ranges(allow_private)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = _vetted(parsed.host, port, allowed)
    except (OSError, UnicodeError):
        logger.info("outbound address unknown: host=%s", parsed.host)
        raise AddressRefused from None
    public = any(refusal_reason(address) is None for address in addresses)
    if require_https and parsed.scheme != "https" and public:
        logger.warning("outbound address refused: host=%s class=plain-http", parsed.host)
        raise AddressRefused
    return parsed


def _ranges(allow_private: Sequence[str] | None) -> tuple[IPNetwork, ...]:
    return _ranges_reader(allow_private)()


def _ranges_reader(allow_private: Sequence[str] | None) -> Callable[[], tuple[IPNetwork, ...]]:
    """The operator's setting, read when called; or the caller's own ranges, parsed now."""
    if allow_private is None:
        return allowed_private_ranges
    fixed = parse_ranges(tuple(allow_private))
    return lambda: fixed


# --- the client ---------------------------------------------------------------------------------


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves, checks, then opens the socket to the checked address itself."""

    def __init__(self, allowed: Callable[[], tuple[IPNetwork, ...]]) -> None:
        self._allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = _vetted(host, port, self._allowed())
        except (OSError, UnicodeError) as exc:  # unknown name: a connection failure like others
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        options = list(socket_options or [])
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                # An IP literal: the parent's create_connection does no second resolution.
                stream = super().connect_tcp(
                    str(address),
                    port,
                    _bounded(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options=options,
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


def _bounded(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` shortened to what is left of the current request's deadline; raises
    ``expired`` once it has passed (httpx turns it into its own ReadTimeout, WriteTimeout...)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait is cut at the deadline of the request using it."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _CappedStream(httpx.SyncByteStream):
    """The response body as it comes off the wire, cut at ``max_bytes`` and at the request's
    ``deadline`` (each read of the connection waits at most what is left of it)."""

    def __init__(
        self,
        inner: httpx.SyncByteStream,
        request: httpx.Request,
        max_bytes: int,
        deadline: float | None,
    ) -> None:
        self._inner, self._request = inner, request
        self._max_bytes, self._deadline = max_bytes, deadline

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        chunks = iter(self._inner)
        while True:
            # The deadline is set around each read only, never across a yield: the caller's
            # code between two chunks runs outside it.
            token = _DEADLINE.set(self._deadline)
            try:
                chunk = next(chunks, None)
            finally:
                _DEADLINE.reset(token)
            if chunk is None:
                return
            seen += len(chunk)
            if seen > self._max_bytes:
                raise ResponseTooLarge(
                    f"answer longer than {self._max_bytes} bytes", request=self._request
                )
            if self._deadline is not None and time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("answer too slow", request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _CappedResponse(httpx.Response):
    """An answer whose decoded body is capped too: ``read()``, ``json()``, ``text`` and the
    ``iter_*`` methods all go through :meth:`iter_bytes` (a gzip answer is small on the wire)."""

    max_decoded_bytes = DEFAULT_MAX_BYTES

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        seen = 0
        for chunk in super().iter_bytes(chunk_size):
            seen += len(chunk)
            if seen > self.max_decoded_bytes:
                raise ResponseTooLarge(
                    f"answer longer than {self.max_decoded_bytes} bytes", request=self.request
                )
            yield chunk


def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed ``response``, or :class:`ResponseTooLarge` past ``limit``
    bytes (declared or counted once decoded). The one capped read for callers that may be handed
    any httpx client (tests, connectors): a guarded client also caps on its own."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(f"answer longer than {limit} bytes", request=response.request)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise ResponseTooLarge(f"answer longer than {limit} bytes", request=response.request)
        chunks.append(chunk)
    return b"".join(chunks)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded network backend, the scheme check and the caps."""

    def __init__(
        self,
        *,
        allow_private: Sequence[str] | None,
        max_bytes: int,
        deadline: float | None,
        verify: ssl.SSLContext | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
    ) -> None:
        context = verify or _default_ssl_context()
        super().__init__(verify=context, trust_env=False, limits=limits)
        backend = _GuardedBackend(_ranges_reader(allow_private))
        # The same pool httpx builds, with the one backend that decides where sockets go.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
        self._max_bytes, self._deadline = max_bytes, deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ALLOWED_SCHEMES:
            logger.warning("outbound scheme refused: %s", request.url.scheme)
            raise AddressRefused(request=request)
        deadline = None if self._deadline is None else time.monotonic() + self._deadline
        token = _DEADLINE.set(deadline)  # connecting, sending, status line and headers
        try:
            response = super().handle_request(request)
        except AddressRefused as exc:  # raised by the backend, which never sees the request
            exc.request = request
            raise
        finally:
            _DEADLINE.reset(token)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            response.close()
            raise ResponseTooLarge(f"answer longer than {self._max_bytes} bytes", request=request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        capped = _CappedResponse(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, request, self._max_bytes, deadline),
            extensions=response.extensions,
        )
        capped.max_decoded_bytes = self._max_bytes
        return capped


class _GuardedClient(httpx.Client):
    """Marks a client built by :func:`guarded_client` (see :func:`is_guarded`)."""


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    # Built once: loading the CA bundle costs more than a request. SSL_CERT_FILE/SSL_CERT_DIR
    # are honoured (an on-premises service signed by the company's own authority).
    return httpx.create_ssl_context(trust_env=True)


def guarded_client(
    *,
    timeout: float = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float | None = None,
    follow_redirects: bool = False,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    allow_private: Sequence[str] | None = None,
    verify: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` for addresses people typed (see the module docstring).

    ``timeout`` is httpx's per-operation limit (read, write, pool) and ``connect_timeout`` the
    connection's; ``deadline`` (seconds, None for none) bounds a whole request, from connecting
    to the answer's last byte (each redirect hop has its own); ``max_bytes`` bounds an answer's
    body, raw and decoded. ``allow_private`` replaces the operator's ranges (None:
    ``settings.HTTP_ALLOW_PRIVATE``, read at each connection); ``verify`` is the TLS context
    (None: the system's authorities); ``headers`` are added to ``Accept-Encoding: identity``
    (which a caller may override: the decoded cap still holds). Close it after use.
    """
    transport = GuardedTransport(
        allow_private=allow_private, max_bytes=max_bytes, deadline=deadline, verify=verify
    )
    return _GuardedClient(
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        trust_env=False,
        # Uncompressed answers: the size counted on the wire is the size the caller reads.
        headers={"Accept-Encoding": "identity", **(headers or {})},
    )


def is_guarded(client: httpx.Client) -> bool:
    """Whether ``client`` was built by :func:`guarded_client`."""
    return isinstance(client, _GuardedClient)
