"""Retention: each purge deletes what is older than its setting, and only that; twice is once.
The activity log records the client's address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.core.audit import audit_record
from parvis.core.env import ConfigError
from parvis.core.models import AuditEvent
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Message, Reply
from parvis.networks.models import WebhookEvent
from parvis.privacy.retention import (
    audit_events_purge,
    inbox_purge,
    retention_purge,
    webhook_events_purge,
)
from parvis.privacy.tasks import retention_purge_task, webhook_events_purge_task
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account
from tests.privacy.conftest import client_in

DAY = 24.0  # hours


def test_webhook_payloads_go_once_processed_and_after_seven_days_at_most(
    db: None, settings: Any
) -> None:
    settings.RETENTION_WEBHOOK_DAYS = 7
    now = timezone.now()
    processed = WebhookEvent.objects.create(
        network="x", payload={"t": "processed"}, body_sha256="1", processed_at=now
    )
    fresh = WebhookEvent.objects.create(network="x", payload={}, body_sha256="2")
    stale = WebhookEvent.objects.create(
        network="x", payload={}, body_sha256="3", received_at=now - timedelta(days=8)
    )
    assert webhook_events_purge(now=now) == 2
    assert list(WebhookEvent.objects.all()) == [fresh]
    assert webhook_events_purge(now=now) == 0  # twice is once
    assert not WebhookEvent.objects.filter(pk__in=[processed.pk, stale.pk]).exists()
    webhook_events_purge_task()
    assert list(WebhookEvent.objects.all()) == [fresh]


def test_inbox_keeps_three_years_by_default_then_deletes(cast: Cast, settings: Any) -> None:
    assert settings.RETENTION_INBOX_DAYS == 3 * 365
    now = timezone.now()
    account = make_account(cast.org)
    years = 3 * 365 * DAY
    inbox_ingest(
        account,
        [
            # A whole old conversation: goes with its note and reply.
            item("très ancien", author="old", thread="a", hours_ago=years + DAY, now=now),
            # A conversation that goes on: its old message goes, the recent one stays.
            item("ancien", author="cont", thread="b", hours_ago=years + DAY, now=now),
            item("récent", author="cont", thread="b", hours_ago=DAY, now=now),
        ],
    )
    old = Conversation.objects.get(participant_handle="old")
    InternalNote.objects.create(organisation=cast.org, conversation=old, text="n")
    Reply.objects.create(organisation=cast.org, conversation=old, text="r", status="sent")
    going_on = Conversation.objects.get(participant_handle="cont")
    old_reply = Reply.objects.create(
        organisation=cast.org, conversation=going_on, text="vieille réponse", status="sent"
    )
    Reply.objects.filter(pk=old_reply.pk).update(created_at=now - timedelta(days=3 * 365 + 1))
    other = make_account(cast.other_org)
    inbox_ingest(other, [item("ancien chez Charlie", hours_ago=DAY, now=now)])

    assert inbox_purge(now=now) == {"conversations": 1, "messages": 1, "replies": 1}
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert not InternalNote.objects.exists()
    assert list(Message.objects.filter(organisation=cast.org).values_list("text", flat=True)) == [
        "récent"
    ]
    going_on.refresh_from_db()
    assert going_on.message_count == 1
    assert Message.objects.filter(organisation=cast.other_org).count() == 1
    assert inbox_purge(now=now) == {"conversations": 0, "messages": 0, "replies": 0}
    # A shorter setting is obeyed.
    settings.RETENTION_INBOX_DAYS = 30
    assert inbox_purge(now=now + timedelta(days=31))["conversations"] == 2


def test_audit_log_kept_one_year(cast: Cast, settings: Any) -> None:
    assert settings.RETENTION_AUDIT_DAYS == 365
    now = timezone.now()
    kept = audit_record(action="x.kept", organisation=cast.org)
    old = audit_record(action="x.old", organisation=cast.org)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=366))
    assert audit_events_purge(now=now) == 1
    assert audit_events_purge(now=now) == 0
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_daily_task_runs_every_purge_twice_safely(cast: Cast) -> None:
    now = timezone.now()
    WebhookEvent.objects.create(network="x", payload={}, body_sha256="z", processed_at=now)
    old = audit_record(action="x.old", organisation=cast.org)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=400))
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    expired, alive = SessionStore(), SessionStore()
    for store, expiry in ((expired, -60), (alive, 3600)):
        store["_auth_user_id"] = str(cast.alice.pk)
        store.set_expiry(expiry)
        store.save()
    first = retention_purge()
    assert first["webhook_events"] == 1 and first["audit_events"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]
    retention_purge_task()
    assert retention_purge() == {
        "webhook_events": 0,
        "inbox": {"conversations": 0, "messages": 0, "replies": 0},
        "audit_events": 0,
    }


def test_every_purge_is_scheduled() -> None:
    from parvis.celery import BEAT_SCHEDULE

    ours = {"privacy.deletions_due", "privacy.webhook_events_purge", "privacy.retention_purge"}
    assert ours <= {entry["task"] for entry in BEAT_SCHEDULE.values()}
    from parvis.celery import app

    for name in ours:
        assert name in app.tasks, name


def test_audit_entries_record_the_client_address(cast: Cast, settings: Any) -> None:
    client = client_in(cast.alice)
    url = reverse("accounts:organisation_settings", kwargs={"org": cast.org.slug})
    response = client.post(
        url, {"name": "Menuiserie A", "timezone": "Europe/Paris"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="organisation.updated").get()
    assert event.ip_address == "203.0.113.7"
    # Behind a trusted proxy, the forwarded client (core.client_ip decides, as for log-ins).
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    client.post(
        url,
        {"name": "Menuiserie B", "timezone": "Europe/Paris"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    latest = AuditEvent.objects.filter(action="organisation.updated").first()
    assert latest is not None and latest.ip_address == "198.51.100.4"
    # Outside a request (a task), no address.
    assert audit_record(action="x.task", organisation=cast.org).ip_address is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PARVIS_RETENTION_WEBHOOK_DAYS", "8"),
        ("PARVIS_RETENTION_INBOX_DAYS", "0"),
        ("PARVIS_RETENTION_AUDIT_DAYS", "-1"),
        ("PARVIS_ORGANISATION_DELETION_DELAY_DAYS", "1000"),
    ],
)
def test_out_of_range_settings_are_refused_at_start(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    import parvis.settings as parvis_settings

    monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ConfigError, match=name):
            importlib.reload(parvis_settings)
    finally:
        monkeypatch.delenv(name)
        importlib.reload(parvis_settings)
