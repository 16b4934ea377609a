"""The posts API: drafts, scheduling errors with DST choices, approval by role, cancel."""

from __future__ import annotations

import json
from typing import Any

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
