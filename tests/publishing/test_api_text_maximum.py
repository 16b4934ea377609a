"""The posts API refuses a text longer than Parvis accepts with a 422 in the documented shape,
before any work is done on it, and says so in its OpenAPI document."""

from __future__ import annotations

import json

from django.test import Client

from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.networks.models import SocialAccount
from parvis.networks.validation import MAX_TEXT_LENGTH, NNBSP
from parvis.publishing.models import Post
from tests.conftest import Cast


def _client(cast: Cast) -> Client:
    secret = api_key_create(membership=cast.alice_membership, name="k", role=Role.MANAGER).secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _send(client: Client, method: str, path: str, payload: object) -> object:
    send = getattr(client, method)
    return send(path, json.dumps(payload), content_type="application/json")


def test_create_and_edit_refuse_a_body_over_the_maximum(cast: Cast, account: SocialAccount) -> None:
    client = _client(cast)
    posts = f"/api/v1/o/{cast.org.slug}/posts/"
    refused = _send(client, "post", posts, {"body": "a" * (MAX_TEXT_LENGTH + 1)})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    [problem] = refused.json()["detail"]  # type: ignore[attr-defined]
    assert problem["loc"][-1] == "body"
    assert f"Le texte fait 100{NNBSP}001 caractères{NNBSP}; Parvis en accepte" in problem["msg"]
    assert not Post.objects.filter(organisation=cast.org).exists()

    created = _send(client, "post", posts, {"body": "a" * MAX_TEXT_LENGTH})
    assert created.status_code == 201  # type: ignore[attr-defined]
    post_id = created.json()["id"]  # type: ignore[attr-defined]
    edited = _send(client, "patch", f"{posts}{post_id}/", {"body": "b" * (MAX_TEXT_LENGTH + 1)})
    assert edited.status_code == 422  # type: ignore[attr-defined]
    comment = _send(
        client, "patch", f"{posts}{post_id}/", {"first_comment": "c" * (MAX_TEXT_LENGTH + 1)}
    )
    assert comment.status_code == 422  # type: ignore[attr-defined]
    assert "Le premier commentaire fait" in comment.json()["detail"][0]["msg"]  # type: ignore[attr-defined]
    assert Post.objects.get(pk=post_id).body == "a" * MAX_TEXT_LENGTH


def test_the_openapi_document_declares_the_maximum(cast: Cast) -> None:
    document = _client(cast).get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert schemas["PostIn"]["properties"]["body"]["maxLength"] == MAX_TEXT_LENGTH
    assert schemas["PostIn"]["properties"]["first_comment"]["maxLength"] == MAX_TEXT_LENGTH
    patch_body = schemas["PostPatch"]["properties"]["body"]["anyOf"]
    assert {"type": "string", "maxLength": MAX_TEXT_LENGTH} in patch_body
