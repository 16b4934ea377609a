"""Webhook deliveries, response-time figures, the daily digest and the optional language model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.core import mail

from parvis.inbox.digest import digest_deliver, digest_due, digest_send
from parvis.inbox.ingest import inbox_ingest, inbox_settings_for
from parvis.inbox.llm import LlmUnavailable, suggest_reply
from parvis.inbox.models import Conversation, DigestDelivery, Message
from parvis.inbox.selectors import response_report
from parvis.inbox.webhooks import parse_meta, parse_x, webhook_events_process
from parvis.networks.models import SocialAccount, WebhookEvent
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account
from tests.peers.faultproxy import QuietServer

X_PAYLOAD = {
    "for_user_id": "4242",
    "tweet_create_events": [
        {
            "id_str": "9001",
            "text": "@menuiserie ma porte ne ferme plus, c'est inadmissible",
            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
            "in_reply_to_status_id_str": None,
            "in_reply_to_user_id_str": None,
            "user": {"id_str": "77", "screen_name": "client", "name": "Client"},
        },
        {
            "id_str": "9002",
            "text": "our own post",
            "created_at": "Wed Oct 10 20:19:25 +0000 2018",
            "user": {"id_str": "4242", "screen_name": "menuiserie", "name": "M"},
        },
    ],
}
META_PAYLOAD = {
    "object": "page",
    "entry": [
        {
            "id": "page-1",
            "time": 1700000000,
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "comment_id": "c-1",
                        "post_id": "page-1_p",
                        "message": "Bonjour, un devis pour une terrasse ?",
                        "created_time": 1700000000,
                        "from": {"id": "u-1", "name": "Anne"},
                    },
                }
            ],
            "messaging": [
                {
                    "sender": {"id": "u-2"},
                    "recipient": {"id": "page-1"},
                    "timestamp": 1700000000000,
                    "message": {"mid": "mid-1", "text": "Vous êtes ouverts lundi ?"},
                }
            ],
        }
    ],
}


def test_parsers_map_documented_payloads() -> None:
    x_events = parse_x(X_PAYLOAD)
    assert [(a, i.remote_id, i.kind.value) for a, i in x_events] == [("4242", "9001", "mention")]
    meta_events = parse_meta(META_PAYLOAD)
    assert [(a, i.remote_id, i.kind.value) for a, i in meta_events] == [
        ("page-1", "c-1", "comment"),
        ("page-1", "mid-1", "dm"),
    ]


def test_webhook_events_are_ingested_and_garbage_does_not_block(cast: Cast) -> None:
    x_account = make_account(cast.org, "x", remote_id="4242")
    page = make_account(cast.org, "facebook", remote_id="page-1")
    WebhookEvent.objects.create(network="x", payload={"nonsense": True}, body_sha256="a")
    WebhookEvent.objects.create(network="x", payload=[1, 2], body_sha256="b")
    WebhookEvent.objects.create(network="x", payload=X_PAYLOAD, body_sha256="c")
    WebhookEvent.objects.create(network="facebook", payload=META_PAYLOAD, body_sha256="d")
    assert webhook_events_process() == 4
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
    assert Message.objects.filter(account=x_account).count() == 1
    assert Message.objects.filter(account=page).count() == 2
    assert webhook_events_process() == 0


def _answered(account: SocialAccount, handle: str, delay_hours: float, responder: Any) -> None:
    inbox_ingest(account, [item("Une question ?", author=handle, hours_ago=100)])
    conversation = Conversation.objects.get(participant_handle=handle)
    conversation.first_response_at = conversation.first_inbound_at + timedelta(hours=delay_hours)
    conversation.first_responder = responder
    conversation.awaiting_since = None
    conversation.save()


def test_response_report(cast: Cast, account: SocialAccount) -> None:
    other = make_account(cast.org, "instagram")
    for n, delay in enumerate([1, 2, 3, 4, 30]):
        _answered(account, f"a{n}", delay, cast.alice)
    _answered(other, "b0", 10, cast.bob)
    inbox_ingest(other, [item("Toujours là ?", author="waiting", hours_ago=50)])
    report = response_report(organisation=cast.org)
    assert report.overall.conversations == 7 and report.overall.answered == 6
    assert report.overall.median_hours == pytest.approx(3.5)
    facebook = next(s for s in report.by_network if s.key == "facebook")
    assert facebook.median_hours == pytest.approx(3.0)
    assert facebook.p90_hours == pytest.approx(19.6)  # inclusive method, between 4 and 30
    assert facebook.within_goal == 4 and facebook.response_rate == 1.0
    instagram = next(s for s in report.by_network if s.key == "instagram")
    assert instagram.response_rate == 0.5
    assert {s.key for s in report.by_member} == {"Alice", "Bob"}


def test_digest_lists_over_goal_complaints_and_leads_first(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(
        account,
        [
            item("Merci pour tout !", author="fan", hours_ago=30),
            item("Vous êtes ouverts samedi ?", author="curious", hours_ago=2),
            item(
                "Livraison en retard de trois semaines, inadmissible !",
                author="angry",
                hours_ago=26,
            ),
        ],
    )
    Conversation.objects.filter(participant_handle="curious").update(assignee=cast.charlie)
    morning_in_paris = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 in Paris
    due = digest_due(morning_in_paris)
    assert sorted(due) == sorted(
        [(cast.alice_membership.pk, date(2026, 3, 2)), (cast.bob_membership.pk, date(2026, 3, 2))]
    )
    assert digest_send(membership=cast.bob_membership, now=datetime.now(UTC)) is True
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["bob@example.org"]
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) == 2  # « curious » is assigned to someone else
    assert "retard" in lines[0]


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


def test_digest_goes_out_in_each_organisations_morning_once_a_day(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(account, [item("Vous livrez à Brest ?", author="curious", hours_ago=2)])
    cast.org.timezone = "America/Martinique"  # UTC-4
    cast.org.save()
    paris_morning = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 03:30 in Martinique: too early
    assert digest_due(paris_morning) == []
    martinique_morning = datetime(2026, 3, 2, 11, 15, tzinfo=UTC)  # 07:15 there
    due = dict(digest_due(martinique_morning))
    assert due[cast.bob_membership.pk] == date(2026, 3, 2)

    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is True
    # A second tick, a second worker or a second scheduler: nothing goes out twice.
    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is False
    assert len(mail.outbox) == 1
    assert cast.bob_membership.pk not in dict(digest_due(martinique_morning))
    # The next morning, a new digest.
    next_morning = martinique_morning + timedelta(days=1)
    assert dict(digest_due(next_morning))[cast.bob_membership.pk] == date(2026, 3, 3)


def test_no_digest_and_no_delivery_when_nothing_waits_any_more(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(account, [item("Vous livrez à Brest ?", author="curious", hours_ago=2)])
    Conversation.objects.update(status=Conversation.Status.DONE)
    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is False
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()
