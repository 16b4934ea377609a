"""API keys expire when asked to, and stop with their creator's membership (issue #11, 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts import services
from parvis.accounts.models import ApiKey, Membership
from parvis.accounts.roles import Role
from parvis.core.models import AuditEvent
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _api_status(cast: Cast, secret: str) -> int:
    response = Client().get(f"/api/v1/o/{cast.org.slug}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code


def _keys_url(cast: Cast) -> str:
    return reverse("accounts:api_keys", kwargs={"org": cast.org.slug})


def test_a_key_is_created_with_an_expiry_and_refused_with_401_once_past_it(cast: Cast) -> None:
    owner = cast.client_for(cast.alice)
    day = timezone.localdate(timezone=cast.org.tzinfo) + timedelta(days=30)
    page = owner.post(
        _keys_url(cast), {"name": "CRM", "role": Role.VIEWER, "valid_until": day.isoformat()}
    ).content.decode()
    secret = page.split('id="new-key" class="secret">', 1)[1].split("<", 1)[0]
    key = ApiKey.objects.get(name="CRM")
    assert key.expires_at is not None
    # The end of the chosen day, in the organisation's time zone.
    local = timezone.localtime(key.expires_at, cast.org.tzinfo)
    assert (local.date(), local.hour, local.minute) == (day, 23, 59)
    assert _api_status(cast, secret) == 200
    listing = owner.get(_keys_url(cast)).content.decode()
    assert day.strftime("%d/%m/%Y") in listing
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api_status(cast, secret) == 401
    assert not ApiKey.objects.get(pk=key.pk).is_active
    assert "expirée" in owner.get(_keys_url(cast)).content.decode()


def test_a_key_without_expiry_works_until_revoked(cast: Cast) -> None:
    issued = services.api_key_create(membership=cast.alice_membership, name="k", role=Role.VIEWER)
    assert issued.api_key.expires_at is None
    assert _api_status(cast, issued.secret) == 200
    assert "jusqu’à révocation" in cast.client_for(cast.alice).get(_keys_url(cast)).content.decode()


@pytest.mark.parametrize(
    ("valid_until", "message"),
    [
        ("2001-01-01", "Choisissez aujourd’hui ou un jour suivant."),
        ("9999-12-31", "Choisissez un jour dans les dix ans à venir."),
        ("31/02/2030", "Saisissez une date valide."),
        ("not a date", "Saisissez une date valide."),
    ],
)
def test_a_bad_expiry_is_refused_with_a_clear_message(
    cast: Cast, valid_until: str, message: str
) -> None:
    response = cast.client_for(cast.alice).post(
        _keys_url(cast), {"name": "CRM", "role": Role.VIEWER, "valid_until": valid_until}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_service_refuses_an_expiry_in_the_past(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_key_create(
            membership=cast.alice_membership,
            name="late",
            role=Role.VIEWER,
            expires_at=timezone.now() - timedelta(minutes=1),
        )


def _manager_bob_with_a_key(cast: Cast) -> str:
    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    return services.api_key_create(
        membership=cast.bob_membership, name="Bob's CRM", role=Role.VIEWER
    ).secret


def test_a_removed_members_keys_are_revoked_and_audit_logged(cast: Cast) -> None:
    bobs = _manager_bob_with_a_key(cast)
    alices = services.api_key_create(
        membership=cast.alice_membership, name="Alice's", role=Role.VIEWER
    ).secret
    assert _api_status(cast, bobs) == 200
    cast.client_for(cast.alice).post(
        reverse(
            "accounts:member_remove",
            kwargs={"org": cast.org.slug, "membership_id": cast.bob_membership.pk},
        )
    )
    assert not Membership.objects.filter(pk=cast.bob_membership.pk).exists()
    assert _api_status(cast, bobs) == 401
    assert _api_status(cast, alices) == 200
    event = AuditEvent.objects.get(action="api_key.revoked", organisation=cast.org)
    assert event.actor == cast.alice
    assert event.data["reason"] == "creator_left"
    assert event.target_label.startswith("Bob's CRM")


def test_a_member_who_leaves_takes_their_keys_with_them(cast: Cast) -> None:
    bobs = _manager_bob_with_a_key(cast)
    bob = cast.client_for(cast.bob)
    bob.post(
        reverse(
            "accounts:member_remove",
            kwargs={"org": cast.org.slug, "membership_id": cast.bob_membership.pk},
        )
    )
    assert _api_status(cast, bobs) == 401
    assert AuditEvent.objects.filter(
        action="api_key.revoked", actor=cast.bob, data__reason="creator_left"
    ).exists()


def test_keys_of_a_creator_who_is_gone_are_pointed_out_to_the_owner(cast: Cast) -> None:
    """A key whose creator left some other way (e.g. deleted their account) is listed."""
    _manager_bob_with_a_key(cast)
    Membership.objects.filter(pk=cast.bob_membership.pk).delete()  # not through the service
    page = cast.client_for(cast.alice).get(_keys_url(cast)).content.decode()
    assert "créateur parti\u00a0: à révoquer\u00a0?" in page
    cast.bob.delete()
    page = cast.client_for(cast.alice).get(_keys_url(cast)).content.decode()
    assert "un ancien membre" in page
    assert "créateur parti\u00a0: à révoquer\u00a0?" in page


def test_keys_can_be_revoked_everywhere_for_a_departing_user(cast: Cast) -> None:
    """For account deletion: every key the user made, in every organisation."""
    bobs = _manager_bob_with_a_key(cast)
    assert services.api_keys_revoke_created_by(creator=cast.bob, reason="account_deleted") == 1
    assert _api_status(cast, bobs) == 401


def test_a_demoted_members_keys_above_the_new_role_are_revoked(cast: Cast) -> None:
    """A key never keeps more rights than the member who answers for it."""
    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    keys = {
        role: services.api_key_create(
            membership=cast.bob_membership, name=f"Bob {role}", role=role
        ).secret
        for role in (Role.MANAGER, Role.CONTRIBUTOR, Role.VIEWER)
    }
    alices = services.api_key_create(
        membership=cast.alice_membership, name="Alice's", role=Role.MANAGER
    ).secret
    response = cast.client_for(cast.alice).post(
        reverse(
            "accounts:member_role",
            kwargs={"org": cast.org.slug, "membership_id": cast.bob_membership.pk},
        ),
        {"role": Role.CONTRIBUTOR},
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=cast.bob_membership.pk).role == Role.CONTRIBUTOR
    assert _api_status(cast, keys[Role.MANAGER]) == 401
    assert _api_status(cast, keys[Role.CONTRIBUTOR]) == 200
    assert _api_status(cast, keys[Role.VIEWER]) == 200
    assert _api_status(cast, alices) == 200  # someone else's key is untouched
    event = AuditEvent.objects.get(action="api_key.revoked", organisation=cast.org)
    assert event.actor == cast.alice
    assert event.data["reason"] == "creator_demoted"
    assert event.target_label.startswith("Bob manager")
    # A promotion revokes nothing.
    services.membership_change_role(
        acting=cast.alice_membership, target=cast.bob_membership, role=Role.MANAGER
    )
    assert _api_status(cast, keys[Role.CONTRIBUTOR]) == 200
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1
