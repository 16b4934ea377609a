"""Webhook receivers: subscription checks, and deliveries stored only with a good signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.networks.models import WebhookEvent
from parvis.networks.webhook_views import MAX_BODY_BYTES

pytestmark = pytest.mark.django_db

APP_SECRET = "meta-app-secret-123"
VERIFY_TOKEN = "meta-verify-token-456"
X_SECRET = "x-consumer-secret-789"
LI_SECRET = "linkedin-client-secret-000"
BODY = json.dumps({"object": "page", "entry": [{"id": "42", "changes": []}]}).encode()


@pytest.fixture(autouse=True)
def _secrets(networks: dict[str, dict[str, Any]]) -> None:
    networks["facebook"].update(client_secret=APP_SECRET, webhook_secret=VERIFY_TOKEN)
    networks["x"].update(client_secret="oauth2-secret", webhook_secret=X_SECRET)
    networks["linkedin"].update(client_secret=LI_SECRET)


def _hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _b64(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _post(name: str, body: bytes = BODY, **headers: str) -> int:
    url = reverse(f"networks:{name}")
    return Client().post(url, body, content_type="application/json", headers=headers).status_code


def test_meta_subscription_check_echoes_the_challenge_only_with_the_verify_token() -> None:
    url = reverse("networks:webhook_meta")
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = Client().get(url, good)
    assert (response.status_code, response.content) == (200, b"1158201444")
    assert Client().get(url, {**good, "hub.verify_token": "guess"}).status_code == 403


@pytest.mark.parametrize(
    ("name", "header", "signature"),
    [
        ("webhook_meta", "X-Hub-Signature-256", "sha256=" + _hex(APP_SECRET, BODY)),
        ("webhook_x", "x-twitter-webhooks-signature", "sha256=" + _b64(X_SECRET, BODY)),
        ("webhook_linkedin", "X-LI-Signature", _hex(LI_SECRET, BODY)),
    ],
)
def test_signed_deliveries_are_stored_once_and_bad_ones_never(
    name: str, header: str, signature: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert _post(name) == 403  # no signature
    assert _post(name, **{header: signature[:-4] + "AAAA"}) == 403  # bad signature
    assert _post(name, BODY + b" ", **{header: signature}) == 403  # body changed in transit
    assert not WebhookEvent.objects.exists()
    refusals = [r for r in caplog.records if r.getMessage() == "webhook refused"]
    assert [r.reason for r in refusals] == ["missing signature", "bad signature", "bad signature"]  # type: ignore[attr-defined]
    assert '"42"' not in caplog.text  # the body is never logged

    assert _post(name, **{header: signature}) == 200
    assert _post(name, **{header: signature}) == 200  # a redelivery
    event = WebhookEvent.objects.get()
    assert event.payload["entry"][0]["id"] == "42" and event.processed_at is None


def test_instagram_deliveries_through_the_meta_endpoint_are_filed_as_instagram() -> None:
    body = json.dumps({"object": "instagram", "entry": [{"id": "17841"}]}).encode()
    signature = "sha256=" + _hex(APP_SECRET, body)
    assert _post("webhook_meta", body, **{"X-Hub-Signature-256": signature}) == 200
    assert WebhookEvent.objects.get().network == "instagram"


def test_x_crc_answers_with_the_hmac_of_the_token() -> None:
    response = Client().get(reverse("networks:webhook_x"), {"crc_token": "challenge-1"})
    assert response.json() == {"response_token": "sha256=" + _b64(X_SECRET, b"challenge-1")}


def test_linkedin_challenge_is_answered_with_the_client_secret() -> None:
    response = Client().get(reverse("networks:webhook_linkedin"), {"challengeCode": "abc"})
    assert response.json() == {
        "challengeCode": "abc",
        "challengeResponse": _hex(LI_SECRET, b"abc"),
    }


def test_unconfigured_network_and_oversized_body_are_refused(
    networks: dict[str, dict[str, Any]],
) -> None:
    big = b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}'
    header = {"X-LI-Signature": _hex(LI_SECRET, big)}
    assert _post("webhook_linkedin", big, **header) == 413
    networks["linkedin"]["client_secret"] = ""
    assert _post("webhook_linkedin", BODY, **{"X-LI-Signature": _hex("", BODY)}) == 403
    assert (
        Client().get(reverse("networks:webhook_linkedin"), {"challengeCode": "a"}).status_code
        == 403
    )
    assert not WebhookEvent.objects.exists()
