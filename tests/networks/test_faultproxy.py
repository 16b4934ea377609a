"""The fault proxy itself: forwarding, counted and rate-based faults, networks' headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.x_fake import XFake


def statuses(proxy: FaultProxy, count: int, token: str) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=proxy.url, headers=headers) as client:
        return [client.get("/2/users/me").status_code for _ in range(count)]


def test_forwards_and_counts_faults(
    x_fake: XFake, fault_proxy_factory: Callable[..., FaultProxy]
) -> None:
    proxy = fault_proxy_factory(x_fake.url)
    token = x_fake.issue_tokens()["access_token"]
    proxy.inject(Fault.server_error(502), times=2)
    assert statuses(proxy, 4, token) == [502, 502, 200, 200]
    assert [s.fault for s in proxy.seen] == ["respond", "respond", None, None]


def test_rate_based_faults_are_reproducible(
    x_fake: XFake, fault_proxy_factory: Callable[..., FaultProxy]
) -> None:
    token = x_fake.issue_tokens()["access_token"]
    runs: list[list[int]] = []
    for _ in range(2):
        proxy = fault_proxy_factory(x_fake.url, seed=7)
        proxy.inject(Fault.server_error(503), times=None, rate=0.5)
        runs.append(statuses(proxy, 20, token))
    assert runs[0] == runs[1]
    assert 0 < runs[0].count(503) < 20


def test_each_network_gets_its_own_rate_limit_shape() -> None:
    def headers(fault: Fault) -> dict[str, Any]:
        return {name.lower(): value for name, value in fault.headers}

    x = Fault.rate_limited("x", reset_in=60)
    assert x.status == 429 and headers(x)["x-rate-limit-reset"].isdigit()
    mastodon = Fault.rate_limited("mastodon")
    assert headers(mastodon)["x-ratelimit-reset"].endswith("Z")
    meta = Fault.rate_limited("facebook")
    assert meta.status == 400 and b'"code": 4' in meta.body and "x-app-usage" in headers(meta)
    assert Fault.rate_limited("linkedin").status == 429
    assert "ratelimit-reset" in headers(Fault.rate_limited("bluesky"))
    assert b"quotaExceeded" in Fault.rate_limited("youtube").body
