"""The connector contract for Bluesky, against a real atproto network (``@atproto/dev-env``:
PLC + PDS + AppView, its own Node process) behind the fault proxy; then what is Bluesky's own:
deterministic record keys, facets, embeds, session refresh with real expired JWTs, threads.

The AppView indexes the PDS asynchronously: the harness's HTTP client waits for it
(``peer.sync()``) after every successful repository write, as a real client would wait a moment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from parvis.networks import jsonread
from parvis.networks.bluesky import client as api
from parvis.networks.bluesky.connector import BlueskyConnector
from parvis.networks.contracts import Draft, InboundKind, MediaFile, TokenSet
from parvis.networks.errors import AuthExpired, NotSupported, Rejected, Unconfirmed
from tests.networks.contract import PNG_BYTES, TEST_POLICY, ConnectorContract, draft, unique_text
from tests.peers.bluesky import BlueskyAccount, BlueskyPeer, bluesky_peer
from tests.peers.faultproxy import Fault, FaultProxy

pytestmark = pytest.mark.peer
__all__ = ["bluesky_peer"]  # the session fixture, imported for pytest

# The AppView answers thread and notification reads in about 0.5 s on a busy 2-core machine:
# 2 s still trips the contract's 3 s hangs.
POLICY = replace(TEST_POLICY, timeout=2.0)
DEV_ENV_JWT_SECRET = b"jwt-secret"  # @atproto/dev-env const.js: the PDS signs sessions with it


class BlueskyHarness:
    """Fresh accounts per test: the owner (the connected account) and a fan who writes to it."""

    network = "bluesky"

    def __init__(self, peer: BlueskyPeer, proxy: FaultProxy) -> None:
        self.peer = peer
        self.proxy = proxy
        self.owner = peer.create_account("owner")
        self.fan = peer.create_account("fan")
        self.account_id = self.owner.did
        self.setup = httpx.Client(headers=peer.setup_headers(), timeout=30.0)
        self.session = self.create_session(self.owner)
        self.fan_session = self.create_session(self.fan)
        self.http = httpx.Client(event_hooks={"response": [self._wait_for_appview]})

    def close(self) -> None:
        self.http.close()
        self.setup.close()

    def _wait_for_appview(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if response.is_success and "com.atproto.repo." in path and "uploadBlob" not in path:
            self.peer.sync()

    def create_session(self, account: BlueskyAccount) -> dict[str, Any]:
        answer = self.setup.post(
            self.peer.xrpc_url("com.atproto.server.createSession"),
            json={"identifier": account.handle, "password": account.app_password},
        )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        return body

    def tokens(self, session: dict[str, Any] | None = None) -> TokenSet:
        session = session or self.session
        access = session["accessJwt"]
        return TokenSet(access, session["refreshJwt"], expires_at=api.jwt_expiry(access))

    def connector(self, **overrides: Any) -> BlueskyConnector:
        options: dict[str, Any] = {
            "tokens": self.tokens(),
            "account_id": self.account_id,
            "http": self.http,
            "base_url": self.proxy.url,
            "policy": POLICY,
            "sleep": lambda seconds: None,
        }
        options.update(overrides)
        return BlueskyConnector(**options)

    def record(self, uri: str) -> dict[str, Any] | None:
        did, collection, rkey = api.split_uri(uri)
        answer = self.setup.get(
            self.peer.xrpc_url("com.atproto.repo.getRecord"),
            params={"repo": did, "collection": collection, "rkey": rkey},
        )
        return answer.json() if answer.status_code == 200 else None

    def published_texts(self) -> list[str]:
        answer = self.setup.get(
            self.peer.xrpc_url("com.atproto.repo.listRecords"),
            params={"repo": self.owner.did, "collection": api.POST_COLLECTION, "limit": 100},
        )
        answer.raise_for_status()
        return [item["value"]["text"] for item in answer.json()["records"]]

    def post_exists(self, remote_id: str) -> bool:
        return self.record(remote_id) is not None

    def add_inbound(self, text: str, *, reply_to: str | None = None) -> str:
        record: dict[str, Any] = {
            "$type": api.POST_COLLECTION,
            "createdAt": api.iso_now(datetime.now(UTC)),
        }
        if reply_to:
            parent = self.record(reply_to)
            assert parent is not None
            ref = {"uri": parent["uri"], "cid": parent["cid"]}
            root = parent["value"].get("reply", {}).get("root", ref)
            record |= {"text": text, "reply": {"root": root, "parent": ref}}
        else:
            mention = f"@{self.owner.handle}"
            end = len(mention.encode())
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": self.owner.did}
            facet = {"index": {"byteStart": 0, "byteEnd": end}, "features": [feature]}
            record |= {"text": f"{mention} {text}", "facets": [facet]}
        answer = self.setup.post(
            self.peer.xrpc_url("com.atproto.repo.createRecord"),
            json={"repo": self.fan.did, "collection": api.POST_COLLECTION, "record": record},
            headers={"Authorization": f"Bearer {self.fan_session['accessJwt']}"},
        )
        answer.raise_for_status()
        self.peer.sync()
        return str(answer.json()["uri"])

    def expire_access_token(self) -> None:
        """Never called by the contract (``oauth`` is None); see the session tests below,
        which hand the connector a really expired JWT instead."""

    def post_path(self) -> str:
        return "com.atproto.repo.putRecord"


def expired(token: str) -> str:
    """The same access JWT with ``exp`` in the past, signed again with the dev PDS's secret:
    the real PDS answers it with its real ``400 ExpiredToken``."""
    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 60
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signing_input = f"{header}.{encoded}".encode()
    signature = hmac.new(DEV_ENV_JWT_SECRET, signing_input, hashlib.sha256).digest()
    return f"{header}.{encoded}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


@pytest.fixture
def harness(bluesky_peer: BlueskyPeer, fault_proxy_factory: Any) -> Iterator[BlueskyHarness]:
    harness = BlueskyHarness(bluesky_peer, fault_proxy_factory(bluesky_peer.pds_url))
    yield harness
    harness.close()


class TestBlueskyContract(ConnectorContract):
    def test_rejection_carries_the_networks_reason(self, harness: Any) -> None:
        """Replaces the contract's "same draft twice is refused": on Bluesky the same draft is
        the same record (tested below). A lexicon violation carries the PDS's reason."""
        with pytest.raises(Rejected) as caught:
            harness.connector().publish(draft("é" * 301))
        assert caught.value.remote_code == "InvalidRequest"
        assert "grapheme too big" in caught.value.reason
        assert caught.value.reason in caught.value.user_message


