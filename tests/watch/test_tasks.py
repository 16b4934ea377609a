"""The scheduled tasks: declared in the one beat schedule, one collection per watching
organisation, demo sources never collected, alerts after each cycle without ever failing it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from parvis.accounts.models import Organisation
from parvis.celery import BEAT_SCHEDULE
from parvis.watch import tasks
from parvis.watch.models import Feed
from tests.conftest import Cast


def test_beat_schedule_declares_collection_purge_and_alert_mail() -> None:
    assert BEAT_SCHEDULE["watch-collect"]["task"] == tasks.collect_all_task.name
    assert BEAT_SCHEDULE["watch-purge"]["task"] == tasks.purge_task.name
    assert BEAT_SCHEDULE["watch-alerts-mail"]["task"] == tasks.alerts_mail_task.name
    assert tasks.alerts_mail_task.name == "watch.alerts_mail"
    assert BEAT_SCHEDULE["watch-alerts-mail"]["schedule"] == 300.0


def test_collect_all_sends_one_task_per_watching_organisation(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(tasks.collect_organisation_task, "delay", sent.append)
    Feed.objects.create(organisation=cast.org, url="https://a.example/rss")
    Feed.objects.create(organisation=cast.org, url="https://b.example/rss")
    Feed.objects.create(organisation=cast.other_org, url="https://c.example/rss", is_demo=True)
    tasks.collect_all_task()
    assert sent == [cast.org.pk]


def test_collecting_a_missing_organisation_is_a_no_op(db: None) -> None:
    tasks.collect_organisation_task(987654)


def _cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    result = SimpleNamespace(calls=0, stored=SimpleNamespace(stored=0), errors=0)
    monkeypatch.setattr(tasks, "collect_organisation", lambda organisation: result)


def test_a_cycle_ends_with_alerts_then_their_email(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cycle(monkeypatch)
    calls: list[str] = []

    def detect(organisation: Organisation, **kwargs: Any) -> list[object]:
        calls.append(f"detect {organisation.pk}")
        return []

    def send(organisation: Organisation, **kwargs: Any) -> int:
        calls.append(f"mail {organisation.pk}")
        return 0

    monkeypatch.setattr(tasks, "alerts_detect", detect)
    monkeypatch.setattr(tasks, "alerts_mail_organisation", send)
    tasks.collect_organisation_task(cast.org.pk)
    assert calls == [f"detect {cast.org.pk}", f"mail {cast.org.pk}"]


def test_failing_alerts_never_fail_the_cycle(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    _cycle(monkeypatch)

    def broken(organisation: Organisation, **kwargs: Any) -> list[object]:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(tasks, "alerts_detect", broken)
    tasks.collect_organisation_task(cast.org.pk)  # logged, not raised


def test_the_alert_mail_task_sends_what_is_due(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(tasks, "alerts_mail_due", lambda: calls.append(True) or 0)
    tasks.alerts_mail_task()
    assert calls == [True]
