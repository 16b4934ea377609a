"""Who may change a post. Contributors, members or API keys, write drafts and change their own
until a manager approved them or they were scheduled; other people's posts and approved,
scheduled or published ones are the managers'. The rule lives in the services
(``post_refusal``); the pages and the API must answer the same, which these tests check on both
paths."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.accounts.models import ApiKey
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.rules import Change, post_may
from tests.conftest import Cast

LATER = (timezone.now() + timedelta(days=3)).isoformat()


class Api:
    """A REST client holding one organisation API key."""

    def __init__(self, cast: Cast, role: str) -> None:
        issued = api_key_create(membership=cast.alice_membership, name=role, role=role)
        self.key: ApiKey = issued.api_key
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        self.base = f"/api/v1/o/{cast.org.slug}"

    def __call__(self, method: str, path: str, payload: object = None) -> Any:
        return getattr(self.client, method)(
            self.base + path, json.dumps(payload or {}), content_type="application/json"
        )

    def draft(self, account: SocialAccount, body: str = "Brouillon") -> int:
        answer = self("post", "/posts/", {"body": body, "account_ids": [account.pk]})
        assert answer.status_code == 201, answer.content
        return int(answer.json()["id"])


def test_a_contributor_key_changes_its_own_draft_and_nobody_elses(
    cast: Cast, alice: Actor, bob: Actor, account: SocialAccount
) -> None:
    api, other_key = Api(cast, Role.CONTRIBUTOR), Api(cast, Role.CONTRIBUTOR)
    mine = api.draft(account)
    assert Post.objects.get(pk=mine).created_by_key == api.key
    edited = api("patch", f"/posts/{mine}/", {"body": "Revu", "version": 1})
    assert edited.status_code == 200 and edited.json()["body"] == "Revu"
    # Alice created this key: a key still never owns its creator's posts.
    theirs = [
        post_create(actor=alice, body="À Alice", account_ids=[account.pk]).pk,
        post_create(actor=bob, body="À Bob", account_ids=[account.pk]).pk,
        other_key.draft(account, "À l'autre clé"),
    ]
    for post_id in theirs:
        assert api("patch", f"/posts/{post_id}/", {"body": "pirate"}).status_code == 403
        assert api("post", f"/posts/{post_id}/schedule", {"at": LATER}).status_code == 403
        assert api("post", f"/posts/{post_id}/cancel").status_code == 403
    assert not Post.objects.filter(body="pirate").exists()
    assert set(Post.objects.filter(pk__in=theirs).values_list("status", flat=True)) == {"draft"}
    assert api("post", f"/posts/{mine}/cancel").json()["status"] == "cancelled"


def test_once_approved_a_contributor_keys_post_is_the_managers(
    cast: Cast, account: SocialAccount
) -> None:
    contributor, manager = Api(cast, Role.CONTRIBUTOR), Api(cast, Role.MANAGER)
    post_id = contributor.draft(account)
    submitted = contributor("post", f"/posts/{post_id}/schedule", {"at": LATER})
    assert submitted.json()["status"] == "pending_approval"
    # Waiting for approval, it is still the key's to change (it stays waiting).
    assert contributor("patch", f"/posts/{post_id}/", {"body": "Mieux"}).status_code == 200
    assert manager("post", f"/posts/{post_id}/approve").json()["status"] == "scheduled"
    assert contributor("patch", f"/posts/{post_id}/", {"body": "Après accord"}).status_code == 403
    assert contributor("post", f"/posts/{post_id}/schedule", {"at": LATER}).status_code == 403
    assert contributor("post", f"/posts/{post_id}/cancel").status_code == 403
    post = Post.objects.get(pk=post_id)
    assert (post.status, post.body) == ("scheduled", "Mieux")
    assert manager("patch", f"/posts/{post_id}/", {"body": "Corrigé"}).status_code == 200


def test_without_an_approval_step_a_contributor_schedules_then_lets_go(
    cast: Cast, account: SocialAccount
) -> None:
    cast.org.approval_required = False
    cast.org.save(update_fields=["approval_required"])
    contributor = Api(cast, Role.CONTRIBUTOR)
    post_id = contributor.draft(account)
    scheduled = contributor("post", f"/posts/{post_id}/schedule", {"at": LATER})
    assert scheduled.json()["status"] == "scheduled"
    assert contributor("patch", f"/posts/{post_id}/", {"body": "Changé"}).status_code == 403
    assert contributor("post", f"/posts/{post_id}/cancel").status_code == 403


def test_a_stale_version_is_a_conflict_through_the_api(cast: Cast, account: SocialAccount) -> None:
    api = Api(cast, Role.CONTRIBUTOR)
    post_id = api.draft(account)
    api("patch", f"/posts/{post_id}/", {"body": "v2", "version": 1})
    answer = api("patch", f"/posts/{post_id}/", {"body": "v2 bis", "version": 1})
    assert answer.status_code == 400 and answer.json()["code"] == "conflict"


# What a contributor may do to their own post in each state, written out here rather than read
# from the services, so that a change of the rule shows up as a failing test.
OWN_POST = [
    ("draft", True),
    ("pending_approval", True),
    ("approved", False),
    ("scheduled", False),
    ("failed", False),
    ("published", False),
]


@pytest.mark.parametrize(("status", "allowed"), OWN_POST)
def test_pages_and_api_agree_with_the_services_rule(
    cast: Cast, bob: Actor, account: SocialAccount, status: str, allowed: bool
) -> None:
    by_member = post_create(actor=bob, body="Par Bob", account_ids=[account.pk])
    api = Api(cast, Role.CONTRIBUTOR)
    by_key = Post.objects.get(pk=api.draft(account, "Par la clé"))
    Post.objects.filter(pk__in=[by_member.pk, by_key.pk]).update(status=status)
    by_member.refresh_from_db()
    by_key.refresh_from_db()
    key_actor = Actor(cast.org, Role.CONTRIBUTOR, None, api.key)
    assert post_may(bob, by_member, Change.EDIT) is allowed
    assert post_may(key_actor, by_key, Change.EDIT) is allowed
    assert post_may(bob, by_member, Change.CANCEL) is allowed

    # Pages, as Bob: the edit page opens, the detail page offers it, cancelling works.
    client = cast.client_for(cast.bob)
    kwargs = {"org": cast.org.slug, "post_id": by_member.pk}
    edit = client.get(reverse("posts:edit", kwargs=kwargs))
    assert (edit.status_code == 200) is allowed
    detail = client.get(reverse("posts:detail", kwargs=kwargs)).content.decode()
    assert (reverse("posts:edit", kwargs=kwargs) in detail) is allowed
    assert (reverse("posts:cancel", kwargs=kwargs) in detail) is allowed
    client.post(reverse("posts:cancel", kwargs=kwargs))
    by_member.refresh_from_db()
    assert (by_member.status == "cancelled") is allowed

    # API, as the key, on the post it created.
    patched = api("patch", f"/posts/{by_key.pk}/", {"body": "Changé"})
    assert patched.status_code == (200 if allowed else 403)
    cancelled = api("post", f"/posts/{by_key.pk}/cancel")
    assert cancelled.status_code == (200 if allowed else 403)


def test_a_contributor_cannot_save_over_someone_elses_post_from_the_composer(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="À Alice", account_ids=[account.pk])
    client = cast.client_for(cast.bob)
    saved = client.post(
        reverse("posts:autosave", kwargs={"org": cast.org.slug}),
        {"post_id": post.pk, "body": "pirate", "accounts": [account.pk]},
    )
    assert saved.status_code == 403
    opened = client.get(reverse("posts:edit", kwargs={"org": cast.org.slug, "post_id": post.pk}))
    assert opened.status_code == 302
    post.refresh_from_db()
    assert post.body == "À Alice"
