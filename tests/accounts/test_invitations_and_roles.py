from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import Invitation, Membership, User
from parvis.accounts.roles import Role
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _invite(client: Client, cast: Cast, email: str, role: str = Role.CONTRIBUTOR) -> str:
    url = reverse("accounts:members", kwargs={"org": cast.org.slug})
    with_commit = client.post(url, {"email": email, "role": role})
    assert with_commit.status_code == 200
    return with_commit.content.decode()


def test_owner_invites_and_new_person_signs_up_through_the_link(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    owner = cast.client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        page = _invite(owner, cast, "dave@example.org")
    assert "Invitation envoyée à dave@example.org" in page
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", str(mail.outbox[0].body))
    assert link
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    visitor = Client()
    page = visitor.get(path).content.decode()
    assert "Rejoindre Menuiserie A" in page
    assert 'value="dave@example.org"' in page
    response = visitor.post(path, {"email": "dave@example.org", "password": "copeaux-de-chene-42"})
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": cast.org.slug})
    dave = User.objects.get(email="dave@example.org")
    assert Membership.objects.get(user=dave, organisation=cast.org).role == Role.CONTRIBUTOR
    # The link is used up.
    assert Client().get(path).status_code == 404


def test_existing_user_accepts_while_logged_in(cast: Cast) -> None:
    issued = services.invitation_create(
        membership=cast.alice_membership, email="charlie@example.org", role=Role.VIEWER
    )
    charlie = cast.client_for(cast.charlie)
    path = issued.url.split("127.0.0.1:8000", 1)[1]
    charlie.post(path)
    assert Membership.objects.get(user=cast.charlie, organisation=cast.org).role == Role.VIEWER
    # An agency user now switches between both organisations.
    response = charlie.post(
        reverse("accounts:organisation_switch", kwargs={"org": cast.other_org.slug})
    )
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": cast.other_org.slug})
    assert charlie.get("/")["Location"] == reverse(
        "web:dashboard", kwargs={"org": cast.other_org.slug}
    )


def test_expired_invitation_is_refused(cast: Cast) -> None:
    issued = services.invitation_create(
        membership=cast.alice_membership, email="late@example.org", role=Role.VIEWER
    )
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    path = issued.url.split("127.0.0.1:8000", 1)[1]
    response = Client().get(path)
    assert response.status_code == 404
    assert "Cette invitation ne fonctionne plus" in response.content.decode()


def test_contributor_cannot_invite(cast: Cast) -> None:
    response = cast.client_for(cast.bob).post(
        reverse("accounts:members", kwargs={"org": cast.org.slug}),
        {"email": "eve@example.org", "role": Role.VIEWER},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_manager_cannot_invite_an_owner(cast: Cast) -> None:
    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            membership=cast.bob_membership, email="eve@example.org", role=Role.OWNER
        )


def test_inviting_an_existing_member_gives_a_field_error(cast: Cast) -> None:
    page = _invite(cast.client_for(cast.alice), cast, "bob@example.org")
    assert "Cette personne est déjà membre." in page
    assert 'value="bob@example.org"' in page


def test_last_owner_cannot_leave_or_be_demoted(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.membership_change_role(
            acting=cast.alice_membership, target=cast.alice_membership, role=Role.MANAGER
        )
    with pytest.raises(ValidationError):
        services.membership_remove(acting=cast.alice_membership, target=cast.alice_membership)


def test_owner_changes_role_and_removes_member(cast: Cast) -> None:
    owner = cast.client_for(cast.alice)
    owner.post(
        reverse(
            "accounts:member_role",
            kwargs={"org": cast.org.slug, "membership_id": cast.bob_membership.pk},
        ),
        {"role": Role.MANAGER},
    )
    cast.bob_membership.refresh_from_db()
    assert cast.bob_membership.role == Role.MANAGER
    owner.post(
        reverse(
            "accounts:member_remove",
            kwargs={"org": cast.org.slug, "membership_id": cast.bob_membership.pk},
        )
    )
    assert not Membership.objects.filter(pk=cast.bob_membership.pk).exists()


def test_viewer_cannot_open_settings_but_sees_members(cast: Cast) -> None:
    cast.bob_membership.role = Role.VIEWER
    cast.bob_membership.save()
    bob = cast.client_for(cast.bob)
    assert (
        bob.get(
            reverse("accounts:organisation_settings", kwargs={"org": cast.org.slug})
        ).status_code
        == 403
    )
    assert bob.get(reverse("accounts:members", kwargs={"org": cast.org.slug})).status_code == 200


def test_settings_change_timezone_and_approval(cast: Cast) -> None:
    cast.client_for(cast.alice).post(
        reverse("accounts:organisation_settings", kwargs={"org": cast.org.slug}),
        {"name": "Menuiserie A", "timezone": "America/Martinique"},
    )
    cast.org.refresh_from_db()
    assert cast.org.timezone == "America/Martinique"
    assert cast.org.approval_required is False