# --- one draft, one record --------------------------------------------------------------------


def test_record_keys_are_valid_tids_derived_from_the_key() -> None:
    keys = {api.record_key(f"post-{n}") for n in range(500)}
    assert len(keys) == 500 and api.record_key("post-1") == api.record_key("post-1")
    assert all(
        re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", k) for k in keys
    )


def test_the_same_draft_twice_is_one_record(harness: BlueskyHarness) -> None:
    connector = harness.connector()
    post = draft(unique_text("idempotent"))
    first, second = connector.publish(post), connector.publish(post)
    assert first.remote_id == second.remote_id and second.reconciled
    assert first.remote_id.endswith("/" + api.record_key(post.idempotency_key))
    assert harness.published_texts().count(post.text) == 1


def test_a_retry_after_a_lost_answer_does_not_double_post(harness: BlueskyHarness) -> None:
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path=harness.post_path())
    connector = harness.connector()
    post = draft(unique_text("rejoué"))
    with pytest.raises(Unconfirmed):
        connector.publish(post)
    again = connector.publish(post)  # the retry meets its own record ("InvalidSwap")
    assert again.reconciled and harness.published_texts().count(post.text) == 1


# --- what the record holds --------------------------------------------------------------------


def test_facets_link_tag_and_resolved_mention(harness: BlueskyHarness) -> None:
    text = f"Café à @{harness.fan.handle} et @inconnu.test #Lyon https://www.parvis.fr/a?b=c"
    result = harness.connector().publish(draft(text))
    record = harness.record(result.remote_id)
    assert record is not None
    raw = record["value"]["text"].encode()
    spans = {}
    for facet in record["value"]["facets"]:
        feature = facet["features"][0]
        spans[feature["$type"].rpartition("#")[2]] = (
            raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode(),
            feature,
        )
    assert spans["mention"] == (
        f"@{harness.fan.handle}",
        {"$type": "app.bsky.richtext.facet#mention", "did": harness.fan.did},
    )
    assert spans["tag"][0] == "#Lyon" and spans["tag"][1]["tag"] == "Lyon"
    assert spans["link"][1]["uri"] == "https://www.parvis.fr/a?b=c"
    assert len(record["value"]["facets"]) == 3  # the unknown handle stays plain text


