"""What the Mastodon connector relies on, proven over plain HTTP against mastodon-mock."""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.peers.mastodon import MastodonAccount, MastodonPeer, start_mastodon_mock

pytestmark = pytest.mark.peer

REDIRECT_URI = "https://parvis.example/oauth/mastodon/callback"


@pytest.fixture
def http(mastodon_peer: MastodonPeer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mastodon_peer.base_url, timeout=10.0) as client:
        yield client


def _auth(account: MastodonAccount) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.access_token}"}


def _fresh_account(peer: MastodonPeer, name: str) -> MastodonAccount:
    return peer.create_account(f"{name}_{uuid.uuid4().hex[:8]}")


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x10\x80\xff"))
        + chunk(b"IEND", b"")
    )


def _post(
    http: httpx.Client, account: MastodonAccount, data: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = _auth(account)
    if key is not None:
        headers["Idempotency-Key"] = key
    return http.post("/api/v1/statuses", headers=headers, data=data)


def test_instance_limits_are_advertised(http: httpx.Client) -> None:
    response = http.get("/api/v2/instance")
    assert response.status_code == 200
    statuses = response.json()["configuration"]["statuses"]
    assert statuses["max_characters"] == 500
    assert statuses["max_media_attachments"] == 4
    assert statuses["characters_reserved_per_url"] == 23


def test_app_registration_and_authorization_code_flow(
    http: httpx.Client, mastodon_peer: MastodonPeer
) -> None:
    account = _fresh_account(mastodon_peer, "owner")
    app = http.post(
        "/api/v1/apps",
        data={
            "client_name": "Parvis",
            "redirect_uris": REDIRECT_URI,
            "scopes": "read write",
            "website": "https://parvis.example",
        },
    )
    assert app.status_code == 200, app.text
    client_id, client_secret = app.json()["client_id"], app.json()["client_secret"]
    assert client_id and client_secret

    # The mock's authorize page is an account picker; choosing an account redirects with a code.
    picker = http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read write",
            "state": "xyz",
        },
    )
    assert picker.status_code == 200
    assert f"@{account.username}" in picker.text
    chosen = http.post(
        "/oauth/authorize",
        data={"username": account.username, "redirect_uri": REDIRECT_URI, "state": "xyz"},
    )
    assert chosen.status_code == 302
    location = urlsplit(chosen.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]

    token = http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": REDIRECT_URI,
        },
    )
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"
    me = http.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert me.status_code == 200
    assert me.json()["username"] == account.username


def test_idempotency_key_returns_the_same_status(
    http: httpx.Client, mastodon_peer: MastodonPeer
) -> None:
    account = _fresh_account(mastodon_peer, "idem")
    key = str(uuid.uuid4())
    first = _post(http, account, {"status": "Bonjour à tous !"}, key)
    second = _post(http, account, {"status": "Bonjour à tous !"}, key)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]

    me = http.get("/api/v1/accounts/verify_credentials", headers=_auth(account)).json()
    listed = http.get(f"/api/v1/accounts/{me['id']}/statuses", headers=_auth(account))
    assert [status["id"] for status in listed.json()] == [first.json()["id"]]

    other_key = _post(http, account, {"status": "Bonjour à tous !"}, str(uuid.uuid4()))
    assert other_key.json()["id"] != first.json()["id"]


def test_media_upload_and_attach(http: httpx.Client, mastodon_peer: MastodonPeer) -> None:
    account = _fresh_account(mastodon_peer, "media")
    png = _png_1x1()
    media = http.post(
        "/api/v2/media",
        headers=_auth(account),
        files={"file": ("pixel.png", png, "image/png")},
        data={"description": "Un pixel bleu", "focus": "0.0,0.5"},
    )
    assert media.status_code == 200, media.text
    attachment = media.json()
    assert attachment["type"] == "image"
    assert attachment["description"] == "Un pixel bleu"
    assert http.get(attachment["url"]).content == png

    status = _post(http, account, {"status": "Avec image", "media_ids[]": attachment["id"]})
    assert status.status_code == 200, status.text
    assert [item["id"] for item in status.json()["media_attachments"]] == [attachment["id"]]


