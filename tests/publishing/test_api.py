"""The posts API: drafts, scheduling errors with DST choices, approval by role, cancel."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post
from tests.conftest import Cast
from tests.publishing.conftest import make_account


def _client(cast: Cast, role: str) -> Any:
    secret = api_key_create(membership=cast.alice_membership, name=role, role=role).secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def call(method: str, path: str, payload: object = None) -> Any:
        url = f"/api/v1/o/{cast.org.slug}{path}"
        if method == "get":
            return client.get(url)
        return client.post(url, json.dumps(payload or {}), content_type="application/json")

    return call


def test_contributor_drafts_and_submits_manager_approves(
    cast: Cast, account: SocialAccount
) -> None:
    contributor, manager = _client(cast, Role.CONTRIBUTOR), _client(cast, Role.MANAGER)
    created = contributor(
        "post", "/posts/", {"body": "Chantier terminé", "account_ids": [account.pk]}
    )
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    scheduled = contributor(
        "post", f"/posts/{post_id}/schedule", {"local_time": "2099-06-02T09:30:00"}
    )
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "pending_approval"
    assert contributor("post", f"/posts/{post_id}/approve").status_code == 403
    approved = manager("post", f"/posts/{post_id}/approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "scheduled"
    assert body["scheduled_at"].startswith("2099-06-02T07:30:00")  # Paris summer time
    assert body["targets"][0]["status"] == "scheduled"
    listed = manager("get", "/posts/?status=scheduled").json()
    assert [p["id"] for p in listed["items"]] == [post_id]
    cancelled = manager("post", f"/posts/{post_id}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_nonexistent_local_time_is_a_400_with_choices(cast: Cast, account: SocialAccount) -> None:
    manager = _client(cast, Role.MANAGER)
    post_id = manager("post", "/posts/", {"body": "x", "account_ids": [account.pk]}).json()["id"]
    answer = manager("post", f"/posts/{post_id}/schedule", {"local_time": "2099-03-29T02:30:00"})
    assert answer.status_code == 400
    error = answer.json()
    assert error["code"] == "nonexistent" and len(error["choices"]) == 2
    assert Post.objects.get(pk=post_id).status == Post.Status.DRAFT


def test_viewer_key_cannot_create(cast: Cast, account: SocialAccount) -> None:
    viewer = _client(cast, Role.VIEWER)
    assert viewer("post", "/posts/", {"body": "x"}).status_code == 403
    assert viewer("get", "/posts/").status_code == 200


def test_foreign_account_ids_are_refused(cast: Cast) -> None:
    theirs = SocialAccount.objects.create(
        organisation=cast.other_org, kind="x", remote_id="c", handle="c", access_token="t"
    )
    answer = _client(cast, Role.MANAGER)(
        "post", "/posts/", {"body": "x", "account_ids": [theirs.pk]}
    )
    assert answer.status_code == 400 and answer.json()["code"] == "account"


def test_the_list_is_paged_in_the_database_whatever_the_number_of_posts(
    cast: Cast, account: SocialAccount, django_assert_max_num_queries: Any
) -> None:
    viewer = _client(cast, Role.VIEWER)
    manager = _client(cast, Role.MANAGER)
    for n in range(12):
        manager("post", "/posts/", {"body": f"Brouillon {n}", "account_ids": [account.pk]})
    # Key lookup, membership, count, one page, its targets with their accounts: never one
    # query per post.
    with django_assert_max_num_queries(8):
        page = viewer("get", "/posts/?limit=5&offset=5").json()
    assert page["count"] == 12
    assert len(page["items"]) == 5
    first = page["items"][0]
    assert first["body"].startswith("Brouillon")
    assert first["targets"][0]["account"] == str(account)
    assert first["targets"][0]["account_id"] == account.pk


def test_a_services_refusal_is_a_403_saying_why(cast: Cast, account: SocialAccount) -> None:
    """The role passes ``org_access`` (contributor) but the service refuses: another key's
    draft is not this key's to change."""
    author, other = _client(cast, Role.CONTRIBUTOR), _client(cast, Role.CONTRIBUTOR)
    post_id = author("post", "/posts/", {"body": "À moi", "account_ids": [account.pk]}).json()["id"]
    refused = other("post", f"/posts/{post_id}/cancel")
    assert refused.status_code == 403, refused.content
    assert refused.json()["detail"]
    assert Post.objects.get(pk=post_id).status == Post.Status.DRAFT


def test_one_posts_accounts_are_read_in_one_query_whatever_their_number(
    cast: Cast, account: SocialAccount, django_assert_num_queries: Any
) -> None:
    others = [make_account(cast.org, handle=f"compte{n}", kind="mastodon") for n in range(3)]
    viewer, manager = _client(cast, Role.VIEWER), _client(cast, Role.MANAGER)
    ids = [account.pk, *(a.pk for a in others)]
    post_id = manager("post", "/posts/", {"body": "Partout", "account_ids": ids}).json()["id"]
    # Key, membership, the post, its targets with their accounts.
    with django_assert_num_queries(4):
        answer = viewer("get", f"/posts/{post_id}/").json()
    assert sorted(t["account"] for t in answer["targets"]) == sorted(
        str(a) for a in [account, *others]
    )


def _raw(cast: Cast, role: str) -> tuple[Client, str]:
    secret = api_key_create(membership=cast.alice_membership, name=role, role=role).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), f"/api/v1/o/{cast.org.slug}"


