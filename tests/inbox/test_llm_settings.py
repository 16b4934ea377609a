"""The optional language model: a suggestion fills the reply box, never sends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from parvis.inbox.ingest import inbox_ingest, inbox_settings_for
from parvis.inbox.llm import LlmUnavailable, suggest_reply
from parvis.inbox.models import Conversation
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item
from tests.peers.faultproxy import QuietServer


class _Llm(BaseHTTPRequestHandler):
    answer: Any = None
    seen: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), **json.loads(body)}
        )
        payload = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def llm_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), _Llm)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_language_model_suggestion_fills_the_box_only(
    cast: Cast, account: SocialAccount, llm_server: str
) -> None:
    from django.test import Client
    from django.urls import reverse

    inbox_ingest(account, [item("Vous livrez à Brest ?", author="anne")])
    conversation = Conversation.objects.get()
    url = reverse(
        "inbox:suggest", kwargs={"org": cast.org.slug, "conversation_id": conversation.pk}
    )
    client = Client()
    client.force_login(cast.alice)
    assert client.post(url).status_code == 404  # nothing configured: no language model at all
    settings = inbox_settings_for(cast.org.pk)
    settings.llm_base_url, settings.llm_model, settings.llm_api_key = llm_server, "mistral", "k"
    settings.save()
    _Llm.answer = {"choices": [{"message": {"content": "Oui, nous livrons à Brest."}}]}
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "Oui, nous livrons à Brest." in response.content.decode()
    assert _Llm.seen[-1]["path"] == "/v1/chat/completions" and _Llm.seen[-1]["auth"] == "Bearer k"
    assert _Llm.seen[-1]["messages"][-1]["content"] == "Vous livrez à Brest ?"
    assert not conversation.replies.exists()  # never sent without a click
    _Llm.answer = {"unexpected": True}
    with pytest.raises(LlmUnavailable):
        suggest_reply(settings, organisation_name="x", messages=[])
