"""The guarded HTTP client (parvis/core/guarded_http.py), tried as an attacker would: loopback,
private and metadata addresses, a public name that resolves to this machine, a redirect inward,
a huge or endless answer, a proxy from the environment."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest

from parvis.core import guarded_http
from parvis.core.guarded_http import (
    NEUTRAL_REASON,
    AddressRefused,
    ResponseTooLarge,
    check_url,
    guarded_client,
    refusal_reason,
)
from tests.peers.faultproxy import QuietServer

Reply = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Peer:
    """A local HTTP server that records what reached it."""

    host: str
    port: int
    seen: list[dict[str, str]] = field(default_factory=list)
    accept_encoding: list[str] = field(default_factory=list)  # what each request asked for

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _ok(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"ok")


@contextmanager
def serving(
    reply: Reply = _ok, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
) -> Iterator[Peer]:
    peer = Peer(host, 0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            peer.seen.append({"path": self.path, "host": self.headers.get("Host", "")})
            peer.accept_encoding.append(self.headers.get("Accept-Encoding", ""))
            reply(self)

    server = QuietServer((host, 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    peer.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_private(settings: Any) -> None:
    """The product's default: no private range allowed."""
    settings.HTTP_ALLOW_PRIVATE = []


def _pretend_dns(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> list[str]:
    """Names resolve as given (an attacker's DNS); returns the list of names resolved."""
    asked: list[str] = []
    real = guarded_http.resolve

    def resolve(host: str, port: int) -> list[Any]:
        asked.append(host)
        if host in names:
            return [ipaddress.ip_address(names[host])]
        return real(host, port)

    monkeypatch.setattr(guarded_http, "resolve", resolve)
    return asked


# --- which addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address refused, not a bind
        ("::", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("100.64.0.1", "not-global"),  # CGNAT
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_an_allowed_range_lets_its_addresses_through() -> None:
    allowed = guarded_http.parse_ranges(("10.0.0.0/8", "::1/128"))
    assert refusal_reason(ipaddress.ip_address("10.9.9.9"), allowed) is None
    assert refusal_reason(ipaddress.ip_address("::ffff:10.9.9.9"), allowed) is None
    assert refusal_reason(ipaddress.ip_address("::1"), allowed) is None
    assert refusal_reason(ipaddress.ip_address("127.0.0.1"), allowed) == "loopback"
    with pytest.raises(ValueError, match="not an IP range"):
        guarded_http.parse_ranges(("10.0.0.0/33",))


# --- the client, at each connection -------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"])
def test_loopback_is_refused_before_any_byte_leaves(no_private: None, host: str) -> None:
    # Refused before connecting: the IPv6 spellings need no IPv6 server.
    with serving() as peer, guarded_client() as client, pytest.raises(AddressRefused) as refused:
        client.get(f"http://{host}:{peer.port}/admin")
    assert peer.seen == []
    assert str(refused.value) == NEUTRAL_REASON  # nothing about what is there


def test_a_public_name_resolving_to_this_machine_is_refused(
    no_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_dns(monkeypatch, {"innocent.example": "127.0.0.1"})
    with serving() as peer, guarded_client() as client:
        with pytest.raises(AddressRefused):
            client.get(f"http://innocent.example:{peer.port}/")
        with pytest.raises(AddressRefused):
            check_url(f"https://innocent.example:{peer.port}/")
    assert peer.seen == []


def test_the_name_is_resolved_again_at_each_call(
    no_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: public when the address is saved, this machine when it is called."""
    names = {"rebind.example": "93.184.216.34"}
    asked = _pretend_dns(monkeypatch, names)
    assert check_url("https://rebind.example/v1").host == "rebind.example"
    names["rebind.example"] = "127.0.0.1"
    with serving() as peer, guarded_client() as client, pytest.raises(AddressRefused):
        client.get(f"http://rebind.example:{peer.port}/")
    assert asked == ["rebind.example", "rebind.example"] and peer.seen == []


def test_it_connects_to_the_checked_address_and_keeps_the_name(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    asked = _pretend_dns(monkeypatch, {"llm.example": "127.0.0.1"})
    real_getaddrinfo = socket.getaddrinfo

    def no_second_resolution(host: Any, *args: Any, **kwargs: Any) -> Any:
        assert host != "llm.example", "the name was resolved a second time"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_second_resolution)
    with serving() as peer, guarded_client() as client:
        response = client.get(f"http://llm.example:{peer.port}/v1/models")
    assert response.status_code == 200 and response.text == "ok"
    assert peer.seen == [{"path": "/v1/models", "host": f"llm.example:{peer.port}"}]
    assert asked == ["llm.example"]


def _certificate_for(name: str, folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_checks_the_certificate_against_the_name_not_the_address(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    _pretend_dns(monkeypatch, {"llm.example": "127.0.0.1", "other.example": "127.0.0.1"})
    cert, key = _certificate_for("llm.example", tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    with serving(tls=server_tls) as peer, guarded_client(verify=trust) as client:
        assert client.get(f"https://llm.example:{peer.port}/").text == "ok"
        with pytest.raises(httpx.ConnectError, match="certificate|hostname"):
            client.get(f"https://other.example:{peer.port}/")


def test_a_redirect_inward_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving() as inner:

        def redirect(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", f"{inner.url}/secret")
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        # Only the first server is allowed (an on-premises service); it sends us inward.
        with serving(redirect, host="127.0.0.2") as allowed:
            ranges = ["127.0.0.2/32"]
            client = guarded_client(allow_private=ranges, follow_redirects=True)
            with client, pytest.raises(AddressRefused):
                client.get(f"{allowed.url}/start")
            with guarded_client(allow_private=ranges) as client:  # the default: not followed
                assert client.get(f"{allowed.url}/start").status_code == 302
    assert [hit["path"] for hit in allowed.seen] == ["/start", "/start"]
    assert inner.seen == []


def test_a_redirect_to_an_allowed_place_is_followed() -> None:
    with serving() as target:

        def redirect(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(301)
            handler.send_header("Location", f"{target.url}/moved")
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        client = guarded_client(allow_private=["127.0.0.1/32"], follow_redirects=True)
        with serving(redirect) as start, client:
            assert client.get(f"{start.url}/old").text == "ok"
    assert target.seen[0]["path"] == "/moved"


def test_other_schemes_are_refused(no_private: None) -> None:
    with guarded_client() as client:
        for url in ("ftp://example.org/file", "file:///etc/passwd", "gopher://example.org/"):
            with pytest.raises(AddressRefused):
                client.get(url)
            with pytest.raises(AddressRefused):
                check_url(url)


# --- size and time ------------------------------------------------------------------------------


def _big(declared: bool) -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if declared:
            handler.send_header("Content-Length", str(3 * 1024 * 1024))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(48):
                handler.wfile.write(b"x" * 65536)
        except OSError:
            pass  # the client hung up: that is the point

    return reply


@pytest.mark.parametrize("declared", [True, False])
def test_an_oversized_answer_is_cut(declared: bool) -> None:
    with serving(_big(declared)) as peer, guarded_client(max_bytes=1024 * 1024) as client:
        with pytest.raises(ResponseTooLarge, match="longer than 1048576 bytes"):
            client.get(f"{peer.url}/")
        # Streaming stops at the limit too.
        with pytest.raises(ResponseTooLarge), client.stream("GET", f"{peer.url}/") as response:
            for _ in response.iter_raw():
                pass


def _drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for _ in range(40):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def test_an_answer_that_never_ends_hits_the_deadline() -> None:
    with serving(_drip) as peer:
        started = time.monotonic()
        with guarded_client(timeout=5.0, deadline=0.5) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"{peer.url}/")
        assert time.monotonic() - started < 2.0  # per-read timeouts alone would allow 4 s+


def _drip_headers(handler: BaseHTTPRequestHandler) -> None:
    """A server that never finishes its headers: one byte every 0.1 s, each read under any
    per-read timeout (the « one byte every 29 s » of an endpoint holding a web thread)."""
    try:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(60):
            handler.wfile.write(b"a")
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass
    handler.close_connection = True


def test_headers_that_never_end_hit_the_deadline() -> None:
    with serving(_drip_headers) as peer:
        started = time.monotonic()
        with guarded_client(timeout=5.0, deadline=0.5) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"{peer.url}/")
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 2.0  # near the deadline: each read alone would have waited 6 s


def test_the_deadline_cuts_the_read_that_is_waiting_not_the_next_one() -> None:
    """Body bytes 3 s apart, a 10 s per-read timeout: the wait is cut at the deadline."""

    def slow_body(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(3)
            handler.wfile.write(b"y")
        except OSError:
            pass

    with serving(slow_body) as peer:
        started = time.monotonic()
        with guarded_client(timeout=10.0, deadline=0.5) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"{peer.url}/")
        assert time.monotonic() - started < 2.0


def _gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    """50 MB of JSON-looking zeros in about 50 KB: tiny on the wire, huge once inflated."""
    body = gzip.compress(b"[" + b"0," * (25 * 1024 * 1024) + b"0]", compresslevel=9)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")  # sent whatever the client asked for
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(body)


def test_a_gzip_bomb_is_cut_on_its_decoded_size() -> None:
    with serving(_gzip_bomb) as peer, guarded_client(max_bytes=1024 * 1024) as client:
        with pytest.raises(ResponseTooLarge, match="longer than 1048576 bytes"):
            client.get(f"{peer.url}/").json()
        with client.stream("GET", f"{peer.url}/") as response, pytest.raises(ResponseTooLarge):
            guarded_http.read_capped(response, 10 * 1024 * 1024)  # the client's cap comes first
    # Uncompressed answers are asked for: what is counted on the wire is what is read.
    assert peer.accept_encoding == ["identity", "identity"]


def test_read_capped_cuts_any_client_on_the_decoded_size() -> None:
    """The one capped read of the code base (the connectors and the language model use it),
    with a plain httpx client as tests pass them."""
    with (
        serving(_gzip_bomb) as peer,
        httpx.Client() as plain,
        plain.stream("GET", f"{peer.url}/") as response,
        pytest.raises(ResponseTooLarge),
    ):
        guarded_http.read_capped(response, 1024 * 1024)
    with serving() as peer, httpx.Client() as plain, plain.stream("GET", peer.url) as response:
        assert guarded_http.read_capped(response, 2) == b"ok"


# --- the rest of the contract -------------------------------------------------------------------


def test_check_url_wants_https_for_public_hosts_only(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pretend_dns(monkeypatch, {"public.example": "93.184.216.34", "nas.lan": "192.168.1.20"})
    settings.HTTP_ALLOW_PRIVATE = []
    assert str(check_url("https://public.example/v1", require_https=True)).startswith("https:")
    with pytest.raises(AddressRefused):
        check_url("http://public.example/v1", require_https=True)  # the key would cross in clear
    with pytest.raises(AddressRefused):
        check_url("https://nas.lan/v1")
    settings.HTTP_ALLOW_PRIVATE = ["192.168.1.0/24"]
    assert check_url("http://nas.lan:8080/v1", require_https=True).port == 8080


def test_an_unknown_name_is_refused_at_saving_and_unreachable_at_calling(
    no_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unknown(host: str, port: int) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(guarded_http, "resolve", unknown)
    with pytest.raises(AddressRefused):
        check_url("https://nowhere.invalid/")
    with guarded_client() as client, pytest.raises(httpx.ConnectError):
        client.get("https://nowhere.invalid/")


def test_proxies_from_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy resolves names itself: going through one would skip the guard."""
    with serving() as proxy, serving() as target:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        with guarded_client(allow_private=["127.0.0.1/32"]) as client:
            assert client.get(f"{target.url}/direct").text == "ok"
    assert proxy.seen == [] and target.seen[0]["path"] == "/direct"


def test_the_log_says_why_without_the_path_or_query(
    no_private: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="parvis.core.guarded_http")
    with guarded_client() as client, pytest.raises(AddressRefused):
        client.get("http://169.254.169.254/latest/meta-data/?token=s3cr3t")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "169.254.169.254" in logged and "link-local" in logged
    assert "s3cr3t" not in logged and "meta-data" not in logged


def test_the_operator_setting_is_read_at_each_connection(settings: Any) -> None:
    with serving() as peer, guarded_client() as client:
        settings.HTTP_ALLOW_PRIVATE = []
        with pytest.raises(AddressRefused):
            client.get(f"{peer.url}/")
        settings.HTTP_ALLOW_PRIVATE = ["127.0.0.0/8"]
        assert client.get(f"{peer.url}/").text == "ok"
