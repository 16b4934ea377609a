"""A fault-injecting HTTP reverse proxy on 127.0.0.1, in front of any peer.

Tests program it to make the next requests fail the way real networks fail: 429 with the
network's own rate-limit headers and body, 5xx, HTML instead of JSON, truncated or huge bodies,
a hang past the client's timeout (before or *after* the upstream did the work), or latency::

    with FaultProxy(fake.url) as proxy:
        proxy.inject(Fault.rate_limited("x", reset_in=60), method="POST", path="/2/tweets")
        connector = XConnector(..., base_url=proxy.url)

Standard library only (``http.server`` threads, ``http.client`` upstream).
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Fault:
    """What to do instead of (or around) forwarding one request."""

    kind: str  # respond | hang | hang_after_forward | truncate | latency
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    seconds: float = 0.0

    # --- the faults networks actually produce -----------------------------------------------

    @staticmethod
    def rate_limited(network: str, *, reset_in: int = 60, now: datetime | None = None) -> Fault:
        """429 (or Meta's 400 with a throttling code) with the network's own headers."""
        now = now or datetime.now(UTC)
        headers: tuple[tuple[str, str], ...]
        reset = now + timedelta(seconds=reset_in)
        epoch = str(int(reset.timestamp()))
        if network == "x":
            problem = {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            }
            headers = (
                ("x-rate-limit-limit", "100"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", epoch),
            )
            return Fault.json(429, problem, headers, content_type="application/problem+json")
        if network in ("facebook", "instagram"):
            error = {
                "error": {
                    "message": "(#4) Application request limit reached",
                    "type": "OAuthException",
                    "code": 4,
                    "is_transient": True,
                    "fbtrace_id": "AbCdEfFault",
                }
            }
            usage = json.dumps({"call_count": 100, "total_time": 40, "total_cputime": 35})
            buc = json.dumps(
                {
                    "1": [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 20,
                            "total_time": 20,
                            "estimated_time_to_regain_access": reset_in // 60,
                        }
                    ]
                }
            )
            return Fault.json(
                400, error, (("X-App-Usage", usage), ("X-Business-Use-Case-Usage", buc))
            )
        if network == "linkedin":
            body = {
                "status": 429,
                "serviceErrorCode": 101,
                "code": "TOO_MANY_REQUESTS",
                "message": "Resource level throttle APPLICATION DAY limit reached",
            }
            return Fault.json(429, body)
        if network == "mastodon":
            iso = reset.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            headers = (  # Mastodon's reset is ISO 8601, not epoch seconds
                ("X-RateLimit-Limit", "300"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", iso),
            )
            return Fault.json(429, {"error": "Too many requests"}, headers)
        if network == "bluesky":
            headers = (
                ("ratelimit-limit", "3000"),
                ("ratelimit-remaining", "0"),
                ("ratelimit-reset", epoch),
                ("ratelimit-policy", "3000;w=300"),
            )
            return Fault.json(
                429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, headers
            )
        if network == "youtube":
            body = {
                "error": {
                    "code": 403,
                    "message": "quota exceeded",
                    "status": "PERMISSION_DENIED",
                    "errors": [
                        {
                            "message": "quota exceeded",
                            "domain": "youtube.quota",
                            "reason": "quotaExceeded",
                        }
                    ],
                }
            }
            return Fault.json(403, body)
        raise ValueError(f"unknown network {network!r}")

    @staticmethod
    def json(
        status: int,
        payload: Any,
        headers: tuple[tuple[str, str], ...] = (),
        *,
        content_type: str = "application/json",
    ) -> Fault:
        body = json.dumps(payload).encode()
        return Fault("respond", status, (("Content-Type", content_type), *headers), body)

    @staticmethod
    def server_error(status: int = 503) -> Fault:
        return Fault.json(status, {"title": "Service Unavailable", "status": status})

    @staticmethod
    def html(status: int = 502) -> Fault:
        """An HTML error page from a load balancer, where JSON was expected."""
        page = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
        return Fault("respond", status, (("Content-Type", "text/html"),), page)

    @staticmethod
    def huge(size: int = 10 * 1024 * 1024) -> Fault:
        """A 200 whose (valid) JSON body is ``size`` bytes."""
        body = b'{"data":"' + b"x" * (size - 11) + b'"}'
        return Fault("respond", 200, (("Content-Type", "application/json"),), body)

    @staticmethod
    def hang(seconds: float = 5.0) -> Fault:
        """Never answer (the upstream never sees the request)."""
        return Fault("hang", seconds=seconds)

    @staticmethod
    def hang_after_forward(seconds: float = 5.0) -> Fault:
        """Forward (the upstream does the work), then never answer: the classic lost reply."""
        return Fault("hang_after_forward", seconds=seconds)

    @staticmethod
    def truncated() -> Fault:
        """Forward, then send the headers and only half of the body before closing."""
        return Fault("truncate")

    @staticmethod
    def latency(seconds: float) -> Fault:
        return Fault("latency", seconds=seconds)


@dataclass
class Rule:
    fault: Fault
    method: str | None = None
    path: str | None = None  # substring of the request path
    times: int | None = 1  # None = every matching request (or by ``rate``)
    rate: float | None = None
    hits: int = 0

    def matches(self, method: str, path: str, rng: random.Random) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.path and self.path not in path:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return self.rate is None or rng.random() < self.rate


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    fault: str | None


@dataclass
class _State:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    rng: random.Random = field(default_factory=lambda: random.Random(0))


class QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a client hangs up on it
    (which the tests do on purpose: timeouts, oversized answers)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FaultProxy:
    """Reverse proxy to ``upstream`` (``http://127.0.0.1:PORT``) with programmable faults."""

    def __init__(self, upstream: str, *, seed: int = 0) -> None:
        self._state = _State(upstream=upstream.rstrip("/"), rng=random.Random(seed))
        state = self._state

        class Handler(_ProxyHandler):
            proxy_state = state

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def seen(self) -> list[Seen]:
        """Every request that reached the proxy, in order, with the fault applied (if any)."""
        with self._state.lock:
            return list(self._state.seen)

    def inject(
        self,
        fault: Fault,
        *,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
        rate: float | None = None,
    ) -> Rule:
        """Apply ``fault`` to the next ``times`` matching requests (``times=None`` with a
        ``rate`` of 0.3: about 30 % of them, reproducibly from the seed)."""
        rule = Rule(fault, method, path, times, rate)
        with self._state.lock:
            self._state.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._state.lock:
            self._state.rules.clear()

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()  # wakes hanging handlers
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _ProxyHandler(BaseHTTPRequestHandler):
    proxy_state: _State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output quiet

    def _handle(self) -> None:
        state = self.proxy_state
        body = self._read_body()
        with state.lock:
            rule = next(
                (r for r in state.rules if r.matches(self.command, self.path, state.rng)), None
            )
            if rule is not None:
                rule.hits += 1
            state.seen.append(Seen(self.command, self.path, rule.fault.kind if rule else None))
        fault = rule.fault if rule else None
        self.close_connection = True
        if fault is not None and fault.kind == "respond":
            self._respond(fault.status, list(fault.headers), fault.body)
            return
        if fault is not None and fault.kind == "hang":
            state.stopping.wait(fault.seconds)
            return
        if fault is not None and fault.kind == "latency":
            state.stopping.wait(fault.seconds)
        status, headers, upstream_body = self._forward(body)
        if fault is not None and fault.kind == "hang_after_forward":
            state.stopping.wait(fault.seconds)
            return
        if fault is not None and fault.kind == "truncate":
            self._respond(status, headers, upstream_body, cut=max(1, len(upstream_body) // 2))
            return
        self._respond(status, headers, upstream_body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle  # noqa: N815

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return b"".join(self._chunks())
        return b""

    def _chunks(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return
            yield self.rfile.read(size)
            self.rfile.readline()

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        target = urlsplit(self.proxy_state.upstream)
        connection = http.client.HTTPConnection(
            target.hostname or "127.0.0.1", target.port, timeout=30
        )
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, kept, data
        finally:
            connection.close()

    def _respond(
        self, status: int, headers: list[tuple[str, str]], body: bytes, cut: int | None = None
    ) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()


@pytest.fixture
def fault_proxy_factory() -> Iterator[Any]:
    """Start proxies in front of peers: ``proxy = fault_proxy_factory(peer.url)``."""
    started: list[FaultProxy] = []

    def start(upstream: str, seed: int = 0) -> FaultProxy:
        proxy = FaultProxy(upstream, seed=seed).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
