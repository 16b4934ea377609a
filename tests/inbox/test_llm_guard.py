"""The language-model endpoint is an address a manager types: refused when saved and when called
if it points at this machine or a private network the operator did not allow; the answer is
bounded; a failure says nothing of what answered."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.core import guarded_http
from parvis.inbox import llm
from parvis.inbox.ingest import inbox_ingest, inbox_settings_for
from parvis.inbox.llm import LlmUnavailable, suggest_reply
from parvis.inbox.models import Conversation, InboxSettings
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item
from tests.peers.faultproxy import QuietServer


class _Endpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that answers ``body`` and records every call."""

    body: bytes = b""
    status: int = 200
    calls: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append(self.path)
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(type(self).body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading: the size test's point
            self.wfile.write(type(self).body)


def _answer(text: str) -> bytes:
    return json.dumps({"choices": [{"message": {"content": text}}]}).encode()


@pytest.fixture
def endpoint() -> Iterator[str]:
    _Endpoint.body, _Endpoint.status, _Endpoint.calls = _answer("Bonjour !"), 200, []
    server = QuietServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _configured(cast: Cast, url: str) -> InboxSettings:
    settings = inbox_settings_for(cast.org.pk)
    settings.llm_base_url, settings.llm_model, settings.llm_api_key = url, "mistral", "k"
    settings.save()
    return settings


def _save(client: Client, cast: Cast, url: str) -> Any:
    return client.post(
        reverse("inbox:settings", kwargs={"org": cast.org.slug}),
        {"goal_hours": "24", "llm_base_url": url, "llm_model": "mistral", "llm_api_key": "k"},
    )


def _owner(cast: Cast, language: str = "fr") -> Client:
    cast.alice.language = language
    cast.alice.save(update_fields=["language"])
    client = Client()
    client.force_login(cast.alice)
    return client


def test_a_loopback_endpoint_is_refused_when_saved(
    cast: Cast, endpoint: str, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    client = _owner(cast)
    response = _save(client, cast, endpoint)
    assert response.status_code == 200  # the form again, with its error
    page = response.content.decode()
    assert "Adresse refusée ou injoignable" in page
    assert inbox_settings_for(cast.org.pk).llm_base_url == ""
    for address in ("http://[::1]:8080/v1", "https://169.254.169.254/v1", "ftp://llm.example/"):
        assert "Adresse refusée ou injoignable" in _save(client, cast, address).content.decode()
    assert _Endpoint.calls == []
    english = _save(_owner(cast, "en"), cast, "http://[::ffff:127.0.0.1]:8080/v1")
    assert "Address refused or unreachable" in english.content.decode()


def test_a_public_name_pointing_at_this_machine_is_refused_when_saved(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.HTTP_ALLOW_PRIVATE = []
    monkeypatch.setattr(
        guarded_http, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")]
    )
    response = _save(_owner(cast), cast, "https://llm.attacker.example/v1")
    assert "Adresse refusée ou injoignable" in response.content.decode()
    assert inbox_settings_for(cast.org.pk).llm_base_url == ""


def test_an_allowed_on_premises_endpoint_is_saved_and_called(
    cast: Cast, account: SocialAccount, endpoint: str, settings: Any
) -> None:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    response = _save(_owner(cast), cast, endpoint)
    assert response.status_code == 302
    stored = inbox_settings_for(cast.org.pk)
    assert stored.llm_base_url == endpoint
    assert suggest_reply(stored, organisation_name="x", messages=[]) == "Bonjour !"
    assert _Endpoint.calls == ["/v1/chat/completions"]


def test_a_saved_loopback_endpoint_is_refused_when_called(
    cast: Cast, account: SocialAccount, endpoint: str, settings: Any
) -> None:
    """Saved before the guard existed, or allowed then withdrawn by the operator."""
    stored = _configured(cast, endpoint)
    settings.HTTP_ALLOW_PRIVATE = []
    with pytest.raises(LlmUnavailable) as refused:
        suggest_reply(stored, organisation_name="x", messages=[])
    assert str(refused.value) == "adresse refusée ou injoignable"
    assert _Endpoint.calls == []
    inbox_ingest(account, [item("Vous livrez à Brest ?", author="anne")])
    conversation = Conversation.objects.get()
    url = reverse(
        "inbox:suggest", kwargs={"org": cast.org.slug, "conversation_id": conversation.pk}
    )
    page = _owner(cast).post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "adresse refusée ou injoignable" in page and "127.0.0.1" not in page
    assert _Endpoint.calls == []


def test_an_oversized_answer_is_cut_with_a_clear_error(
    cast: Cast, endpoint: str, settings: Any
) -> None:
    stored = _configured(cast, endpoint)
    _Endpoint.body = _answer("x" * (3 * 1024 * 1024))
    with pytest.raises(LlmUnavailable, match="trop longue"):
        suggest_reply(stored, organisation_name="x", messages=[])


def test_an_error_answer_is_not_repeated_to_the_user(cast: Cast, endpoint: str) -> None:
    stored = _configured(cast, endpoint)
    _Endpoint.status, _Endpoint.body = 500, b'{"error": "db01.internal:5432 refused"}'
    with pytest.raises(LlmUnavailable) as failed:
        suggest_reply(stored, organisation_name="x", messages=[])
    assert str(failed.value) == "le modèle de langage a refusé la demande"


class _Dripping(BaseHTTPRequestHandler):
    """An endpoint that starts its headers and never finishes them: one byte every 0.1 s, each
    well under the per-read timeout (the « one byte every 29 s » against a 30 s timeout)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers["Content-Length"]))
        with contextlib.suppress(OSError):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
            for _ in range(80):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.1)
        self.close_connection = True


@contextlib.contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_dripping_its_headers_is_cut_at_the_deadline(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Suggest a reply » runs inside the web request: the deadline bounds the wait for the
    status line and headers too, not only the body."""
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    monkeypatch.setattr(llm, "DEADLINE_S", 0.5)
    monkeypatch.setattr(llm, "TIMEOUT_S", 5.0)
    with _serving(_Dripping) as url:
        stored = _configured(cast, url)
        started = time.monotonic()
        with pytest.raises(LlmUnavailable) as failed:
            suggest_reply(stored, organisation_name="x", messages=[])
        elapsed = time.monotonic() - started
    assert str(failed.value) == "le modèle de langage n’a pas répondu à temps"
    assert elapsed < 2.0  # the drip lasts 8 s; each read alone would wait 5 s


class _GzipBomb(BaseHTTPRequestHandler):
    """An answer of 40 MB once inflated, 40 KB on the wire, compressed although the client
    asked for none."""

    accept_encoding: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).accept_encoding.append(self.headers.get("Accept-Encoding", ""))
        content = "x" * (40 * 1024 * 1024)
        body = gzip.compress(_answer(content), compresslevel=9)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)


def test_a_gzip_bomb_answer_is_refused_with_the_neutral_error(cast: Cast, settings: Any) -> None:
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.1/32"]
    _GzipBomb.accept_encoding = []
    with _serving(_GzipBomb) as url:
        stored = _configured(cast, url)
        with pytest.raises(LlmUnavailable) as failed:
            suggest_reply(stored, organisation_name="x", messages=[])
    assert str(failed.value) == "la réponse du modèle de langage est trop longue"
    assert _GzipBomb.accept_encoding == ["identity"]  # an uncompressed answer was asked for


def test_the_language_model_reads_through_the_shared_capped_read() -> None:
    """One capped read for the code base (parvis.core.guarded_http.read_capped), not a copy."""
    assert not hasattr(llm, "_read")
    assert vars(llm)["read_capped"] is guarded_http.read_capped
