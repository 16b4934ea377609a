"""The shared HTTP helper: status, body and timeout mapping, retries, size cap (no sockets)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks import transport
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.transport import HttpPolicy, generic_error_reason, send

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
POLICY = HttpPolicy(retries=2, backoff_seconds=0.0, max_response_bytes=1000)


class Dialect:
    network_name = "test"

    def rate_limit_reset(self, headers: httpx.Headers, now: datetime) -> datetime | None:
        return transport.epoch_header(headers, "x-rate-limit-reset")

    def error_reason(self, payload: Any) -> str:
        return generic_error_reason(payload)

    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        return None


def run(handler: Callable[[httpx.Request], httpx.Response], method: str = "GET") -> tuple[Any, int]:
    calls = 0

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return handler(request)

    with httpx.Client(transport=httpx.MockTransport(counting)) as client:
        try:
            result: Any = send(
                client,
                Dialect(),
                method,
                "https://api.test/x?token=secret",
                policy=POLICY,
                clock=lambda: NOW,
                sleep=lambda s: None,
            )
        except ConnectorError as exc:
            result = exc
    return result, calls


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthExpired), (400, Rejected), (403, Rejected), (404, Rejected), (422, Rejected)],
)
def test_client_errors_are_not_retried(status: int, error: type[ConnectorError]) -> None:
    result, calls = run(lambda r: httpx.Response(status, json={"detail": "Nope, because."}))
    assert isinstance(result, error) and calls == 1
    assert result.detail == "Nope, because."


def test_server_errors_on_reads_are_retried_then_transient() -> None:
    result, calls = run(lambda r: httpx.Response(503, text="<html>down</html>"))
    assert isinstance(result, Transient) and calls == 3
    assert result.detail == "HTTP 503"


def test_server_error_on_a_write_is_not_retried() -> None:
    result, calls = run(lambda r: httpx.Response(500), method="POST")
    assert isinstance(result, Transient) and calls == 1


def test_gateway_timeout_on_a_write_is_unconfirmed() -> None:
    result, _ = run(lambda r: httpx.Response(504), method="POST")
    assert isinstance(result, Unconfirmed)


def test_rate_limit_uses_the_network_reset() -> None:
    reset = int((NOW + timedelta(minutes=7)).timestamp())
    headers = {"x-rate-limit-reset": str(reset)}
    result, calls = run(lambda r: httpx.Response(429, headers=headers))
    assert isinstance(result, RateLimited) and calls == 1
    assert result.retry_at == NOW + timedelta(minutes=7)
    assert result.retry_after_seconds(NOW) == 420


def test_rate_limit_falls_back_to_retry_after_then_a_minute() -> None:
    result, _ = run(lambda r: httpx.Response(429, headers={"retry-after": "30"}))
    assert isinstance(result, RateLimited) and result.retry_at == NOW + timedelta(seconds=30)
    result, _ = run(lambda r: httpx.Response(429))
    assert isinstance(result, RateLimited) and result.retry_at == NOW + timedelta(minutes=1)


def test_success_bodies() -> None:
    result, _ = run(lambda r: httpx.Response(200, json={"data": {"id": "1"}}))
    assert result.object() == {"data": {"id": "1"}}
    empty, _ = run(lambda r: httpx.Response(201))
    assert empty.body is None


@pytest.mark.parametrize(
    ("body", "method", "error"),
    [
        (b"<html>oops</html>", "GET", Transient),
        (b'{"data": {"id"', "GET", Transient),
        (b'{"data": {"id"', "POST", Unconfirmed),
        (b"[" + b"1," * 600 + b"1]", "GET", Transient),  # over the 1000-byte cap
        (b"[" + b"1," * 600 + b"1]", "POST", Unconfirmed),
    ],
)
def test_unreadable_success_bodies(body: bytes, method: str, error: type[ConnectorError]) -> None:
    result, _ = run(lambda r: httpx.Response(200, content=body), method=method)
    assert isinstance(result, error)


def test_connection_refused_is_retried_even_for_writes() -> None:
    attempts = iter([httpx.ConnectError("refused"), None])

    def handler(request: httpx.Request) -> httpx.Response:
        failure = next(attempts)
        if failure:
            raise failure
        return httpx.Response(201, json={"data": {"id": "9"}})

    result, calls = run(handler, method="POST")
    assert result.body == {"data": {"id": "9"}} and calls == 2


@pytest.mark.parametrize(("method", "error"), [("GET", Transient), ("POST", Unconfirmed)])
def test_read_timeout(method: str, error: type[ConnectorError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    result, calls = run(handler, method=method)
    assert isinstance(result, error) and calls == (3 if method == "GET" else 1)


def test_logs_never_contain_query_or_headers(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="parvis.networks.transport")
    run(lambda r: httpx.Response(200, json={}))
    assert "/x" in caplog.text and "secret" not in caplog.text


def test_generic_error_reason_envelopes() -> None:
    assert generic_error_reason({"error": {"message": "m", "error_user_msg": "u"}}) == "u"
    assert generic_error_reason({"errors": [{"code": 88, "message": "Rate limit"}]}) == "Rate limit"
    assert generic_error_reason({"error": "Validation failed"}) == "Validation failed"
    assert generic_error_reason("<html>") == ""


def test_reset_header_parsers() -> None:
    headers = httpx.Headers(
        {"x-rate-limit-reset": "1795680000", "X-RateLimit-Reset": "2026-11-26T08:05:00.000Z"}
    )
    assert transport.epoch_header(headers, "x-rate-limit-reset") == datetime(
        2026, 11, 26, 8, 0, tzinfo=UTC
    )
    assert transport.iso_header(headers, "x-ratelimit-reset") == NOW + timedelta(minutes=5)
    assert transport.epoch_header(httpx.Headers({"r": "soon"}), "r") is None
    assert transport.iso_header(httpx.Headers({"r": "soon"}), "r") is None