@pytest.mark.parametrize(
    "query",
    [
        # These reached the database: SQLite cannot convert them, PostgreSQL answered « bigint
        # out of range » — both a 500.
        "offset=21776184212345105416192&limit=5",
        "offset=-1",
        "limit=0",
        "limit=101",
        "limit=abc",
    ],
)
def test_the_lists_refuse_pages_out_of_range_with_a_422(cast: Cast, query: str) -> None:
    owner, base = _raw(cast, Role.OWNER)
    for path in ("/posts/", "/audit/"):
        response = owner.get(f"{base}{path}?{query}")
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_ids_beyond_a_bigint_are_a_422_not_a_500(cast: Cast) -> None:
    client, base = _raw(cast, Role.MANAGER)
    for id_ in (2**63, 2**70, 0, -3):
        response = client.get(f"{base}/posts/{id_}/")
        assert response.status_code == 422, (id_, response.content)
    answer = client.post(
        f"{base}/posts/", json.dumps({"account_ids": [2**64]}), content_type="application/json"
    )
    assert answer.status_code == 422 and not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "x", "lables": ["a"]}, "lables"),  # a typo is never silently ignored
        ({"body": "x", "link": "javascript:alert(document.cookie)"}, "link"),
        ({"body": "x", "link": "data:text/html,<script>alert(1)</script>"}, "link"),
        ({"body": "x", "link": "ftp://exemple.fr/fichier"}, "link"),
        ({"body": "x", "link": "https://exemple.fr/" + "a" * 1000}, "link"),
        ({"body": "x", "category": "propagande"}, "category"),
    ],
)
def test_unknown_fields_and_non_web_links_are_refused(
    cast: Cast, account: SocialAccount, body: dict[str, Any], field: str
) -> None:
    client, base = _raw(cast, Role.MANAGER)
    answer = client.post(f"{base}/posts/", json.dumps(body), content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert any(field in issue["loc"] for issue in answer.json()["detail"])
    assert not Post.objects.exists()


def test_a_web_link_is_kept_and_an_edit_cannot_set_a_script_link(
    cast: Cast, account: SocialAccount
) -> None:
    manager = _client(cast, Role.MANAGER)
    created = manager("post", "/posts/", {"body": "x", "link": " https://exemple.fr/promo "})
    assert created.status_code == 201 and created.json()["link"] == "https://exemple.fr/promo"
    client, base = _raw(cast, Role.MANAGER)
    answer = client.patch(
        f"{base}/posts/{created.json()['id']}/",
        json.dumps({"link": "JavaScript:alert(1)"}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert Post.objects.get().link == "https://exemple.fr/promo"


@pytest.mark.parametrize(
    "raw",
    [
        '{"body": "Bonjour\\u0000"}',  # PostgreSQL refuses NUL in text: it was a 500 there
        '{"body": "Bonjour\\ud800"}',  # a lone surrogate is not UTF-8
        '{"first_comment": "a\\u0000"}',
    ],
)
def test_text_no_database_stores_is_a_422(cast: Cast, raw: str) -> None:
    client, base = _raw(cast, Role.MANAGER)
    answer = client.post(f"{base}/posts/", raw, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert "NUL" in answer.json()["detail"][0]["msg"]
    assert not Post.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", '{"body": NaN}', '{"body": Infinity}', "\xff"])
def test_a_body_that_is_not_json_is_a_400_in_the_documented_shape(cast: Cast, raw: str) -> None:
    client, base = _raw(cast, Role.MANAGER)
    answer = client.post(f"{base}/posts/", raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_json" and answer.json()["detail"]


def test_a_body_over_the_servers_limit_is_a_413(cast: Cast, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client, base = _raw(cast, Role.MANAGER)
    raw = json.dumps({"body": "x" * 20_000})
    answer = client.post(f"{base}/posts/", raw, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large" and not Post.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"local_time": "0001-01-01T00:00:00"},  # before UTC's first instant in Paris: was a 500
        {"at": "9999-12-31T23:59:59-14:00"},
        {"local_time": "2099-06-02T09:30:00", "fold": 2},
        {"local_time": "2099-06-02T09:30:00", "when": "now"},
    ],
)
def test_impossible_schedules_are_a_422(
    cast: Cast, account: SocialAccount, body: dict[str, Any]
) -> None:
    manager = _client(cast, Role.MANAGER)
    post_id = manager("post", "/posts/", {"body": "x", "account_ids": [account.pk]}).json()["id"]
    answer = manager("post", f"/posts/{post_id}/schedule", body)
    assert answer.status_code == 422, answer.content
    assert Post.objects.get(pk=post_id).status == Post.Status.DRAFT


def test_every_refusal_has_the_documented_shape(cast: Cast, account: SocialAccount) -> None:
    """One ``ErrorOut`` (``detail`` and ``code``) for 400, 401, 403 and 404."""
    viewer = _client(cast, Role.VIEWER)
    manager = _client(cast, Role.MANAGER)
    post_id = manager("post", "/posts/", {"body": "x", "account_ids": [account.pk]}).json()["id"]
    answers = {
        400: manager("post", f"/posts/{post_id}/schedule", {"local_time": "2099-03-29T02:30:00"}),
        401: Client().get(f"/api/v1/o/{cast.org.slug}/posts/"),
        403: viewer("post", "/posts/", {"body": "x"}),
        404: viewer("get", "/posts/999999/"),
    }
    for status, answer in answers.items():
        assert answer.status_code == status
        error = answer.json()
        assert set(error) >= {"detail", "code"} and error["detail"] and error["code"], error
    assert answers[404].json()["code"] == "not_found"
    assert answers[401].json()["code"] == "unauthorized"
    assert len(answers[400].json()["choices"]) == 2
