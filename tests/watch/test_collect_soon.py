"""A new source is read within seconds: one collection cycle after the commit, shared by the
sources added together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from parvis.accounts.actor import Actor
from parvis.core import enqueue
from parvis.watch import services
from parvis.watch.models import WatchQuery
from tests.conftest import Cast


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[Any], dict[str, Any]]]:
    calls: list[tuple[str, list[Any], dict[str, Any]]] = []

    def record(name: str, args: list[Any] = [], **options: Any) -> None:  # noqa: B006
        calls.append((name, list(args), options))

    monkeypatch.setattr(enqueue, "task_send", record)
    return calls


def test_sources_added_together_share_one_cycle_after_the_commit(
    cast: Cast,
    sent: list[tuple[str, list[Any], dict[str, Any]]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    actor = Actor.of(cast.alice_membership)
    with django_capture_on_commit_callbacks(execute=True):
        services.query_add(actor=actor, kind=WatchQuery.Kind.SECTOR, all_words="escalier")
        assert sent == []  # nothing before the commit: a rolled-back add reads nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.feed_add(actor=actor, url="http://127.0.0.1:9/flux.xml")
    assert sent == [
        (
            "watch.collect_organisation",
            [cast.org.pk],
            {"countdown": services.COLLECT_SOON_DELAY_S},
        )
    ]


def test_a_refused_source_asks_for_nothing(
    cast: Cast,
    sent: list[tuple[str, list[Any], dict[str, Any]]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    actor = Actor.of(cast.alice_membership)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.WatchRefused),
    ):
        services.query_add(actor=actor, kind=WatchQuery.Kind.SECTOR, all_words="  ")
    assert sent == []
