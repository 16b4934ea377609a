"""LinkedIn specifics beyond the shared contract: Rest.li headers, little-text escaping, upload
sessions with ETags, content kinds, comment paging and replies, permissions, quotas, OAuth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from parvis.networks import oauth
from parvis.networks.contracts import AppCredentials, InboundKind, MediaFile, TokenSet
from parvis.networks.errors import NotSupported, RateLimited, Rejected, Unconfirmed
from parvis.networks.linkedin import client as api
from parvis.networks.linkedin.connector import LinkedInConnector, reconnect_due_at
from tests.networks.contract import PNG_BYTES, draft, unique_text
from tests.networks.test_linkedin_contract import LinkedInHarness
from tests.peers.faultproxy import Fault
from tests.peers.linkedin import ORG, LinkedInFake, linkedin_fake

pytestmark = pytest.mark.peer
__all__ = ["linkedin_fake"]


@pytest.fixture
def harness(linkedin_fake: LinkedInFake, fault_proxy_factory: Any) -> Iterator[LinkedInHarness]:
    harness = LinkedInHarness(linkedin_fake, fault_proxy_factory(linkedin_fake.url))
    yield harness
    harness.http.close()


def image(n: int) -> MediaFile:
    content = PNG_BYTES + bytes([n])
    return MediaFile(
        "image/png", len(content), 800, 600, alt_text=f"Photo {n}", data=lambda: content
    )


def test_every_call_carries_the_version_headers(harness: LinkedInHarness) -> None:
    harness.connector().publish(draft(unique_text("entêtes"), media=(image(1),)))
    rest = [h for _, path, h in harness.fake.requests if path.startswith("/rest/")]
    assert rest and all(h.get("linkedin-version") == api.API_VERSION for h in rest)
    assert all(h.get("x-restli-protocol-version") == "2.0.0" for h in rest)


def test_the_fake_refuses_missing_or_sunset_versions(harness: LinkedInHarness) -> None:
    bearer = {"Authorization": f"Bearer {harness.tokens.access_token}"}
    answer = httpx.get(f"{harness.fake.url}/rest/organizations/5515715", headers=bearer)
    assert answer.status_code == 400 and answer.json()["code"] == "VERSION_MISSING"
    assert set(answer.json()) >= {"status", "serviceErrorCode", "message"}

    class Sunset(LinkedInConnector):
        api_version = "202511"  # sunset on 2026-11-16

    sunset = harness.connector(cls=Sunset)
    with pytest.raises(Rejected) as caught:
        sunset.account_info()
    assert caught.value.status == 426 and "202511" in caught.value.reason


def test_commentary_is_escaped_so_linkedin_keeps_all_of_it(harness: LinkedInHarness) -> None:
    text = unique_text("échappé") + " (-20 %) #menuiserie *neuf* [atelier] ~ _fin_ {x} <y> a|b \\"
    result = harness.connector().publish(draft(text))
    assert harness.published_texts().count(text) == 1
    assert harness.fake.posts[result.remote_id].text.endswith("\\\\")
    # What an unescaped commentary would have become: cut at the first reserved character.
    headers = {
        "Authorization": f"Bearer {harness.tokens.access_token}",
        "LinkedIn-Version": api.API_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    raw = {
        "author": ORG,
        "commentary": "Avant (après)",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"},
        "lifecycleState": "PUBLISHED",
    }
    answer = httpx.post(f"{harness.fake.url}/rest/posts", json=raw, headers=headers)
    assert answer.status_code == 201 and answer.content == b""
    assert harness.fake.posts[answer.headers["x-restli-id"]].text == "Avant "


def test_multi_image_post(harness: LinkedInHarness) -> None:
    result = harness.connector().publish(
        draft(unique_text("galerie"), media=(image(1), image(2), image(3)))
    )
    content = harness.fake.posts[result.remote_id].content
    assert content is not None
    images = content["multiImage"]["images"]
    assert [i["altText"] for i in images] == ["Photo 1", "Photo 2", "Photo 3"]
    assert all(harness.fake.media[i["id"]].status == "AVAILABLE" for i in images)


def test_link_post_carries_an_article(harness: LinkedInHarness) -> None:
    post = draft(unique_text("lien"), link="https://parvis.example/offre", title="Notre offre")
    result = harness.connector().publish(post)
    article = harness.fake.posts[result.remote_id].content["article"]  # type: ignore[index]
    assert article == {"source": "https://parvis.example/offre", "title": "Notre offre"}


def test_video_upload_sends_every_part_and_finalizes_with_the_etags(
    harness: LinkedInHarness,
) -> None:
    content = bytes(range(256)) * 9000  # 2.3 MB: three 1 MiB parts in this fake
    video = MediaFile("video/mp4", len(content), 1280, 720, duration=12.0, data=lambda: content)
    result = harness.connector().publish(draft(unique_text("vidéo"), media=(video,)))
    urn = harness.fake.posts[result.remote_id].content["media"]["id"]  # type: ignore[index]
    media = harness.fake.media[urn]
    assert b"".join(media.parts[i] for i in sorted(media.parts)) == content
    assert len(media.parts) == 3 and media.status == "AVAILABLE"
    puts = [p for m, p, _ in harness.fake.requests if m == "PUT"]
    assert len(puts) == 3


def test_finalize_with_wrong_etags_is_refused(harness: LinkedInHarness) -> None:
    connector = harness.connector()
    init = {"initializeUploadRequest": {"owner": ORG, "fileSizeBytes": 10}}
    value = connector.request("POST", "/rest/videos?action=initializeUpload", json=init).body[
        "value"
    ]
    connector.request("PUT", value["uploadInstructions"][0]["uploadUrl"], content=b"0123456789")
    finalize = {
        "finalizeUploadRequest": {
            "video": value["video"],
            "uploadToken": "",
            "uploadedPartIds": ["not-the-etag"],
        }
    }
    with pytest.raises(Rejected) as caught:
        connector.request("POST", "/rest/videos?action=finalizeUpload", json=finalize)
    assert "uploadedPartIds" in caught.value.reason


def test_comments_are_paged_with_start_and_count(harness: LinkedInHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("pages")))
    seeded = [harness.fake.add_comment(post.remote_id, f"Avis {n}") for n in range(7)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = connector.read_inbound(InboundKind.COMMENT, cursor=cursor, limit=3)
        seen += [item.remote_id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == seeded
    starts = [p for m, p, _ in harness.fake.requests if m == "GET" and "socialActions" in p]
    assert len(starts) == 3


def test_reply_to_a_comment_is_nested_and_deletable(harness: LinkedInHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("fil")))
    question = harness.fake.add_comment(post.remote_id, "Livrez-vous à Lyon ?")
    answer = connector.reply(parent_id=question, text="Oui, partout en France.")
    assert harness.fake.comments[answer.remote_id].parent_comment == question
    items = connector.read_inbound(InboundKind.COMMENT).items
    assert [i.remote_id for i in items] == [question]  # our own answer is not inbound
    connector.delete(answer.remote_id)
    assert answer.remote_id not in harness.fake.comments
    connector.delete(answer.remote_id)


def test_a_lost_answer_to_a_comment_is_found_not_sent_twice(harness: LinkedInHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("salon"))).remote_id
    question = harness.fake.add_comment(post, "Vous serez au salon de Rennes ?")
    since = datetime.now(UTC) - timedelta(seconds=5)
    answer = "Oui, stand B12."
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    harness.fake.add_comment(post, answer, answering=question)  # a member's words
    connector.reply(parent_id=post, text=answer)  # our comment on the post, not the answer
    assert connector.reconcile_reply(parent_id=question, text=answer, since=since) is None
    harness.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/comments")
    with pytest.raises(Unconfirmed):
        connector.reply(parent_id=question, text=answer)
    found = connector.reconcile_reply(parent_id=question, text=answer, since=since)
    assert found is not None and found.reconciled
    assert harness.fake.comments[found.remote_id].parent_comment == question
    on_post = connector.reconcile_reply(parent_id=post, text=answer, since=since)
    assert on_post is not None and on_post.remote_id != found.remote_id


def test_beyond_three_pages_of_comments_the_lookup_cannot_tell(harness: LinkedInHarness) -> None:
    connector = harness.connector()
    post = connector.publish(draft(unique_text("viral"))).remote_id
    for n in range(301):
        harness.fake.add_comment(post, f"Bravo {n}")
    since = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(NotSupported):
        connector.reconcile_reply(parent_id=post, text="Merci à tous !", since=since)


def test_missing_permission_is_rejected_with_linkedins_words(harness: LinkedInHarness) -> None:
    issued = harness.fake.issue_tokens("r_organization_social")
    connector = harness.connector(tokens=TokenSet(access_token=issued["access_token"]))
    with pytest.raises(Rejected) as caught:
        connector.publish(draft(unique_text("interdit")))
    assert caught.value.status == 403 and caught.value.remote_code == "ACCESS_DENIED"
    assert "Not enough permissions" in caught.value.user_message


def test_daily_quota_waits_for_midnight_utc(harness: LinkedInHarness) -> None:
    harness.fake.daily_limits["organizations"] = 1
    connector = harness.connector()
    connector.account_info()
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        connector.account_info()
    assert caught.value.retry_at == api.next_utc_midnight(before)
    assert caught.value.retry_at > before


def test_authorization_code_then_refresh_keeps_the_refresh_tokens_end(
    harness: LinkedInHarness,
) -> None:
    app = AppCredentials(LinkedInFake.client_id, LinkedInFake.client_secret)
    config = LinkedInConnector.oauth
    assert config is not None
    request = oauth.authorization_request(config, app, redirect_uri="https://parvis.test/cb")
    assert request.code_verifier is None and "code_challenge" not in request.url
    redirect = httpx.get(
        harness.fake.url + "/oauth/v2/authorization?" + request.url.split("?", 1)[1]
    )
    code = httpx.URL(redirect.headers["location"]).params["code"]
    token_url = harness.fake.url + api.TOKEN_PATH
    with httpx.Client() as http:
        tokens = oauth.exchange_code(
            http,
            config,
            app,
            code=code,
            code_verifier=None,
            redirect_uri="https://parvis.test/cb",
            token_url=token_url,
        )
        harness.fake.offset += 59 * 86400
        refreshed = oauth.refresh(http, config, app, tokens, token_url=token_url)
    assert tokens.expires_at and tokens.expires_at - datetime.now(UTC) > timedelta(days=59)
    assert refreshed.refresh_token == tokens.refresh_token
    form = json.dumps([h for _, p, h in harness.fake.requests if p == api.TOKEN_PATH])
    assert "basic" not in form.lower()  # LinkedIn takes the secret in the form body
    consented = datetime(2026, 11, 1, tzinfo=UTC)
    assert reconnect_due_at(refreshed, consented_at=consented) == consented + timedelta(days=365)
    no_refresh = TokenSet(access_token="a", expires_at=consented + timedelta(days=60))
    assert reconnect_due_at(no_refresh, consented_at=consented) == consented + timedelta(days=60)


def test_right_after_consent_the_administered_page_is_found(harness: LinkedInHarness) -> None:
    connector = harness.connector(account_id="")
    info = connector.account_info()
    assert info.remote_id == "5515715" and info.handle == "atelier-parvis"
    assert connector.account_id == "5515715"
