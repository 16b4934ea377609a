"""The scheduled tasks: declared in the one beat schedule, one collection per watching
organisation, demo sources never collected."""

from __future__ import annotations

import pytest

from parvis.celery import BEAT_SCHEDULE
from parvis.watch import tasks
from parvis.watch.models import Feed
from tests.conftest import Cast


def test_beat_schedule_declares_collection_and_purge() -> None:
    assert BEAT_SCHEDULE["watch-collect"]["task"] == tasks.collect_all_task.name
    assert BEAT_SCHEDULE["watch-purge"]["task"] == tasks.purge_task.name


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
