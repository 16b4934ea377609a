"""The client's address: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from parvis.core.client_ip import client_ip, parse_networks


def _ip(
    settings: object, proxies: list[str], remote: str | None, forwarded: str = ""
) -> str | None:
    settings.TRUSTED_PROXIES = proxies  # type: ignore[attr-defined]
    request = RequestFactory().get("/")
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_without_trusted_proxies_the_header_is_never_believed(settings: object) -> None:
    assert _ip(settings, [], "203.0.113.66", "198.51.100.10") == "203.0.113.66"


def test_an_untrusted_peer_cannot_choose_its_address(settings: object) -> None:
    assert _ip(settings, ["10.0.0.1"], "203.0.113.66", "198.51.100.10") == "203.0.113.66"


def test_a_trusted_proxy_gives_the_client_it_saw(settings: object) -> None:
    assert _ip(settings, ["10.0.0.1"], "10.0.0.1", "198.51.100.10") == "198.51.100.10"


def test_what_the_client_wrote_left_of_the_proxy_entry_is_ignored(settings: object) -> None:
    # nginx's $proxy_add_x_forwarded_for appends the real peer to what the client sent.
    forwarded = "1.1.1.1, 2.2.2.2, 203.0.113.66"
    assert _ip(settings, ["10.0.0.0/8"], "10.0.0.1", forwarded) == "203.0.113.66"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings: object) -> None:
    forwarded = "9.9.9.9, 203.0.113.66, 10.1.0.5"
    assert _ip(settings, ["10.0.0.0/8"], "10.0.0.1", forwarded) == "203.0.113.66"


def test_malformed_hops_and_missing_addresses(settings: object) -> None:
    assert _ip(settings, ["10.0.0.1"], "10.0.0.1", "") == "10.0.0.1"
    assert _ip(settings, ["10.0.0.1"], "10.0.0.1", "not-an-ip") == "10.0.0.1"
    assert _ip(settings, ["10.0.0.1"], "10.0.0.1", "junk, 198.51.100.10") == "198.51.100.10"
    assert _ip(settings, [], None) is None
    assert _ip(settings, [], "") is None


def test_ipv6_and_mapped_ipv4(settings: object) -> None:
    assert _ip(settings, ["::1"], "::1", "2001:db8::7") == "2001:db8::7"
    assert _ip(settings, [], "::ffff:203.0.113.66") == "203.0.113.66"
    assert _ip(settings, ["10.0.0.0/8"], "::ffff:10.0.0.1", "198.51.100.10") == "198.51.100.10"


def test_bad_proxy_entries_are_named() -> None:
    assert len(parse_networks(["10.0.0.1", "192.168.0.0/16", "::1"])) == 3
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address"):
        parse_networks(["proxy.local"])