def test_reply_mention_notification_and_context(
    http: httpx.Client, mastodon_peer: MastodonPeer
) -> None:
    brand = _fresh_account(mastodon_peer, "brand")
    customer = _fresh_account(mastodon_peer, "customer")
    original = _post(http, brand, {"status": "Nouveau catalogue !"}).json()
    reply = _post(
        http,
        customer,
        {"status": f"@{brand.username} livrez-vous à Lyon ?", "in_reply_to_id": original["id"]},
    ).json()
    assert reply["in_reply_to_id"] == original["id"]

    notifications = http.get(
        "/api/v1/notifications", headers=_auth(brand), params={"types[]": "mention"}
    )
    assert notifications.status_code == 200
    [notification] = notifications.json()
    assert notification["type"] == "mention"
    assert notification["status"]["id"] == reply["id"]
    assert notification["account"]["username"] == customer.username

    context = http.get(f"/api/v1/statuses/{original['id']}/context", headers=_auth(brand))
    assert context.status_code == 200
    assert [status["id"] for status in context.json()["descendants"]] == [reply["id"]]
    assert context.json()["ancestors"] == []


def test_direct_message_appears_in_conversations(
    http: httpx.Client, mastodon_peer: MastodonPeer
) -> None:
    brand = _fresh_account(mastodon_peer, "dmbrand")
    customer = _fresh_account(mastodon_peer, "dmcustomer")
    sent = _post(
        http, customer, {"status": f"@{brand.username} un devis ?", "visibility": "direct"}
    ).json()
    conversations = http.get("/api/v1/conversations", headers=_auth(brand))
    assert conversations.status_code == 200
    last_ids = [conversation["last_status"]["id"] for conversation in conversations.json()]
    assert sent["id"] in last_ids


def test_delete_status(http: httpx.Client, mastodon_peer: MastodonPeer) -> None:
    account = _fresh_account(mastodon_peer, "delete")
    status = _post(http, account, {"status": "À supprimer"}).json()
    deleted = http.delete(f"/api/v1/statuses/{status['id']}", headers=_auth(account))
    assert deleted.status_code == 200
    gone = http.get(f"/api/v1/statuses/{status['id']}", headers=_auth(account))
    assert gone.status_code == 404
    assert gone.json() == {"error": "Record not found"}


def test_validation_and_auth_errors(http: httpx.Client, mastodon_peer: MastodonPeer) -> None:
    account = _fresh_account(mastodon_peer, "errors")
    too_long = _post(http, account, {"status": "a" * 501})
    assert too_long.status_code == 422
    assert "too long" in too_long.json()["error"]
    anonymous = http.post("/api/v1/statuses", data={"status": "x"})
    assert anonymous.status_code == 401
    assert "error" in anonymous.json()


def test_fault_injection_control_plane(http: httpx.Client, mastodon_peer: MastodonPeer) -> None:
    account = _fresh_account(mastodon_peer, "faults")
    rule = http.post(
        "/api/v1/_mock/faults",
        json={
            "match": {"methods": ["GET"], "path": "/api/v1/accounts/verify_credentials"},
            "effect": {"type": "status", "status": 503},
            "count": 1,
        },
    )
    assert rule.status_code == 200, rule.text
    failed = http.get("/api/v1/accounts/verify_credentials", headers=_auth(account))
    assert failed.status_code == 503
    recovered = http.get("/api/v1/accounts/verify_credentials", headers=_auth(account))
    assert recovered.status_code == 200


def test_rate_limited_instance_sends_headers_and_429() -> None:
    with start_mastodon_mock(rate_limit=2) as peer:
        account = peer.accounts["alice"]
        with httpx.Client(base_url=peer.base_url, timeout=10.0) as http:
            answers = [
                http.get("/api/v1/accounts/verify_credentials", headers=_auth(account))
                for _ in range(3)
            ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert [answer.headers["x-ratelimit-remaining"] for answer in answers] == ["1", "0", "0"]
    assert answers[0].headers["x-ratelimit-limit"] == "2"
    assert answers[2].json() == {"error": "Too many requests"}
    # Unlike real Mastodon (ISO 8601), the mock sends the reset as epoch seconds.
    assert answers[2].headers["x-ratelimit-reset"].isdigit()
