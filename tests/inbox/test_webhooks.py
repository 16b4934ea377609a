"""Webhook deliveries: processed on arrival (a task sent by name once the delivery is stored),
mapped to connected accounts and ingested; a payload nobody can read never blocks the others."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from parvis.inbox import tasks
from parvis.inbox.models import Message
from parvis.inbox.webhooks import webhook_events_process
from parvis.networks import webhook_views
from parvis.networks.models import SocialAccount, WebhookEvent
from parvis.networks.registry import provider
from tests.conftest import Cast
from tests.inbox.conftest import make_account

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


LINKEDIN_PAYLOAD = {
    "type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
    "notifications": [
        {
            "notificationId": 5603453321,
            "organizationalEntity": "urn:li:organization:2414183",
            "action": "COMMENT",
            "sourcePost": "urn:li:activity:7094637247890620418",
            "decoratedSourcePost": {
                "entity": "urn:li:share:7094637247487995904",
                "owner": "urn:li:organization:2414183",
                "text": "Nos nouvelles fenêtres",
            },
            "generatedActivity": "urn:li:comment:(urn:li:activity:7094637247890620418,709)",
            "decoratedGeneratedActivity": {
                "comment": {
                    "entity": "urn:li:comment:(urn:li:activity:7094637247890620418,709)",
                    "owner": "urn:li:person:anne",
                    "object": "urn:li:activity:7094637247890620418",
                    "text": "Quel délai pour une pose à Lorient ?",
                }
            },
            "lastModifiedAt": 1700000000000,
            "subscriber": "urn:li:person:admin",
        }
    ],
}
LI_SECRET = "linkedin-client-secret-000"


def test_parsers_map_documented_payloads() -> None:
    x_events = provider("x").parse_webhook(X_PAYLOAD).items
    assert [(a, i.remote_id, i.kind.value) for a, i in x_events] == [("4242", "9001", "mention")]
    meta_events = provider("facebook").parse_webhook(META_PAYLOAD).items
    assert [(a, i.remote_id, i.kind.value) for a, i in meta_events] == [
        ("page-1", "c-1", "comment"),
        ("page-1", "mid-1", "dm"),
    ]


def test_webhook_events_are_ingested_and_garbage_does_not_block(cast: Cast) -> None:
    x_account = make_account(cast.org, "x", remote_id="4242")
    page = make_account(cast.org, "facebook", remote_id="page-1")
    page_li = make_account(cast.org, "linkedin", remote_id="2414183")
    WebhookEvent.objects.create(network="x", payload={"nonsense": True}, body_sha256="a")
    WebhookEvent.objects.create(network="x", payload=[1, 2], body_sha256="b")
    WebhookEvent.objects.create(network="linkedin", payload={"notifications": "?"}, body_sha256="e")
    WebhookEvent.objects.create(network="x", payload=X_PAYLOAD, body_sha256="c")
    WebhookEvent.objects.create(network="facebook", payload=META_PAYLOAD, body_sha256="d")
    WebhookEvent.objects.create(network="linkedin", payload=LINKEDIN_PAYLOAD, body_sha256="f")
    assert webhook_events_process() == 6
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
    assert Message.objects.filter(account=x_account).count() == 1
    assert Message.objects.filter(account=page).count() == 2
    assert Message.objects.filter(account=page_li).get().text.startswith("Quel délai")
    assert webhook_events_process() == 0


@pytest.fixture
def linkedin_secret(settings: Any) -> Iterator[None]:
    settings.NETWORKS = copy.deepcopy(settings.NETWORKS)
    settings.NETWORKS["linkedin"]["client_secret"] = LI_SECRET
    cache.delete(webhook_views.COALESCE_KEY)
    yield
    cache.delete(webhook_views.COALESCE_KEY)


def _deliver(payload: dict[str, Any]) -> int:
    body = json.dumps(payload).encode()
    signature = hmac.new(LI_SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = Client().post(
        reverse("networks:webhook_linkedin"),
        body,
        content_type="application/json",
        headers={"X-LI-Signature": signature},
    )
    return response.status_code


def test_a_delivery_is_processed_on_arrival_without_any_poll_tick(
    cast: Cast,
    linkedin_secret: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    page = make_account(cast.org, "linkedin", remote_id="2414183")
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        webhook_views, "task_send", lambda name, **options: sent.append((name, options))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _deliver(LINKEDIN_PAYLOAD) == 200
    # The task is sent by name once the delivery is stored; running it ingests the comment.
    assert [name for name, _options in sent] == ["inbox.webhooks_process"]
    assert not Message.objects.filter(account=page).exists()
    tasks.webhooks_process_task.run()
    message = Message.objects.get(account=page)
    assert message.remote_id == "urn:li:comment:(urn:li:activity:7094637247890620418,709)"
    assert WebhookEvent.objects.get().processed_at is not None


def test_a_burst_of_deliveries_sends_one_processing_run(
    cast: Cast,
    linkedin_secret: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(webhook_views, "task_send", lambda name, **options: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            payload = copy.deepcopy(LINKEDIN_PAYLOAD)
            payload["notifications"][0]["notificationId"] = n
            assert _deliver(payload) == 200
    assert WebhookEvent.objects.count() == 20
    assert sent == ["inbox.webhooks_process"]


def test_a_broker_that_fails_loses_no_delivery_and_no_answer(
    cast: Cast,
    linkedin_secret: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(name: str, **options: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(webhook_views, "task_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert _deliver(LINKEDIN_PAYLOAD) == 200
    assert WebhookEvent.objects.filter(processed_at=None).count() == 1  # the poll will read it
    assert cache.get(webhook_views.COALESCE_KEY) is None  # the next delivery tries again


def test_a_delivery_that_only_names_the_page_reads_it_through_the_connector(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_account(cast.org, "linkedin", remote_id="2414183")
    read: list[SocialAccount] = []
    monkeypatch.setattr(
        "parvis.inbox.webhooks.account_poll",
        lambda *, account: read.append(account) or _Polled(),
    )
    bare = copy.deepcopy(LINKEDIN_PAYLOAD)
    del bare["notifications"][0]["decoratedGeneratedActivity"]
    WebhookEvent.objects.create(network="linkedin", payload=bare, body_sha256="bare")
    assert webhook_events_process() == 1
    assert read == [page]


class _Polled:
    stored = 0
