"""Meta's Graph dialect (error envelope, throttling headers, appsecret_proof, metric names)
and the Facebook features the shared contract does not reach: photos and videos uploaded,
several photos, links, comments with cursors, replies to comments, Messenger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks import jsonread
from parvis.networks.contracts import AppCredentials, Draft, InboundKind, MediaFile
from parvis.networks.errors import (
    AuthExpired,
    NotSupported,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.facebook.connector import FacebookConnector
from parvis.networks.instagram.connector import InstagramConnector
from parvis.networks.meta import graph
from parvis.networks.oauth import authorization_request
from tests.networks.test_facebook_contract import FacebookHarness
from tests.networks.test_instagram_contract import InstagramHarness
from tests.peers.faultproxy import Fault
from tests.peers.meta_fake import DAY, MetaFake, meta_fake

pytestmark = pytest.mark.peer
__all__ = ["meta_fake"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 512
IMAGE = MediaFile("image/png", len(PNG), 1200, 800, data=lambda: PNG)
VIDEO = MediaFile("video/mp4", 2048, 1280, 720, duration=6.0, data=lambda: b"\x01" * 2048)


@pytest.fixture
def facebook(meta_fake: MetaFake, fault_proxy_factory: Any) -> Iterator[FacebookHarness]:
    harness = FacebookHarness(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


@pytest.fixture(params=["facebook", "instagram"])
def either(
    request: pytest.FixtureRequest, meta_fake: MetaFake, fault_proxy_factory: Any
) -> Iterator[FacebookHarness | InstagramHarness]:
    kind = FacebookHarness if request.param == "facebook" else InstagramHarness
    harness = kind(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


def envelope(code: int, subcode: int | None = None, message: str = "Graph says no") -> Any:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbC",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


@pytest.mark.parametrize(
    ("status", "code", "subcode", "expected"),
    [
        (400, 190, 463, AuthExpired),
        (400, 190, 467, AuthExpired),
        (401, 190, 460, AuthExpired),
        (400, 102, None, AuthExpired),
        (403, 200, None, AuthExpired),
        (403, 10, None, AuthExpired),
        (400, 4, None, RateLimited),
        (400, 17, None, RateLimited),
        (403, 32, None, RateLimited),
        (400, 613, None, RateLimited),
        (400, 80001, None, RateLimited),
        (400, 80002, None, RateLimited),
        (500, 1, None, Transient),
        (503, 2, None, Transient),
        (400, 100, 33, Rejected),
        (400, 368, None, Rejected),
        (400, 506, None, Rejected),
    ],
)
def test_graph_error_codes_map_to_the_taxonomy(
    either: Any, status: int, code: int, subcode: int | None, expected: type[Exception]
) -> None:
    either.proxy.inject(Fault.json(status, envelope(code, subcode)), times=None)
    with pytest.raises(expected) as caught:
        either.connector().account_info()
    if isinstance(caught.value, Rejected):
        assert caught.value.reason == "Graph says no"
        assert caught.value.remote_code == (f"{code}/{subcode}" if subcode else str(code))
    if isinstance(caught.value, RateLimited):  # no usage header: Meta's rolling window
        assert caught.value.retry_at > datetime.now(UTC) + timedelta(minutes=14)


def test_user_message_is_preferred_as_the_reason(facebook: FacebookHarness) -> None:
    body = envelope(100, message="(#100) Invalid parameter")
    body["error"]["error_user_msg"] = "Le lien n’a pas pu être lu."
    facebook.proxy.inject(Fault.json(400, body), method="POST")
    with pytest.raises(Rejected) as caught:
        facebook.connector().publish(Draft("Un lien", "k", link="https://parvis.example"))
    assert caught.value.reason == "Le lien n’a pas pu être lu."


def test_the_fakes_own_throttling_sends_usage_headers(either: Any) -> None:
    connector = either.connector()
    either.fake.throttle_after(2, code=32 if either.network == "facebook" else 80002)
    connector.account_info()
    assert connector.usage_percent == 50  # one call out of two in the window
    connector.account_info()
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        connector.account_info()
    # estimated_time_to_regain_access: the rest of the rolling hour, in whole minutes
    assert before + timedelta(minutes=58) <= caught.value.retry_at
    assert caught.value.retry_at <= datetime.now(UTC) + timedelta(minutes=61)


def test_appsecret_proof_is_required_and_checked(either: Any) -> None:
    with pytest.raises(Rejected, match="appsecret_proof"):
        either.connector(app=None).account_info()
    assert either.connector().account_info().remote_id == either.account_id


@pytest.mark.parametrize(
    ("network", "retired"),
    [
        ("facebook", "post_impressions"),
        ("facebook", "post_impressions_unique"),
        ("instagram", "impressions"),
        ("instagram", "plays"),
        ("instagram", "video_views"),
    ],
)
def test_retired_metric_names_are_refused(
    meta_fake: MetaFake, fault_proxy_factory: Any, network: str, retired: str
) -> None:
    kind = FacebookHarness if network == "facebook" else InstagramHarness
    harness = kind(meta_fake, fault_proxy_factory(meta_fake.url))
    connector = harness.connector()
    post = connector.publish(Draft(f"Stats {retired}", "k", media=()))
    with pytest.raises(Rejected, match="100"):
        connector.insights(post.remote_id, (retired,))
    current = connector.capabilities.post_metrics
    assert {p.name for p in connector.insights(post.remote_id, current)} == set(current)


def test_retired_page_metric_is_refused(facebook: FacebookHarness) -> None:
    connector = facebook.connector()
    with pytest.raises(Rejected):
        connector.insights(facebook.account_id, ("page_fans",), "day")
    points = connector.account_metrics()
    assert {p.period for p in points} == {timedelta(days=1)}


def test_photos_and_video_are_uploaded_even_with_a_public_url(facebook: FacebookHarness) -> None:
    """Facebook takes the bytes: a Parvis behind a home router, whose public address Facebook
    cannot reach, still publishes pictures and videos."""
    connector = facebook.connector(media_url=lambda m: f"https://media.parvis.example/{m.mime}")
    with_url = MediaFile(
        "image/png", len(PNG), 1200, 800, data=lambda: PNG, url="https://x.example/p"
    )
    photo = connector.publish(Draft("Une photo", "k1", media=(with_url,), link="https://p.example"))
    node = facebook.fake.node(photo.remote_id)
    assert node is not None and node.data["message"] == "Une photo\n\nhttps://p.example"
    uploaded = facebook.fake.node(node.data["attached"][0])
    assert uploaded is not None and uploaded.data["source"] == f"{len(PNG)} bytes"
    video = connector.publish(Draft("Une vidéo", "k2", media=(VIDEO,)))
    assert facebook.fake.node(video.remote_id) is not None
    posts = [p.rsplit("/", 1)[-1] for m, p in facebook.fake.requests if m == "POST"]
    assert posts[0] == "photos" and posts[-1] == "videos" and "uploads" in posts


def test_several_photos_are_attached_to_one_post(facebook: FacebookHarness) -> None:
    result = facebook.connector().publish(Draft("Trois photos", "k", media=(IMAGE,) * 3))
    post = facebook.fake.node(result.remote_id)
    assert post is not None and len(post.data["attached"]) == 3
    photos = [facebook.fake.node(i) for i in post.data["attached"]]
    assert all(p is not None and p.data["published"] is False for p in photos)


def test_link_post_and_duplicate(facebook: FacebookHarness) -> None:
    connector = facebook.connector()
    result = connector.publish(Draft("Notre offre", "k", link="https://parvis.example/offre"))
    node = facebook.fake.node(result.remote_id)
    assert node is not None and node.data["link"] == "https://parvis.example/offre"
    with pytest.raises(Rejected) as caught:
        connector.publish(Draft("Notre offre", "k", link="https://parvis.example/offre"))
    assert caught.value.remote_code == "506"


def test_comments_are_read_with_cursors_and_replied_to(facebook: FacebookHarness) -> None:
    connector = facebook.connector()
    posts = [connector.publish(Draft(f"Billet {n}", f"k{n}")).remote_id for n in range(12)]
    seeded = {facebook.fake.add_comment(post, f"Question sur {post}") for post in posts}
    first = connector.read_inbound(InboundKind.COMMENT)
    assert len(first.items) == 10 and first.next_cursor  # 10 posts per page
    second = connector.read_inbound(InboundKind.COMMENT, cursor=first.next_cursor)
    assert second.next_cursor is None
    items = first.items + second.items
    assert {i.remote_id for i in items} == seeded
    assert all(i.parent_id == i.thread_id and i.author_name for i in items)
    answer = connector.reply(parent_id=items[0].remote_id, text="Bonne question !")
    node = facebook.fake.node(answer.remote_id)
    assert node is not None and node.data["parent"]["id"] == items[0].remote_id
    again = connector.read_inbound(InboundKind.COMMENT, limit=100)
    assert answer.remote_id not in {i.remote_id for i in again.items}  # our own answers


def test_a_lost_answer_is_found_not_sent_twice(facebook: FacebookHarness) -> None:
    connector = facebook.connector()
    post = connector.publish(Draft("Portes ouvertes samedi", "k")).remote_id
    question = facebook.fake.add_comment(post, "À quelle heure ?")
    since = datetime.now(UTC) - timedelta(seconds=5)
    answer = "Dès 9 h, jusqu’à 18 h."
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    facebook.fake.add_comment(question, answer)  # a visitor's words are not the Page's answer
    connector.reply(parent_id=post, text=answer)  # nor is the Page's comment on the post
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    facebook.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/comments")
    with pytest.raises(Unconfirmed):
        connector.reply(parent_id=question, text=answer)
    found = connector.reconcile_reply(parent_id=question, text=answer, since=since)
    assert found is not None and found.reconciled
    node = facebook.fake.node(found.remote_id)
    assert node is not None and node.data["parent"]["id"] == question
    assert node.data["from"]["id"] == facebook.fake.page_id


def test_beyond_three_pages_of_answers_the_lookup_cannot_tell(facebook: FacebookHarness) -> None:
    connector = facebook.connector()
    post = connector.publish(Draft("Très commenté", "k")).remote_id
    for n in range(301):
        facebook.fake.add_comment(post, f"Avis {n}")
    since = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(NotSupported):
        connector.reconcile_reply(parent_id=post, text="Merci à tous", since=since)


def test_messenger_conversations(facebook: FacebookHarness) -> None:
    facebook.fake.add_message("messenger", "Vous êtes ouverts samedi ?")
    page = facebook.connector().read_inbound(InboundKind.DM)
    [item] = page.items
    assert item.text == "Vous êtes ouverts samedi ?" and item.thread_id and item.author_id


def test_reconcile_finds_a_photo_post_by_its_caption(facebook: FacebookHarness) -> None:
    started = datetime.now(UTC) - timedelta(seconds=5)
    facebook.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/photos")
    post = Draft("Photo perdue", "k", media=(IMAGE,), link="https://parvis.example")
    result = facebook.connector().publish_and_confirm(post, started_at=started)
    assert result.reconciled and facebook.post_exists(result.remote_id)
    assert len(facebook.fake.page_posts()) == 1


def test_usage_headers_parse() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    headers = httpx.Headers(
        {
            "X-App-Usage": json.dumps({"call_count": 28, "total_time": 25, "total_cputime": 25}),
            "X-Business-Use-Case-Usage": json.dumps(
                {"1": [{"type": "pages", "call_count": 91, "estimated_time_to_regain_access": 19}]}
            ),
        }
    )
    assert graph.usage_percent(headers) == 91
    assert graph.regain_access_at(headers, now) == now + timedelta(minutes=19)
    garbage = httpx.Headers({"X-App-Usage": "{not json", "X-Business-Use-Case-Usage": "[1]"})
    assert graph.usage_percent(garbage) == 0 and graph.regain_access_at(garbage, now) is None
    # Graph's timestamps are read by the shared reader (tests/networks/test_jsonread.py).
    assert jsonread.parse_time("2026-11-01T08:00:00+0000") == datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_login_urls_follow_metas_dialogs() -> None:
    app = AppCredentials("123", "secret")
    for cls, start in (
        (FacebookConnector, "https://www.facebook.com/v25.0/dialog/oauth?"),
        (InstagramConnector, "https://www.instagram.com/oauth/authorize?"),
    ):
        assert cls.oauth is not None
        request = authorization_request(cls.oauth, app, redirect_uri="https://p.example/cb")
        query = httpx.URL(request.url).params
        assert request.url.startswith(start) and request.code_verifier is None
        assert query["response_type"] == "code" and "," in query["scope"]
        assert query["scope"].split(",") == list(cls.oauth.scopes)


def test_direct_messages_are_answered_inside_the_24_hour_window(either: Any) -> None:
    platform = "messenger" if either.network == "facebook" else "instagram"
    either.fake.add_message(platform, "Avez-vous la taille 42 ?")
    connector = either.connector()
    [question] = connector.read_inbound(InboundKind.DM).items
    sent = connector.send_message(recipient_id=question.author_id, text="Oui, en stock.")
    conversation = either.fake.node(question.thread_id)
    assert conversation is not None and conversation.edge("messages")[-1] == sent.remote_id
    assert connector.read_inbound(InboundKind.DM).items == (question,)  # not our own answer
    either.fake.advance(DAY + 60)
    with pytest.raises(Rejected, match="outside of allowed window"):
        connector.send_message(recipient_id=question.author_id, text="Toujours là ?")
