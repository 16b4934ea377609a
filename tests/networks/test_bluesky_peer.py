"""What the Bluesky connector relies on, proven over plain HTTP against the real dev-env PDS.

With the full network (default) the AppView answers notifications, threads and feeds; with
``PARVIS_BLUESKY_MODE=pds`` those tests check the documented 502 ``UpstreamFailure`` instead.
"""

from __future__ import annotations

import socket
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.peers.bluesky import (
    INSTALL_SCRIPT,
    BlueskyAccount,
    BlueskyPeer,
    BlueskyPeerError,
    ensure_bluesky_installed,
    start_bluesky_network,
)

pytestmark = pytest.mark.peer

POST = "app.bsky.feed.post"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30.0) as client:
        yield client


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _png_1x1() -> bytes:
    """A valid one-pixel PNG, built here so the test needs no data file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x10\x80\xff")  # filter byte + one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _byte_span(text: str, fragment: str) -> dict[str, int]:
    """UTF-8 byte offsets of ``fragment`` in ``text``, as facets need them."""
    start = len(text[: text.index(fragment)].encode())
    return {"byteStart": start, "byteEnd": start + len(fragment.encode())}


def _login(http: httpx.Client, peer: BlueskyPeer, account: BlueskyAccount) -> dict[str, Any]:
    response = http.post(
        peer.xrpc_url("com.atproto.server.createSession"),
        json={"identifier": account.handle, "password": account.app_password},
    )
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


def _bearer(session: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {session['accessJwt']}"}


def _create_post(
    http: httpx.Client, peer: BlueskyPeer, session: dict[str, Any], record: dict[str, Any]
) -> dict[str, Any]:
    response = http.post(
        peer.xrpc_url("com.atproto.repo.createRecord"),
        headers=_bearer(session),
        json={"repo": session["did"], "collection": POST, "record": record},
    )
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _text_post(text: str, **extra: Any) -> dict[str, Any]:
    return {"$type": POST, "text": text, "createdAt": _now(), "langs": ["fr"], **extra}


def test_app_password_session_can_be_refreshed(
    http: httpx.Client, bluesky_peer: BlueskyPeer
) -> None:
    account = bluesky_peer.create_account("session")
    session = _login(http, bluesky_peer, account)
    assert session["did"] == account.did
    assert session["handle"] == account.handle

    refreshed = http.post(
        bluesky_peer.xrpc_url("com.atproto.server.refreshSession"),
        headers={"Authorization": f"Bearer {session['refreshJwt']}"},
    )
    assert refreshed.status_code == 200, refreshed.text
    pair = refreshed.json()
    # The access JWT only carries second-precision times, so it may equal the old one; the
    # refresh JWT has a fresh id.
    assert pair["refreshJwt"] != session["refreshJwt"]
    assert pair["did"] == account.did

    who = http.get(bluesky_peer.xrpc_url("com.atproto.server.getSession"), headers=_bearer(pair))
    assert who.status_code == 200
    assert who.json()["did"] == account.did


def test_wrong_password_and_bad_token_errors(http: httpx.Client, bluesky_peer: BlueskyPeer) -> None:
    account = bluesky_peer.create_account("errors")
    wrong = http.post(
        bluesky_peer.xrpc_url("com.atproto.server.createSession"),
        json={"identifier": account.handle, "password": "not-the-password"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "AuthenticationRequired"

    garbage = http.get(
        bluesky_peer.xrpc_url("com.atproto.server.getSession"),
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"] == "InvalidToken"


def test_post_with_facets_and_image_round_trips(
    http: httpx.Client, bluesky_peer: BlueskyPeer
) -> None:
    author = bluesky_peer.create_account("author")
    mentioned = bluesky_peer.create_account("mentioned")
    session = _login(http, bluesky_peer, author)

    png = _png_1x1()
    uploaded = http.post(
        bluesky_peer.xrpc_url("com.atproto.repo.uploadBlob"),
        headers={**_bearer(session), "Content-Type": "image/png"},
        content=png,
    )
    assert uploaded.status_code == 200, uploaded.text
    blob = uploaded.json()["blob"]
    assert blob["mimeType"] == "image/png"
    assert blob["size"] == len(png)

    # Accented text: byte offsets differ from character offsets after "Été".
    link = "https://exemple.fr/été"
    handle = f"@{mentioned.handle}"
    text = f"Été 2026 : {link} #PME avec {handle}"
    facets = [
        {
            "index": _byte_span(text, link),
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
        },
        {
            "index": _byte_span(text, "#PME"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "PME"}],
        },
        {
            "index": _byte_span(text, handle),
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": mentioned.did}],
        },
    ]
    embed = {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "Un pixel", "image": blob, "aspectRatio": {"width": 1, "height": 1}}],
    }
    created = _create_post(
        http, bluesky_peer, session, _text_post(text, facets=facets, embed=embed)
    )
    assert created["validationStatus"] == "valid"
    assert created["uri"].startswith(f"at://{author.did}/{POST}/")

    rkey = created["uri"].rsplit("/", 1)[1]
    fetched = http.get(
        bluesky_peer.xrpc_url("com.atproto.repo.getRecord"),
        params={"repo": author.did, "collection": POST, "rkey": rkey},
    )
    assert fetched.status_code == 200
    value = fetched.json()["value"]
    assert fetched.json()["cid"] == created["cid"]
    assert value["text"] == text
    assert value["facets"] == facets
    assert value["embed"]["images"][0]["image"]["ref"] == blob["ref"]


def test_text_over_300_graphemes_is_rejected(http: httpx.Client, bluesky_peer: BlueskyPeer) -> None:
    session = _login(http, bluesky_peer, bluesky_peer.create_account("long"))
    response = http.post(
        bluesky_peer.xrpc_url("com.atproto.repo.createRecord"),
        headers=_bearer(session),
        json={"repo": session["did"], "collection": POST, "record": _text_post("é" * 301)},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidRequest"
    assert "grapheme" in response.json()["message"]


def test_put_record_with_a_fixed_rkey_is_idempotent(
    http: httpx.Client, bluesky_peer: BlueskyPeer
) -> None:
    session = _login(http, bluesky_peer, bluesky_peer.create_account("idem"))
    # A TID-shaped key the connector would derive from its own post id.
    rkey = "3kparvis22222"
    body = {
        "repo": session["did"],
        "collection": POST,
        "rkey": rkey,
        "record": _text_post("Publication rejouée deux fois"),
    }
    first = http.post(
        bluesky_peer.xrpc_url("com.atproto.repo.putRecord"), headers=_bearer(session), json=body
    )
    second = http.post(
        bluesky_peer.xrpc_url("com.atproto.repo.putRecord"), headers=_bearer(session), json=body
    )
    assert first.status_code == second.status_code == 200
    assert first.json()["uri"] == second.json()["uri"]
    assert first.json()["cid"] == second.json()["cid"]
    # The replay wrote no new commit.
    assert "commit" in first.json()
    assert "commit" not in second.json()

    listed = http.get(
        bluesky_peer.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": session["did"], "collection": POST},
    )
    assert [record["uri"] for record in listed.json()["records"]] == [first.json()["uri"]]


def test_create_with_a_taken_rkey_fails_without_a_duplicate(
    http: httpx.Client, bluesky_peer: BlueskyPeer
) -> None:
    """applyWrites#create on an existing rkey fails (500 on dev-env) and posts nothing twice."""
    session = _login(http, bluesky_peer, bluesky_peer.create_account("apply"))
    write = {
        "$type": "com.atproto.repo.applyWrites#create",
        "collection": POST,
        "rkey": "3kparvis33333",
        "value": _text_post("Création idempotente"),
    }
    url = bluesky_peer.xrpc_url("com.atproto.repo.applyWrites")
    body = {"repo": session["did"], "writes": [write]}
    first = http.post(url, headers=_bearer(session), json=body)
    assert first.status_code == 200, first.text
    assert first.json()["results"][0]["validationStatus"] == "valid"
    replay = http.post(url, headers=_bearer(session), json=body)
    assert replay.status_code >= 400
    listed = http.get(
        bluesky_peer.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": session["did"], "collection": POST},
    )
    assert len(listed.json()["records"]) == 1


