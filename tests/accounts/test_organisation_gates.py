"""An organisation a registered gate closes refuses every request, on both doors, without
accounts knowing who closed it (privacy registers the deletion's gate from its app config)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts import gates
from parvis.accounts.models import Organisation
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.privacy.selectors import organisation_deletion_gate
from tests.conftest import Cast

CLOSED = gates.OrganisationClosed(
    page_template="privacy/being_deleted.html", api_detail="Closed for the test."
)


@pytest.fixture
def closing_alices_organisation(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def gate(organisation: Organisation) -> gates.OrganisationClosed | None:
        return CLOSED if organisation.pk == cast.org.pk else None

    monkeypatch.setattr(gates, "_gates", [gate])


def test_privacy_registers_the_deletion_gate() -> None:
    assert organisation_deletion_gate in gates._gates


def test_a_closed_organisation_answers_410_to_its_members(
    cast: Cast, closing_alices_organisation: None
) -> None:
    client = Client()
    client.force_login(cast.alice)
    assert client.get(reverse("web:dashboard", kwargs={"org": cast.org.slug})).status_code == 410
    # A non-member still learns nothing; another organisation is open.
    client.force_login(cast.charlie)
    assert client.get(reverse("web:dashboard", kwargs={"org": cast.org.slug})).status_code == 404
    other = reverse("web:dashboard", kwargs={"org": cast.other_org.slug})
    assert client.get(other).status_code == 200


def test_a_closed_organisation_refuses_its_api_keys_with_the_gates_reason(
    cast: Cast, closing_alices_organisation: None
) -> None:
    secret = api_key_create(membership=cast.alice_membership, name="k", role=Role.OWNER).secret
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(
        f"/api/v1/o/{cast.org.slug}/posts/"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Closed for the test."
