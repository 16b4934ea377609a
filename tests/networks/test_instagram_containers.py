"""Instagram's asynchronous publishing against the fake's container state machine, plus the
publishing quota, carousels, conversations and the two login stacks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks.contracts import AppCredentials, Draft, InboundKind, MediaFile, TokenSet
from parvis.networks.errors import RateLimited, Rejected, Transient, Unconfirmed
from parvis.networks.facebook.login import pages_after_login
from parvis.networks.instagram import login
from parvis.networks.instagram.connector import InstagramConnector
from parvis.networks.meta import login as meta_login
from tests.networks.test_instagram_contract import (
    SQUARE,
    InstagramHarness,
    PictureByDefaultConnector,
)
from tests.peers.faultproxy import Fault
from tests.peers.meta_fake import DAY, MetaFake, meta_fake

pytestmark = pytest.mark.peer
__all__ = ["meta_fake"]

VIDEO = MediaFile("video/mp4", 4096, 1080, 1920, duration=8.0, data=lambda: b"\x00" * 4096)


class ImpatientConnector(PictureByDefaultConnector):
    container_max_polls = 3


@pytest.fixture
def harness(meta_fake: MetaFake, fault_proxy_factory: Any) -> Iterator[InstagramHarness]:
    harness = InstagramHarness(meta_fake, fault_proxy_factory(meta_fake.url))
    yield harness
    harness.http.close()


def post(text: str, *media: MediaFile) -> Draft:
    return Draft(text=text, idempotency_key=text, media=media or (SQUARE,))


def polls(fake: MetaFake) -> int:
    containers = {c.id for c in fake.containers()}
    return sum(1 for method, path in fake.requests if method == "GET" and path[1:] in containers)


def test_slow_processing_is_polled_until_finished(harness: InstagramHarness) -> None:
    harness.fake.set_processing(video=0.4)
    result = harness.connector().publish(post("Notre atelier en vidéo", VIDEO))
    media = harness.fake.node(result.remote_id)
    assert media is not None and media.data["media_product_type"] == "REELS"
    assert 2 <= polls(harness.fake) <= 40  # IN_PROGRESS at least once, within the bound


def test_processing_longer_than_the_bound_is_transient_and_publishes_nothing(
    harness: InstagramHarness,
) -> None:
    harness.fake.set_processing(video=3600)
    connector = harness.connector(connector_class=ImpatientConnector)
    with pytest.raises(Transient, match="still being processed"):
        connector.publish(post("Trop long", VIDEO))
    assert polls(harness.fake) == 3
    assert not any(path.endswith("/media_publish") for _, path in harness.fake.requests)


def test_error_container_is_rejected_with_metas_status(harness: InstagramHarness) -> None:
    status = "Error: The video format is not supported (2207026)"
    harness.fake.fail_media("media.parvis.example", status)
    with pytest.raises(Rejected) as caught:
        harness.connector().publish(post("Format refusé", VIDEO))
    assert caught.value.reason == status and caught.value.remote_code == "ERROR"
    assert harness.fake.ig_media() == []


def test_expired_container_is_transient(harness: InstagramHarness) -> None:
    harness.fake.set_processing(image=3600)
    connector = harness.connector(sleep=lambda seconds: harness.fake.advance(DAY + 60))
    with pytest.raises(Transient, match="expired"):
        connector.publish(post("Oublié 24 h"))
    assert [c.data.get("published_as") for c in harness.fake.containers()] == [None]


def test_carousel_creates_children_then_the_parent(harness: InstagramHarness) -> None:
    pictures = (SQUARE, replace(SQUARE, alt_text="Vue de côté"), VIDEO)
    result = harness.connector().publish(post("Trois vues", *pictures))
    containers = harness.fake.containers()
    children = [c for c in containers if c.data["carousel_item"]]
    parent = next(c for c in containers if c.data["media_type"] == "CAROUSEL")
    assert len(children) == 3 and parent.edge("children") == [c.id for c in children]
    media = harness.fake.node(result.remote_id)
    assert media is not None and media.data["media_type"] == "CAROUSEL_ALBUM"


def test_publishing_quota_is_checked_before_creating_anything(harness: InstagramHarness) -> None:
    harness.fake.config["quota"] = 1
    connector = harness.connector()
    connector.publish(post("La seule du jour"))
    with pytest.raises(RateLimited, match="publishing limit"):
        connector.publish(post("Une de trop"))
    assert len(harness.fake.containers()) == 1


def test_quota_refused_by_media_publish_is_rate_limited(harness: InstagramHarness) -> None:
    harness.fake.config["quota"] = 0
    connector = harness.connector()
    connector._check_quota = lambda: None  # type: ignore[method-assign]  # a stale check
    with pytest.raises(RateLimited) as caught:
        connector.publish(post("Refusée par Meta"))
    assert "maximum number of posts" in caught.value.detail


def test_text_only_is_rejected_without_a_call(harness: InstagramHarness) -> None:
    connector = _connector(harness.fake, harness.tokens.access_token, harness.proxy.url)
    assert [i.code for i in connector.validate(Draft("Texte seul", "k"))] == ["media_required"]
    with pytest.raises(Rejected):
        connector.publish(Draft("Texte seul", "k"))
    assert harness.proxy.seen == []


def test_direct_messages_and_reply_to_a_comment(harness: InstagramHarness) -> None:
    connector = harness.connector()
    harness.fake.add_message("instagram", "Vous livrez à Lyon ?")
    harness.fake.add_message("messenger", "Message pour la Page, pas pour Instagram")
    dms = connector.read_inbound(InboundKind.DM).items
    assert [d.text for d in dms] == ["Vous livrez à Lyon ?"] and dms[0].author_handle
    media = connector.publish(post("Commentez !"))
    comment = harness.fake.add_comment(media.remote_id, "Magnifique")
    answer = connector.reply(parent_id=comment, text="Merci !")
    node = harness.fake.node(answer.remote_id)
    assert node is not None and node.data["parent_id"] == comment


def test_a_lost_answer_to_a_comment_is_found_not_sent_twice(harness: InstagramHarness) -> None:
    connector = harness.connector()
    media = connector.publish(post("Nouvelle collection")).remote_id
    comment = harness.fake.add_comment(media, "Disponible en bleu ?")
    since = datetime.now(UTC) - timedelta(seconds=5)
    answer = "Oui, dès lundi."
    assert connector.reconcile_reply(parent_id=comment, text=answer, since=since) is None
    harness.fake.add_comment(comment, answer)  # a visitor's words are not our answer
    assert connector.reconcile_reply(parent_id=comment, text=answer, since=since) is None
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/replies")
    with pytest.raises(Unconfirmed):
        connector.reply(parent_id=comment, text=answer)
    found = connector.reconcile_reply(parent_id=comment, text=answer, since=since)
    assert found is not None and found.reconciled
    node = harness.fake.node(found.remote_id)
    assert node is not None and node.data["parent_id"] == comment
    assert node.data["from"]["id"] == harness.fake.ig_user_id


def test_an_answer_on_our_own_media_is_looked_up_among_its_comments(
    harness: InstagramHarness,
) -> None:
    connector = harness.connector()
    media = connector.publish(post("Atelier ouvert")).remote_id
    since = datetime.now(UTC) - timedelta(seconds=5)
    assert connector.reconcile_reply(parent_id=media, text="Bienvenue !", since=since) is None
    sent = connector.reply(parent_id=media, text="Bienvenue !")
    found = connector.reconcile_reply(parent_id=media, text="Bienvenue !", since=since)
    assert found is not None and found.remote_id == sent.remote_id


def test_instagram_login_gives_a_refreshable_60_day_token(meta_fake: MetaFake) -> None:
    app = AppCredentials(MetaFake.app_id, MetaFake.app_secret)
    redirect = "https://parvis.example/networks/instagram/callback"
    code = meta_fake.new_code("instagram", redirect)
    with httpx.Client() as http:
        user_id, short = login.exchange_code(
            http,
            app,
            code=code,
            redirect_uri=redirect,
            token_url=meta_fake.url + "/oauth/access_token",
        )
        long = meta_login.long_lived_token(
            http, app, short.access_token, exchange=login.EXCHANGE, base_url=meta_fake.url
        )
    assert user_id == meta_fake.ig_user_id
    assert short.expires_at and long.expires_at
    assert long.expires_at - short.expires_at > timedelta(days=59)


def test_facebook_login_lists_pages_with_their_instagram_account(meta_fake: MetaFake) -> None:
    app = AppCredentials(MetaFake.app_id, MetaFake.app_secret)
    redirect = "https://parvis.example/networks/facebook/callback"
    code = meta_fake.new_code("facebook", redirect)
    with httpx.Client() as http:
        user_token, pages = pages_after_login(
            http, app, code=code, redirect_uri=redirect, base_url=meta_fake.url + "/v25.0"
        )
    assert user_token.expires_at is not None  # about 60 days
    [page] = pages
    assert page.page_id == meta_fake.page_id and page.can_publish
    assert page.instagram_id == meta_fake.ig_user_id and page.tokens().expires_at is None
    # The Page token also drives the Instagram account (Instagram API with Facebook Login);
    # it never expires, so it is never refreshed.
    connector = _connector(meta_fake, page.access_token, meta_fake.url)
    assert connector.account_info().handle == "atelier_parvis"
    assert meta_fake.requests[-1] == ("GET", f"/{meta_fake.ig_user_id}")


def _connector(fake: MetaFake, token: str, url: str) -> InstagramConnector:
    return InstagramConnector(
        tokens=TokenSet(access_token=token),
        account_id=fake.ig_user_id,
        app=AppCredentials(MetaFake.app_id, MetaFake.app_secret),
        base_url=url + "/v25.0",
    )
