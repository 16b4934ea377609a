"""The review of the GDPR change: heavy deletions run in the worker, never in a request, and
nothing is written to an organisation once a worker has started deleting it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import ApiKey, Organisation, User
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.core.models import AuditEvent
from parvis.inbox.models import Message
from parvis.networks.models import WebhookEvent
from parvis.privacy import retention, services
from parvis.privacy.models import OrganisationDeletion
from parvis.publishing.models import MediaAsset, Post
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account
from tests.privacy.conftest import client_in, fill

ACCOUNT_DELETE = "/account/delete/"


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks enqueued with ``delay`` run at once, in the test's process."""
    from parvis.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def _forbid_wipe(monkeypatch: pytest.MonkeyPatch) -> None:
    def wipe(organisation: Organisation) -> dict[str, Any]:
        raise AssertionError("an organisation was wiped inside the request")

    monkeypatch.setattr(services, "organisation_wipe", wipe)


# --- 1. a sole member's organisation is deleted by the worker, not in their request ----------


def test_account_deletion_hands_the_organisation_to_the_worker(
    cast: Cast,
    _media_in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    eager: None,
) -> None:
    filled = fill(cast.other_org, cast.charlie, _media_in_tmp, "charlie")
    org_id = cast.other_org.pk
    client = client_in(cast.charlie)
    with monkeypatch.context() as patched:
        _forbid_wipe(patched)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(ACCOUNT_DELETE, {"password": "password"})
    assert response.status_code == 302
    # The request deleted the user, and nothing of the organisation.
    assert not User.objects.filter(pk=cast.charlie.pk).exists()
    assert Organisation.objects.filter(pk=org_id).exists()
    assert MediaAsset.objects.filter(organisation_id=org_id).count() == 1
    assert Message.objects.filter(organisation_id=org_id).exists()
    assert all(path.exists() for path in filled.files)
    # A deletion due now, left to the worker: the path of an owner's deletion.
    deletion = OrganisationDeletion.objects.get(organisation_id=org_id)
    assert deletion.due_at <= timezone.now() and deletion.cancelled_at is None
    assert deletion.requested_by is None  # SET_NULL: the requester is gone

    # Enqueued on commit, the scheduler's sweep claims it and the deletion task deletes it all.
    for callback in callbacks:
        callback()
    assert not Organisation.objects.filter(pk=org_id).exists()
    assert not any(path.exists() for path in filled.files)
    assert AuditEvent.objects.get(action="organisation.deleted").data["organisation_id"] == org_id
    assert Organisation.objects.filter(pk=cast.org.pk).exists()


