"""A user deletes their own account: password again, refused while they are the only owner of
an organisation with other members, what they wrote stays as « ancien membre »."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from parvis.accounts.models import ApiKey, Invitation, Membership, Organisation, User
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create, membership_change_role
from parvis.core.models import AuditEvent, OrganisationOwned
from parvis.inbox.models import InternalNote
from parvis.privacy.models import OrganisationDeletion
from parvis.publishing.models import Post
from tests.conftest import Cast
from tests.privacy.conftest import client_in, fill

URL = "/account/delete/"


def test_url_is_personal() -> None:
    assert reverse("privacy:account_delete") == URL


def test_wrong_password_keeps_the_account(cast: Cast) -> None:
    client = client_in(cast.bob)
    response = client.post(URL, {"password": "not-it"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert client.post(URL, {}).status_code == 400
    assert User.objects.filter(pk=cast.bob.pk).exists()


def test_contributor_leaves_and_their_content_stays_as_former_member(cast: Cast) -> None:
    post = Post.objects.create(organisation=cast.org, author=cast.bob, body="Bob's post")
    from parvis.inbox.ingest import inbox_ingest
    from parvis.inbox.models import Conversation
    from tests.inbox.conftest import item, make_account

    inbox_ingest(make_account(cast.org), [item("Bonjour")])
    note = InternalNote.objects.create(
        organisation=cast.org,
        conversation=Conversation.objects.get(),
        author=cast.bob,
        text="vu",
    )
    bob_key = api_key_create(membership=cast.alice_membership, name="k", role=Role.VIEWER)
    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    his_key = api_key_create(membership=cast.bob_membership, name="bob", role=Role.VIEWER)
    # The invitation he accepted names him.
    Invitation.objects.create(
        organisation=cast.org,
        email="bob@example.org",
        token_hash="used",
        invited_by=cast.alice,
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
    )
    membership_change_role(acting=cast.alice_membership, target=cast.bob_membership, role="viewer")
    bob_id = cast.bob.pk

    client = client_in(cast.bob)
    page = client.get(URL)
    assert page.status_code == 200 and "former member" in page.content.decode()
    response = client.post(URL, {"password": "password"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "Your account is deleted." in response.content.decode()

    assert not User.objects.filter(pk=bob_id).exists()
    assert not Membership.objects.filter(user_id=bob_id).exists()
    post.refresh_from_db()
    note.refresh_from_db()
    assert post.author is None and note.author is None  # the content stays, without him
    rendered = Template("{% load privacy %}{{ post.author|member_name }}")
    with translation.override("fr"):
        assert rendered.render(Context({"post": post})) == "ancien membre"
    # Keys he created stop working; keys others created for the organisation do not.
    assert ApiKey.objects.get(pk=his_key.api_key.pk).revoked_at is not None
    assert ApiKey.objects.get(pk=bob_key.api_key.pk).revoked_at is None
    assert not Invitation.objects.filter(email="bob@example.org").exists()
    # The activity log keeps what was done, without his address.
    for event in AuditEvent.objects.all():
        assert "bob@example.org" not in f"{event.actor_label} {event.target_label} {event.data}"
    assert AuditEvent.objects.filter(actor_label="ancien membre").exists()
    assert AuditEvent.objects.filter(action="user.deleted", data__user_id=bob_id).exists()
    assert Organisation.objects.filter(pk=cast.org.pk).exists()


def test_only_owner_with_other_members_is_refused(cast: Cast) -> None:
    client = client_in(cast.alice)
    page = client.get(URL).content.decode()
    assert "You are the only owner of Menuiserie A" in page
    response = client.post(URL, {"password": "password"})
    assert response.status_code == 400
    assert "make one of them owner, or delete the organisation" in response.content.decode()
    assert User.objects.filter(pk=cast.alice.pk).exists()
    # Once Bob is an owner too, Alice may go; the organisation stays with Bob.
    membership_change_role(acting=cast.alice_membership, target=cast.bob_membership, role="owner")
    assert client.post(URL, {"password": "password"}).status_code == 302
    assert not User.objects.filter(pk=cast.alice.pk).exists()
    assert Membership.objects.get(organisation=cast.org).user == cast.bob


def test_sole_member_takes_their_organisation_with_them(
    cast: Cast, _media_in_tmp: Path, settings: Any
) -> None:
    """The page names the organisation that goes with the account; the worker deletes it
    (tests/privacy/test_deletion_in_worker.py follows it to the end)."""
    fill(cast.other_org, cast.charlie, _media_in_tmp, "charlie")
    client = client_in(cast.charlie)
    page = client.get(URL).content.decode()
    assert "You are the only member of Boulangerie C" in page
    assert client.post(URL, {"password": "password"}).status_code == 302
    deletion = OrganisationDeletion.objects.get(organisation_id=cast.other_org.pk)
    assert deletion.due_at <= timezone.now()
    assert not OrganisationDeletion.objects.filter(organisation_id=cast.org.pk).exists()


def test_no_organisation_content_disappears_with_its_author() -> None:
    """Every foreign key from an organisation's content to a user is SET_NULL, so deleting an
    account never deletes what the team shares (a later module must keep to it). The rows
    that cascade belong to the user alone."""
    from django.apps import apps

    personal = {
        "networks.OAuthState",  # a sign-in they started
        "publishing.Notification",  # their own notifications
    }
    for model in apps.get_models():
        if not issubclass(model, OrganisationOwned) or model._meta.label in personal:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                assert field.remote_field.on_delete is models.SET_NULL, (
                    f"{model._meta.label}.{field.name}"
                )