def test_delete_record(http: httpx.Client, bluesky_peer: BlueskyPeer) -> None:
    session = _login(http, bluesky_peer, bluesky_peer.create_account("delete"))
    created = _create_post(http, bluesky_peer, session, _text_post("À supprimer"))
    rkey = created["uri"].rsplit("/", 1)[1]
    deleted = http.post(
        bluesky_peer.xrpc_url("com.atproto.repo.deleteRecord"),
        headers=_bearer(session),
        json={"repo": session["did"], "collection": POST, "rkey": rkey},
    )
    assert deleted.status_code == 200, deleted.text
    gone = http.get(
        bluesky_peer.xrpc_url("com.atproto.repo.getRecord"),
        params={"repo": session["did"], "collection": POST, "rkey": rkey},
    )
    assert gone.status_code == 400
    assert gone.json()["error"] == "RecordNotFound"


def _reply_ref(post: dict[str, Any]) -> dict[str, Any]:
    ref = {"uri": post["uri"], "cid": post["cid"]}
    return {"root": ref, "parent": ref}


def _assert_needs_appview(response: httpx.Response) -> None:
    """Without an AppView the PDS cannot answer app.bsky.* reads."""
    assert response.status_code == 502
    assert response.json()["error"] == "UpstreamFailure"


def test_reply_and_mention_reach_notifications_thread_and_feed(
    http: httpx.Client, bluesky_peer: BlueskyPeer
) -> None:
    brand = bluesky_peer.create_account("brand")
    customer = bluesky_peer.create_account("customer")
    brand_session = _login(http, bluesky_peer, brand)
    customer_session = _login(http, bluesky_peer, customer)

    original = _create_post(http, bluesky_peer, brand_session, _text_post("Nouveau catalogue !"))
    # The AppView indexes each repo on its own queue: a reply indexed before its parent gets
    # no notification. Real replies come after their parent was seen, so let it catch up.
    bluesky_peer.sync()
    reply_text = "Super, merci !"
    reply = _create_post(
        http, bluesky_peer, customer_session, _text_post(reply_text, reply=_reply_ref(original))
    )
    mention_text = f"Question pour @{brand.handle} : livrez-vous à Lyon ?"
    mention_facet = {
        "index": _byte_span(mention_text, f"@{brand.handle}"),
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": brand.did}],
    }
    mention = _create_post(
        http, bluesky_peer, customer_session, _text_post(mention_text, facets=[mention_facet])
    )
    bluesky_peer.sync()

    notifications = http.get(
        bluesky_peer.xrpc_url("app.bsky.notification.listNotifications"),
        headers=_bearer(brand_session),
        params={"limit": 50},
    )
    if not bluesky_peer.has_appview:
        _assert_needs_appview(notifications)
        return
    assert notifications.status_code == 200, notifications.text
    by_uri = {item["uri"]: item for item in notifications.json()["notifications"]}
    assert by_uri[reply["uri"]]["reason"] == "reply"
    assert by_uri[reply["uri"]]["reasonSubject"] == original["uri"]
    assert by_uri[reply["uri"]]["author"]["did"] == customer.did
    assert by_uri[mention["uri"]]["reason"] == "mention"
    assert by_uri[mention["uri"]]["record"]["text"] == mention_text

    thread = http.get(
        bluesky_peer.xrpc_url("app.bsky.feed.getPostThread"),
        headers=_bearer(brand_session),
        params={"uri": original["uri"], "depth": 6},
    )
    assert thread.status_code == 200, thread.text
    replies = thread.json()["thread"]["replies"]
    assert [item["post"]["uri"] for item in replies] == [reply["uri"]]
    assert replies[0]["post"]["record"]["text"] == reply_text
    assert thread.json()["thread"]["post"]["replyCount"] == 1

    feed = http.get(
        bluesky_peer.xrpc_url("app.bsky.feed.getAuthorFeed"),
        headers=_bearer(brand_session),
        params={"actor": brand.did, "limit": 10},
    )
    assert feed.status_code == 200, feed.text
    assert [item["post"]["uri"] for item in feed.json()["feed"]] == [original["uri"]]


