"""Webhook signatures and subscription challenges, network by network."""

from __future__ import annotations

import base64
import hashlib
import hmac

from parvis.networks.linkedin import webhooks as linkedin_webhooks
from parvis.networks.mastodon import webhooks as mastodon_webhooks
from parvis.networks.meta import webhooks as meta_webhooks
from parvis.networks.x import webhooks as x_webhooks

BODY = b'{"object":"page","entry":[]}'


def test_meta_signature() -> None:
    digest = hmac.new(b"app-secret", BODY, hashlib.sha256).hexdigest()
    assert meta_webhooks.signature_valid("app-secret", BODY, f"sha256={digest}")
    assert not meta_webhooks.signature_valid("app-secret", BODY + b" ", f"sha256={digest}")
    assert not meta_webhooks.signature_valid("other", BODY, f"sha256={digest}")
    assert not meta_webhooks.signature_valid("app-secret", BODY, digest)
    assert not meta_webhooks.signature_valid("app-secret", BODY, None)


def test_meta_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert meta_webhooks.challenge(params, "tok") == "1158201444"
    assert meta_webhooks.challenge(params, "other") is None
    assert meta_webhooks.challenge({**params, "hub.mode": "unsubscribe"}, "tok") is None


def test_x_crc_and_signature() -> None:
    expected = base64.b64encode(hmac.new(b"consumer", b"crc-123", hashlib.sha256).digest())
    assert x_webhooks.crc_response("consumer", "crc-123") == {
        "response_token": "sha256=" + expected.decode()
    }
    signature = base64.b64encode(hmac.new(b"consumer", BODY, hashlib.sha256).digest()).decode()
    assert x_webhooks.signature_valid("consumer", BODY, f"sha256={signature}")
    assert not x_webhooks.signature_valid("consumer", b"{}", f"sha256={signature}")


def test_linkedin_signature_and_challenge() -> None:
    digest = hmac.new(b"li-secret", BODY, hashlib.sha256).hexdigest()
    assert linkedin_webhooks.signature_valid("li-secret", BODY, digest)
    assert not linkedin_webhooks.signature_valid("li-secret", BODY, digest[:-1] + "0")
    answer = linkedin_webhooks.challenge_response("li-secret", "f4c5d1b0")
    assert answer["challengeCode"] == "f4c5d1b0"
    assert (
        answer["challengeResponse"]
        == hmac.new(b"li-secret", b"f4c5d1b0", hashlib.sha256).hexdigest()
    )


def test_mastodon_signature() -> None:
    digest = hmac.new(b"s", BODY, hashlib.sha256).hexdigest()
    assert mastodon_webhooks.signature_valid("s", BODY, f"sha256={digest}")
    assert not mastodon_webhooks.signature_valid("s", BODY, "sha256=")
