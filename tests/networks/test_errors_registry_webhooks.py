"""Errors, registry and webhook signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from parvis.core.vocabulary import Network
from parvis.networks import webhooks
from parvis.networks.base import Connector
from parvis.networks.errors import (
    TAXONOMY,
    AuthExpired,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.registry import CONNECTORS, ConnectorUnavailable, get_connector_class
from parvis.networks.x.connector import XConnector

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_permanence() -> None:
    assert AuthExpired.permanent and Rejected.permanent and NotSupported.permanent
    assert not (RateLimited.permanent or Transient.permanent or Unconfirmed.permanent)


def test_every_error_speaks_french_with_proper_typography() -> None:
    errors = [
        AuthExpired("x"),
        RateLimited("x", retry_at=NOW + timedelta(hours=1)),
        Transient("x"),
        Rejected("Texte en double"),
        Unconfirmed("x"),
    ]
    assert [type(e) for e in errors] == list(TAXONOMY)
    for error in errors:
        message = error.user_message
        assert "\u202f:" in message and " :" not in message
    assert "«\u202fTexte en double\u202f»" in errors[3].user_message
    assert "09:00" in errors[1].user_message


def test_registry_names_all_seven_networks() -> None:
    assert set(CONNECTORS) == set(Network)
    assert get_connector_class("x") is XConnector


@pytest.mark.parametrize("kind", list(Network))
def test_each_kind_resolves_or_says_unavailable(kind: Network) -> None:
    try:
        cls = get_connector_class(kind)
    except ConnectorUnavailable:
        return  # not written yet: a clear error, not an ImportError
    assert issubclass(cls, Connector) and cls.kind is kind


def test_unknown_kind() -> None:
    with pytest.raises(ConnectorUnavailable):
        get_connector_class("myspace")


def test_env_prefix() -> None:
    assert XConnector.env_prefix() == "PARVIS_X_"


BODY = b'{"object":"page","entry":[]}'


def test_meta_signature() -> None:
    digest = hmac.new(b"app-secret", BODY, hashlib.sha256).hexdigest()
    assert webhooks.meta_signature_valid("app-secret", BODY, f"sha256={digest}")
    assert not webhooks.meta_signature_valid("app-secret", BODY + b" ", f"sha256={digest}")
    assert not webhooks.meta_signature_valid("other", BODY, f"sha256={digest}")
    assert not webhooks.meta_signature_valid("app-secret", BODY, digest)
    assert not webhooks.meta_signature_valid("app-secret", BODY, None)


def test_meta_challenge() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert webhooks.meta_challenge(params, "tok") == "1158201444"
    assert webhooks.meta_challenge(params, "other") is None
    assert webhooks.meta_challenge({**params, "hub.mode": "unsubscribe"}, "tok") is None


def test_x_crc_and_signature() -> None:
    expected = base64.b64encode(hmac.new(b"consumer", b"crc-123", hashlib.sha256).digest())
    assert webhooks.x_crc_response("consumer", "crc-123") == {
        "response_token": "sha256=" + expected.decode()
    }
    signature = base64.b64encode(hmac.new(b"consumer", BODY, hashlib.sha256).digest()).decode()
    assert webhooks.x_signature_valid("consumer", BODY, f"sha256={signature}")
    assert not webhooks.x_signature_valid("consumer", b"{}", f"sha256={signature}")


def test_linkedin_signature_and_challenge() -> None:
    digest = hmac.new(b"li-secret", BODY, hashlib.sha256).hexdigest()
    assert webhooks.linkedin_signature_valid("li-secret", BODY, digest)
    assert not webhooks.linkedin_signature_valid("li-secret", BODY, digest[:-1] + "0")
    answer = webhooks.linkedin_challenge_response("li-secret", "f4c5d1b0")
    assert answer["challengeCode"] == "f4c5d1b0"
    assert (
        answer["challengeResponse"]
        == hmac.new(b"li-secret", b"f4c5d1b0", hashlib.sha256).hexdigest()
    )


def test_mastodon_signature() -> None:
    digest = hmac.new(b"s", BODY, hashlib.sha256).hexdigest()
    assert webhooks.mastodon_signature_valid("s", BODY, f"sha256={digest}")
    assert not webhooks.mastodon_signature_valid("s", BODY, "sha256=")
