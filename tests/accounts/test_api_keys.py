from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import ApiKey
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_key_is_shown_once_stored_hashed_and_works(cast: Cast) -> None:
    owner = cast.client_for(cast.alice)
    url = reverse("accounts:api_keys", kwargs={"org": cast.org.slug})
    page = owner.post(url, {"name": "CRM", "role": Role.VIEWER}).content.decode()
    key = ApiKey.objects.get(name="CRM")
    secret = page.split('id="new-key" class="secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith("pvk_")
    assert secret not in key.key_hash and key.key_hash != secret
    assert secret not in owner.get(url).content.decode()
    response = Client().get(f"/api/v1/o/{cast.org.slug}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["role"] == Role.VIEWER
    response = Client().get(f"/api/v1/o/{cast.org.slug}/members/", HTTP_X_API_KEY=secret)
    assert {m["email"] for m in response.json()} == {"alice@example.org", "bob@example.org"}


def test_revoked_key_stops_working(cast: Cast) -> None:
    issued = api_key_create(membership=cast.alice_membership, name="old", role=Role.VIEWER)
    cast.client_for(cast.alice).post(
        reverse(
            "accounts:api_key_revoke", kwargs={"org": cast.org.slug, "key_id": issued.api_key.pk}
        )
    )
    response = Client().get(
        f"/api/v1/o/{cast.org.slug}/", HTTP_AUTHORIZATION=f"Bearer {issued.secret}"
    )
    assert response.status_code == 401


def test_key_role_limits_what_it_reads(cast: Cast) -> None:
    viewer = api_key_create(membership=cast.alice_membership, name="v", role=Role.VIEWER).secret
    manager = api_key_create(membership=cast.alice_membership, name="m", role=Role.MANAGER).secret
    url = f"/api/v1/o/{cast.org.slug}/audit/"
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {viewer}").status_code == 403
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {manager}")
    assert response.status_code == 200
    assert any(item["action"] == "api_key.created" for item in response.json()["items"])


def test_session_works_for_the_api(cast: Cast) -> None:
    response = cast.client_for(cast.bob).get(f"/api/v1/o/{cast.org.slug}/")
    assert response.json()["role"] == Role.CONTRIBUTOR


def test_unauthenticated_api_call_is_refused(cast: Cast) -> None:
    assert Client().get(f"/api/v1/o/{cast.org.slug}/").status_code == 401
    assert (
        Client()
        .get(f"/api/v1/o/{cast.org.slug}/", HTTP_AUTHORIZATION="Bearer pvk_not-a-key")
        .status_code
        == 401
    )


def test_openapi_docs_are_served() -> None:
    assert Client().get("/api/docs").status_code == 200
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/o/{org}/" in schema["paths"]