def test_rate_limit_headers_and_429(http: httpx.Client, bluesky_peer: BlueskyPeer) -> None:
    """createSession: 30 per 5 min per account, with the RateLimit-* headers of bsky.social."""
    assert bluesky_peer.rate_limits, "the session fixture starts the PDS with rate limits on"
    account = bluesky_peer.create_account("limits")
    body = {"identifier": account.handle, "password": account.app_password}
    url = bluesky_peer.xrpc_url("com.atproto.server.createSession")

    first = http.post(url, json=body)
    assert first.status_code == 200
    assert first.headers["ratelimit-limit"] == "30"
    assert first.headers["ratelimit-policy"] == "30;w=300"
    assert int(first.headers["ratelimit-reset"]) > datetime.now(UTC).timestamp()
    remaining = int(first.headers["ratelimit-remaining"])

    answers = [http.post(url, json=body) for _ in range(remaining + 1)]
    refused = answers[-1]
    assert all(answer.status_code == 200 for answer in answers[:-1])
    assert refused.status_code == 429
    assert refused.json()["error"] == "RateLimitExceeded"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert int(refused.headers["retry-after"]) > 0


def test_missing_install_names_the_command_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARVIS_PEERS_CACHE", str(tmp_path))
    with pytest.raises(BlueskyPeerError) as failure:
        ensure_bluesky_installed(allow_install=False)
    assert str(INSTALL_SCRIPT) in str(failure.value)
    assert str(tmp_path) in str(failure.value)


def test_full_mode_without_postgres_says_what_is_missing() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with (
        pytest.raises(BlueskyPeerError, match="PostgreSQL is not reachable"),
        start_bluesky_network(
            mode="full", postgres_url=f"postgresql://postgres@127.0.0.1:{closed_port}/test"
        ),
    ):
        pass