def test_link_card(harness: BlueskyHarness) -> None:
    post = Draft(unique_text("carte"), "card-1", link="https://parvis.example/offre", title="Offre")
    record = harness.record(harness.connector().publish(post).remote_id)
    assert record is not None
    assert record["value"]["text"].endswith("https://parvis.example/offre")
    assert record["value"]["embed"]["external"] == {
        "uri": "https://parvis.example/offre",
        "title": "Offre",
        "description": "",
    }


def png(n: int) -> MediaFile:
    content = PNG_BYTES + b"\x00" * n  # distinct bytes: four distinct blobs
    return MediaFile(
        "image/png", len(content), 1200, 800, alt_text=f"Vue {n}", data=lambda: content
    )


def test_four_images_with_alt_text_and_aspect_ratio(harness: BlueskyHarness) -> None:
    images = tuple(png(n) for n in range(4))
    post = draft(unique_text("galerie"), media=images)
    record = harness.record(harness.connector().publish(post).remote_id)
    assert record is not None
    embedded = record["value"]["embed"]["images"]
    assert [i["alt"] for i in embedded] == ["Vue 0", "Vue 1", "Vue 2", "Vue 3"]
    assert embedded[0]["aspectRatio"] == {"width": 1200, "height": 800}
    assert embedded[0]["image"]["mimeType"] == "image/png"


def test_image_over_the_blob_limit_is_refused_before_upload(harness: BlueskyHarness) -> None:
    big = b"\x00" * 2_000_001
    image = MediaFile("image/png", len(big), 100, 100, data=lambda: big)
    with pytest.raises(Rejected):
        harness.connector().publish(draft(unique_text("lourd"), media=(image,)))
    assert not [s for s in harness.proxy.seen if "uploadBlob" in s.path]


# --- session ----------------------------------------------------------------------------------


def test_expired_access_jwt_is_refreshed_once(harness: BlueskyHarness) -> None:
    stored: list[TokenSet] = []
    tokens = TokenSet(expired(harness.session["accessJwt"]), harness.session["refreshJwt"])
    connector = harness.connector(tokens=tokens, on_tokens_refreshed=stored.append)
    assert connector.account_info().remote_id == harness.owner.did
    calls = [s.path.split("?")[0].rpartition(".")[2] for s in harness.proxy.seen]
    assert calls == ["getSession", "refreshSession", "getSession"]
    assert len(stored) == 1 and stored[0].refresh_token != harness.session["refreshJwt"]


def test_refresh_ahead_of_expiry(harness: BlueskyHarness) -> None:
    stored: list[TokenSet] = []
    session = harness.session
    soon = jsonread.parse_time("2000-01-01T00:00:00Z")  # already inside the margin
    tokens = TokenSet(session["accessJwt"], session["refreshJwt"], expires_at=soon)
    harness.connector(tokens=tokens, on_tokens_refreshed=stored.append).account_info()
    assert len(stored) == 1 and stored[0].expires_at is not None and stored[0].expires_at > soon


