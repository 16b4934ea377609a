"""The X fake is strict the way X is: these checks keep it honest (a lax fake hides bugs)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.peers.x_fake import XFake


@pytest.fixture
def api(x_fake: XFake) -> Iterator[httpx.Client]:
    token = x_fake.issue_tokens()["access_token"]
    with httpx.Client(base_url=x_fake.url, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


def test_unknown_query_parameter_is_refused(api: httpx.Client) -> None:
    answer = api.get("/2/users/me", params={"tweet.fields": "created_at"})
    assert answer.status_code == 400
    assert answer.json()["type"] == "https://api.x.com/2/problems/invalid-request"
    assert "[tweet.fields]" in answer.json()["detail"]


def test_enum_of_fields_is_checked(api: httpx.Client) -> None:
    answer = api.get("/2/tweets", params={"ids": "1", "post.fields": "author_id"})
    assert answer.status_code == 400


def test_required_parameter_is_checked(api: httpx.Client) -> None:
    assert api.get("/2/tweets").status_code == 400


def test_json_body_is_checked_against_the_schema(api: httpx.Client) -> None:
    answer = api.post("/2/tweets", json={"text": "x", "media": {"media_ids": ["abc"]}})
    assert answer.status_code == 400 and "media_ids" in answer.json()["detail"]
    assert api.post("/2/tweets", json={"text": "x", "nope": 1}).status_code == 400


def test_multipart_fields_are_checked(api: httpx.Client) -> None:
    media_id = api.post(
        "/2/media/upload/initialize",
        json={"media_type": "image/png", "total_bytes": 3, "media_category": "tweet_image"},
    ).json()["data"]["id"]
    answer = api.post(f"/2/media/upload/{media_id}/append", files={"media": b"abc"})
    assert answer.status_code == 400 and "segment_index" in answer.json()["detail"]


def test_unknown_path_and_method(api: httpx.Client) -> None:
    assert api.get("/2/nothing/here").status_code == 404
    assert api.patch("/2/tweets").status_code == 405


def test_missing_token_and_missing_scope(x_fake: XFake) -> None:
    with httpx.Client(base_url=x_fake.url) as anonymous:
        assert anonymous.get("/2/users/me").status_code == 401
    read_only = x_fake.issue_tokens("tweet.read users.read")["access_token"]
    answer = httpx.post(
        f"{x_fake.url}/2/tweets",
        json={"text": "hello"},
        headers={"Authorization": f"Bearer {read_only}"},
    )
    assert answer.status_code == 403 and "tweet.write" in answer.json()["detail"]


def test_rate_limit_headers_and_429(x_fake: XFake, api: httpx.Client) -> None:
    x_fake.set_rate_limit("GET", "/2/users/me", 2)
    first = api.get("/2/users/me")
    assert first.headers["x-rate-limit-remaining"] == "1"
    api.get("/2/users/me")
    limited = api.get("/2/users/me")
    assert limited.status_code == 429
    assert limited.headers["x-rate-limit-reset"] == first.headers["x-rate-limit-reset"]


def test_refresh_tokens_rotate(x_fake: XFake) -> None:
    refresh = x_fake.issue_tokens()["refresh_token"]
    auth = (XFake.client_id, XFake.client_secret)
    form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": XFake.client_id}
    assert httpx.post(f"{x_fake.url}/2/oauth2/token", data=form, auth=auth).status_code == 200
    reused = httpx.post(f"{x_fake.url}/2/oauth2/token", data=form, auth=auth)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_request"
