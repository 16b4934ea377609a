"""The shared kernel: settings from env, encryption at rest, log redaction, health, audit."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.core import crypto
from parvis.core.env import ConfigError, env_bool, env_secret, persistent_secret
from parvis.core.logging import JsonFormatter, RedactSecretsFilter
from parvis.core.models import Heartbeat


def test_secret_file_wins_over_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("PARVIS_X", "from-env")
    monkeypatch.setenv("PARVIS_X_FILE", str(secret_file))
    assert env_secret("PARVIS_X") == "from-file"
    monkeypatch.setenv("PARVIS_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="PARVIS_X_FILE"):
        env_secret("PARVIS_X")


def test_bad_boolean_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARVIS_FLAG", "maybe")
    with pytest.raises(ConfigError, match="PARVIS_FLAG='maybe' is not a boolean"):
        env_bool("PARVIS_FLAG", default=False)


def test_embedded_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    store = tmp_path / "key"
    first = persistent_secret("PARVIS_UNSET_SECRET", store=store, generate=True)
    assert persistent_secret("PARVIS_UNSET_SECRET", store=store, generate=True) == first
    assert store.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ConfigError, match="PARVIS_UNSET_SECRET is not set"):
        persistent_secret("PARVIS_UNSET_SECRET", store=tmp_path / "other", generate=False)


def test_encryption_round_trip_and_rotation(settings: object) -> None:
    settings.ENCRYPTION_KEYS = ["old-key-0123456789"]  # type: ignore[attr-defined]
    token = crypto.encrypt("EAAB-secret-token")
    assert "EAAB" not in token
    settings.ENCRYPTION_KEYS = ["new-key-9876543210", "old-key-0123456789"]  # type: ignore[attr-defined]
    assert crypto.decrypt(token) == "EAAB-secret-token"
    rotated = crypto.rotate(token)
    settings.ENCRYPTION_KEYS = ["new-key-9876543210"]  # type: ignore[attr-defined]
    assert crypto.decrypt(rotated) == "EAAB-secret-token"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
    assert crypto.mask("EAAB-secret-token") == "EAAB…en"


def _formatted(message: str, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    RedactSecretsFilter().filter(record)
    return json.loads(JsonFormatter().format(record))  # type: ignore[no-any-return]


def test_logs_never_carry_secrets() -> None:
    line = _formatted(
        "POST /oauth?access_token=abc123456789&x=1 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x",
        refresh_token="r-123456789",
        detail="api key pvk_abcdefghijklmnop",
    )
    text = json.dumps(line)
    for secret in ("abc123456789", "eyJhbGciOiJIUzI1NiJ9", "r-123456789", "abcdefghijklmnop"):
        assert secret not in text
    assert line["refresh_token"] == "[redacted]"


@pytest.mark.django_db
def test_healthz_reports_each_check_and_503_when_heartbeats_are_stale() -> None:
    now = timezone.now()
    Heartbeat.objects.create(name="worker:a", kind="worker", seen_at=now)
    Heartbeat.objects.create(name="scheduler:a", kind="scheduler", seen_at=now)
    Heartbeat.objects.create(name="dispatcher:a", kind="dispatcher", seen_at=now)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {
        "database",
        "broker",
        "worker",
        "scheduler",
        "dispatcher",
    }
    Heartbeat.objects.filter(kind="worker").update(seen_at=now - timedelta(minutes=5))
    response = Client().get("/healthz")
    assert response.status_code == 503
    # Anonymous: up/down only (tests/core/test_healthz.py tries the staff details).
    assert response.json()["checks"]["worker"] == {"ok": False, "status": "down"}


@pytest.mark.django_db
def test_healthz_turns_red_instead_of_crashing_when_the_database_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import DatabaseError

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "status": "down"}


def test_pages_carry_a_strict_content_security_policy(db: None) -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content and b" style=" not in response.content


@pytest.mark.django_db
def test_demo_organisation_is_created_and_marked(client: Client) -> None:
    from parvis.accounts.models import User

    user = User.objects.create_user("new@example.org", "password")
    client.force_login(user)
    response = client.post("/demo/")
    organisation = Organisation.objects.get(is_demo=True)
    assert response["Location"] == f"/o/{organisation.slug}/"
    assert "Menuiserie Martin" in organisation.name
    page = client.get(response["Location"]).content.decode()
    assert "Organisation de démonstration" in page
    assert organisation.memberships.count() == 4


@pytest.mark.django_db
def test_demo_command_creates_an_owner_and_prints_the_password_once() -> None:
    from io import StringIO

    from django.core.management import call_command

    from parvis.accounts.models import User

    out = StringIO()
    call_command("demo", email="Demo@Example.org", stdout=out)
    user = User.objects.get(email="demo@example.org")
    password = out.getvalue().split("password: ", 1)[1].strip()
    assert user.check_password(password)
    assert Organisation.objects.get(is_demo=True).memberships.filter(user=user).exists()
    out = StringIO()
    call_command("demo", email="demo@example.org", stdout=out)
    assert "password" not in out.getvalue()
    assert Organisation.objects.filter(is_demo=True).count() == 2


@pytest.mark.django_db
def test_rotate_keys_re_encrypts_stored_tokens_with_the_new_first_key(settings: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from parvis.accounts.models import User
    from parvis.accounts.services import organisation_create
    from parvis.networks.models import SocialAccount

    settings.ENCRYPTION_KEYS = ["old-key-0123456789"]  # type: ignore[attr-defined]
    owner = User.objects.create_user("rot@example.org", "password")
    organisation = organisation_create(name="Rotation", owner=owner)
    account = SocialAccount.objects.create(
        organisation=organisation, kind="x", remote_id="1", handle="@rot", access_token="tok-123"
    )
    settings.ENCRYPTION_KEYS = ["new-key-9876543210", "old-key-0123456789"]  # type: ignore[attr-defined]
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "Re-encrypted 1 row(s)" in out.getvalue()
    settings.ENCRYPTION_KEYS = ["new-key-9876543210"]  # type: ignore[attr-defined]
    account.refresh_from_db()
    assert account.access_token == "tok-123"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM networks_socialaccount WHERE id = %s", [account.pk]
        )
        assert "tok-123" not in cursor.fetchone()[0]