def test_refused_refresh_is_auth_expired(harness: BlueskyHarness) -> None:
    old = harness.session
    # A rotated refresh JWT stays usable for a grace period; signing out revokes it for good.
    harness.setup.post(
        harness.peer.xrpc_url("com.atproto.server.deleteSession"),
        headers={"Authorization": f"Bearer {old['refreshJwt']}"},
    ).raise_for_status()
    tokens = TokenSet(expired(old["accessJwt"]), old["refreshJwt"])
    with pytest.raises(AuthExpired) as caught:
        harness.connector(tokens=tokens).account_info()
    assert caught.value.permanent and "reconnectez" in caught.value.user_message


# --- reading ----------------------------------------------------------------------------------


def test_thread_comments(harness: BlueskyHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("fil")))
    first = harness.add_inbound("Bravo", reply_to=post.remote_id)
    nested = harness.add_inbound("Et la suite ?", reply_to=first)
    ours = connector.reply(parent_id=first, text="Merci !")  # not a comment to handle
    answer = harness.record(ours.remote_id)
    assert answer is not None and answer["value"]["reply"]["root"]["uri"] == post.remote_id
    assert answer["value"]["reply"]["parent"]["uri"] == first
    comments = connector.post_comments(post.remote_id)
    assert [c.remote_id for c in comments] == [first, nested]
    assert comments[1].parent_id == first and comments[1].thread_id == post.remote_id
    assert comments[0].author_handle == harness.fan.handle


def test_direct_messages_are_not_supported_yet(harness: BlueskyHarness) -> None:
    with pytest.raises(NotSupported):
        harness.connector().read_inbound(InboundKind.DM)


# --- one answer, one record -------------------------------------------------------------------


def test_a_lost_answer_is_found_not_sent_twice(harness: BlueskyHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("question")))
    question = harness.add_inbound("Vous livrez à Brest ?", reply_to=post.remote_id)
    since = datetime.now(UTC)
    answer = "Oui, chaque mardi."
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path=harness.post_path())
    with pytest.raises(Unconfirmed):
        connector.reply(parent_id=question, text=answer)
    found = connector.reconcile_reply(parent_id=question, text=answer, since=since)
    assert found is not None and found.reconciled
    again = connector.reply(parent_id=question, text=answer)  # a blind retry meets it too
    assert again.reconciled and again.remote_id == found.remote_id
    assert harness.published_texts().count(answer) == 1
    stored = harness.record(found.remote_id)
    assert stored is not None and stored["value"]["reply"]["parent"]["uri"] == question


def test_the_same_words_below_another_message_are_another_answer(
    harness: BlueskyHarness,
) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("deux questions")))
    first = harness.add_inbound("Ouvert lundi ?", reply_to=post.remote_id)
    second = harness.add_inbound("Et mardi ?", reply_to=post.remote_id)
    since = datetime.now(UTC)
    one = connector.reply(parent_id=first, text="Oui.")
    assert connector.reconcile_reply(parent_id=second, text="Oui.", since=since) is None
    two = connector.reply(parent_id=second, text="Oui.")
    assert one.remote_id != two.remote_id and not two.reconciled
    assert harness.published_texts().count("Oui.") == 2


def test_revoked_tokens_can_no_longer_be_renewed(harness: BlueskyHarness) -> None:
    """An organisation's deletion signs its Bluesky sessions out: the refresh JWT dies at the
    PDS, so a copy of the tokens (a stolen backup, say) cannot buy a new session."""
    session = harness.session
    harness.connector().revoke_tokens()
    assert [s.path.split("?")[0].rpartition(".")[2] for s in harness.proxy.seen] == [
        "deleteSession"
    ]
    tokens = TokenSet(expired(session["accessJwt"]), session["refreshJwt"])
    with pytest.raises(AuthExpired):
        harness.connector(tokens=tokens).account_info()