def _enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the deletion tasks enqueued (their deletion is claimed, not run)."""
    from parvis.privacy import tasks

    enqueued: list[int] = []
    monkeypatch.setattr(tasks.organisation_delete_task, "delay", enqueued.append)
    return enqueued


def test_a_deletion_already_scheduled_is_brought_forward_not_duplicated(
    cast: Cast,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    eager: None,
) -> None:
    scheduled = services.organisation_deletion_request(
        membership=cast.charlie_membership, confirmation=cast.other_org.name
    )
    assert scheduled.due_at > timezone.now() + timedelta(days=1)
    _forbid_wipe(monkeypatch)
    enqueued = _enqueued(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=cast.charlie, password="password")
    deletion = OrganisationDeletion.objects.get(organisation=cast.other_org)
    assert deletion.pk == scheduled.pk
    assert deletion.due_at <= timezone.now() and deletion.started_at is not None
    assert enqueued == [deletion.pk]


def test_a_deletion_a_worker_is_on_gets_no_second_task(
    cast: Cast,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    eager: None,
) -> None:
    scheduled = services.organisation_deletion_request(
        membership=cast.charlie_membership, confirmation=cast.other_org.name
    )
    assert services.organisation_deletions_claim_due(now=scheduled.due_at) == [scheduled.pk]
    _forbid_wipe(monkeypatch)
    enqueued = _enqueued(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=cast.charlie, password="password")
    assert not User.objects.filter(pk=cast.charlie.pk).exists()
    # Two workers never delete the same rows at once.
    assert enqueued == []


# --- 3. API keys are revoked by the accounts service ------------------------------------------


def test_account_deletion_revokes_keys_through_the_accounts_service(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parvis.accounts import services as accounts_services

    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    his_key = api_key_create(membership=cast.bob_membership, name="bob", role=Role.VIEWER)
    calls: list[dict[str, Any]] = []
    real = accounts_services.api_keys_revoke_created_by

    def spy(**kwargs: Any) -> int:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "api_keys_revoke_created_by", spy)
    services.user_delete(user=cast.bob, password="password")
    assert calls == [{"creator": cast.bob, "reason": "creator_deleted_account"}]
    assert ApiKey.objects.get(pk=his_key.api_key.pk).revoked_at is not None
    event = AuditEvent.objects.get(action="api_key.revoked")
    assert event.data["reason"] == "creator_deleted_account"


# --- 2. a deletion that has started freezes the organisation ----------------------------------


def _claim(cast: Cast, capture: Any) -> OrganisationDeletion:
    """Schedule and claim Alice's organisation's deletion, as the scheduler's tick does
    (its on-commit callbacks run: outside a test, the claim commits at once)."""
    deletion = services.organisation_deletion_request(
        membership=cast.alice_membership, confirmation=cast.org.name
    )
    with capture(execute=True):
        assert services.organisation_deletions_claim_due(now=deletion.due_at) == [deletion.pk]
    return deletion


def test_pages_refuse_every_request_once_the_deletion_has_started(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    dashboard = reverse("web:dashboard", kwargs={"org": cast.org.slug})
    client = client_in(cast.bob, "fr")
    # Scheduled only: the organisation works as usual (with its banner).
    services.organisation_deletion_request(
        membership=cast.alice_membership, confirmation=cast.org.name
    )
    assert client.get(dashboard).status_code == 200  # and the answer is cached now
    deletion = OrganisationDeletion.objects.get()
    # Claimed: refused at once, though « not deleting » was cached a moment ago.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.organisation_deletions_claim_due(now=deletion.due_at) == [deletion.pk]
    response = client.get(dashboard)
    assert response.status_code == 410
    assert "Cette organisation est en cours de suppression" in response.content.decode()
    upload = reverse("posts:media", kwargs={"org": cast.org.slug})
    assert client_in(cast.alice).post(upload, {}).status_code == 410
    assert client_in(cast.alice).get(dashboard).status_code == 410
    # A non-member still learns nothing; another organisation is untouched.
    assert client_in(cast.charlie).get(dashboard).status_code == 404
    other = reverse("web:dashboard", kwargs={"org": cast.other_org.slug})
    assert client_in(cast.charlie).get(other).status_code == 200


def test_the_api_refuses_every_request_once_the_deletion_has_started(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    secret = api_key_create(membership=cast.alice_membership, name="k", role=Role.OWNER).secret
    by_key = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    posts = f"/api/v1/o/{cast.org.slug}/posts/"
    assert by_key.get(posts).status_code == 200
    _claim(cast, django_capture_on_commit_callbacks)
    for client in (by_key, client_in(cast.alice)):
        response = client.get(posts)
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "forbidden"
        # French by default (the key has no user), English for Alice's session.
        assert "being deleted" in body["detail"] or "en cours de suppression" in body["detail"]
    created = by_key.post(posts, {"body": "trop tard"}, content_type="application/json")
    assert created.status_code == 403
    assert not Post.objects.filter(body="trop tard").exists()
    # Charlie's own organisation answers as before.
    assert client_in(cast.charlie).get(f"/api/v1/o/{cast.other_org.slug}/posts/").status_code == 200


# --- 2. files written while the rows went are swept -------------------------------------------


def test_media_folder_is_where_uploads_go(cast: Cast) -> None:
    from parvis.privacy.deletion import organisation_media_folder

    asset = MediaAsset(organisation=cast.org, mime="image/png")
    asset.file.save("a.png", ContentFile(b"png"), save=False)
    assert asset.file.name.startswith(organisation_media_folder(cast.org.pk) + "/")
    asset.file.delete(save=False)


def test_a_file_without_a_row_is_swept_with_the_organisation(
    cast: Cast,
    _media_in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from parvis.privacy import deletion as deletion_module
    from parvis.privacy.deletion import organisation_media_folder

    mine = fill(cast.org, cast.alice, _media_in_tmp, "alice")
    theirs = fill(cast.other_org, cast.charlie, _media_in_tmp, "charlie")
    folder = _media_in_tmp / organisation_media_folder(cast.org.pk)
    late = folder / "uploaded-during-the-wipe.png"
    nested = folder / "renditions" / "late.jpg"

    # An upload lands after the first pass over the files, its row after the rows went.
    real_rows_delete = deletion_module.organisation_rows_delete

    def rows_delete_with_an_upload(organisation: Organisation, **kwargs: Any) -> dict[str, int]:
        nested.parent.mkdir(parents=True)
        late.write_bytes(b"late")
        nested.write_bytes(b"late")
        return real_rows_delete(organisation, **kwargs)

    monkeypatch.setattr(services, "organisation_rows_delete", rows_delete_with_an_upload)
    deletion = _claim(cast, django_capture_on_commit_callbacks)
    assert services.organisation_delete(deletion_id=deletion.pk) is True
    assert not late.exists() and not nested.exists() and not folder.exists()
    assert not any(path.exists() for path in mine.files)
    assert all(path.exists() for path in theirs.files)
    event = AuditEvent.objects.get(action="organisation.deleted")
    assert event.data["files"] == 2 and event.data["files_swept"] == 2


# --- 4. a person's erasure leaves the global webhook purge to the worker ----------------------


def test_person_erasure_enqueues_the_webhook_purge(
    cast: Cast,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    eager: None,
) -> None:
    account = make_account(cast.org, "facebook")
    from parvis.inbox.ingest import inbox_ingest

    inbox_ingest(account, [item("Bonjour, Jean Dupont", author="jdupont")])
    processed = WebhookEvent.objects.create(
        network="facebook", payload={"t": "Jean"}, body_sha256="a", processed_at=timezone.now()
    )
    waiting = WebhookEvent.objects.create(network="facebook", payload={}, body_sha256="b")
    reference = services.person_find(membership=cast.alice_membership, query="jdupont")[0]
    purges: list[int] = []
    real_purge = retention.webhook_events_purge

    def counted(**kwargs: Any) -> int:
        purges.append(1)
        return real_purge(**kwargs)

    monkeypatch.setattr(retention, "webhook_events_purge", counted)
    monkeypatch.setattr(services, "webhook_events_purge", counted, raising=False)
    client = client_in(cast.alice)
    url = reverse("privacy:people_erase", kwargs={"org": cast.org.slug})
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"person": [reference.reference], "confirm": "on"})
    assert response.status_code == 302
    assert purges == []  # not in the manager's request
    assert WebhookEvent.objects.filter(pk=processed.pk).exists()
    for callback in callbacks:
        callback()  # the worker's task
    assert purges == [1]
    assert list(WebhookEvent.objects.all()) == [waiting]
