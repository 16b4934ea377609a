"""/healthz tells anonymous callers only up or down per component; staff get the details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from parvis.accounts.models import User
from parvis.core.models import Heartbeat

pytestmark = pytest.mark.django_db

COMPONENTS = {"database", "broker", "worker", "scheduler", "dispatcher"}


def _beats(age: timedelta = timedelta()) -> None:
    for kind in ("worker", "scheduler", "dispatcher"):
        Heartbeat.objects.create(name=f"{kind}:a", kind=kind, seen_at=timezone.now() - age)


def _staff() -> Client:
    user = User.objects.create_user("ops@example.org", "password", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_callers_get_up_or_down_and_nothing_else() -> None:
    _beats(age=timedelta(minutes=5))  # stale: the worker is down
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and set(body["checks"]) == COMPONENTS
    for name, check in body["checks"].items():
        assert set(check) == {"ok", "status"}, name
    assert body["checks"]["worker"] == {"ok": False, "status": "down"}
    assert body["checks"]["database"] == {"ok": True, "status": "up"}
    text = response.content.decode()
    for leak in ("sqlite", "postgres", "filesystem", "redis", "stale", "last seen", "age_s", "/"):
        assert leak not in text, leak
    assert response["Cache-Control"] == "no-store" and "Cookie" in response["Vary"]


def test_a_failure_text_stays_out_of_the_anonymous_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("could not connect to server db.internal.example:5432")

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "status": "down"}
    assert "db.internal" not in response.content.decode()


def test_staff_get_the_details() -> None:
    _beats(age=timedelta(minutes=5))
    response = _staff().get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["detail"] == connection.vendor
    assert checks["worker"]["ok"] is False and checks["worker"]["age_s"] >= 300
    assert "300" in checks["worker"]["detail"]  # the age, in the reader's language


def test_members_who_are_not_staff_get_the_anonymous_answer() -> None:
    _beats()
    member = User.objects.create_user("alice@example.org", "password")
    client = Client()
    client.force_login(member)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == {"ok": True, "status": "up"}


def test_a_staff_cookie_while_the_database_is_down_still_gets_an_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = _staff()

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")  # the session cannot be read either: not a 500
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
