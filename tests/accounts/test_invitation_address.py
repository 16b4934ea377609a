"""An invitation is accepted only by the address it was sent to (issue #11, item 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parvis.accounts import services
from parvis.accounts.models import Invitation, Membership, User
from parvis.accounts.roles import Role
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _invite(cast: Cast, email: str) -> tuple[Invitation, str]:
    issued = services.invitation_create(
        membership=cast.alice_membership, email=email, role=Role.MANAGER
    )
    return issued.invitation, issued.url.split("127.0.0.1:8000", 1)[1]


def test_a_logged_in_user_with_another_address_is_refused_and_offered_to_log_out(
    cast: Cast,
) -> None:
    invitation, path = _invite(cast, "dave@example.org")
    charlie = cast.client_for(cast.charlie)
    response = charlie.get(path)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Cette invitation est destinée à une autre adresse" in page
    assert "dave@example.org" in page and "charlie@example.org" in page
    assert f'action="{reverse("accounts:logout")}"' in page
    assert f'name="next" value="{path}"' in page
    # Posting the link does not let him in either.
    assert charlie.post(path).status_code == 403
    assert not Membership.objects.filter(user=cast.charlie, organisation=cast.org).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # Logging out from that page brings the invitation back, ready for the invited person.
    response = charlie.post(reverse("accounts:logout"), {"next": path}, follow=True)
    assert response.redirect_chain[-1][0] == path
    assert "Rejoindre Menuiserie A" in response.content.decode()


def test_the_service_refuses_another_address_too(cast: Cast) -> None:
    invitation, _path = _invite(cast, "dave@example.org")
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=cast.charlie)
    assert not Membership.objects.filter(user=cast.charlie, organisation=cast.org).exists()


def test_the_invited_address_accepts_whatever_its_case(cast: Cast) -> None:
    _invitation, path = _invite(cast, "Charlie@Example.org")
    charlie = cast.client_for(cast.charlie)
    assert charlie.get(path).status_code == 200
    charlie.post(path)
    assert Membership.objects.get(user=cast.charlie, organisation=cast.org).role == Role.MANAGER


def test_a_new_account_from_an_invitation_gets_the_invited_address(cast: Cast) -> None:
    _invitation, path = _invite(cast, "dave@example.org")
    visitor = Client()
    page = visitor.get(path).content.decode()
    assert 'value="dave@example.org"' in page
    assert "disabled" in page.split('name="email"', 1)[1].split(">", 1)[0]
    # A tampered form cannot choose another address.
    response = visitor.post(path, {"email": "mallory@example.org", "password": "copeaux-42-chene"})
    assert response["Location"] == reverse("web:dashboard", kwargs={"org": cast.org.slug})
    assert not User.objects.filter(email="mallory@example.org").exists()
    dave = User.objects.get(email="dave@example.org")
    assert Membership.objects.get(user=dave, organisation=cast.org).role == Role.MANAGER


def test_an_invited_address_that_has_an_account_is_told_to_log_in(cast: Cast) -> None:
    _invitation, path = _invite(cast, "charlie@example.org")
    response = Client().post(path, {"password": "copeaux-42-chene"})
    assert response.status_code == 200
    assert "Un compte utilise déjà cette adresse" in response.content.decode()
    assert not Membership.objects.filter(user=cast.charlie, organisation=cast.org).exists()
