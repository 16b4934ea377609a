"""``parvis dispatcher``, a real process: it publishes a scheduled post at its minute, once,
reports its heartbeat to /healthz's checks, and stops cleanly on SIGTERM; the beat sweep
steps aside while a dispatcher is alive."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from parvis.core.models import Heartbeat
from tests.peers.x_fake import XFake
from tests.processes import isolated_instance
from tests.publishing.claim_proc import run_in, target_statuses


def test_dispatcher_publishes_a_scheduled_post_once(tmp_path: Path, x_fake: XFake) -> None:
    text = "Publié par le dispatcher, à la minute"
    token = x_fake.issue_tokens()["access_token"]
    with isolated_instance(tmp_path, PARVIS_HEARTBEAT_INTERVAL="1") as instance:
        run_in(instance, "seed-x", x_fake.url, token, x_fake.me, text)
        # Two dispatchers compete for the same post: it still goes out once.
        first = instance.start("dispatcher-1", "dispatcher")
        instance.start("dispatcher-2", "dispatcher")

        instance.wait_until(
            lambda: target_statuses(instance)[0][0] == "published",
            timeout=120,
            what="the post to be published",
        )
        doctor = instance.parvis("doctor", check=False)
        # Its SIGTERM handler is in place once it says it started.
        instance.wait_until(
            lambda: "dispatcher started" in instance.log("dispatcher-1"),
            timeout=60,
            what="dispatcher-1 in its loop",
        )
        instance.stop("dispatcher-1")
        assert first.returncode == 0  # SIGTERM: the loop ends, the process exits cleanly
        assert "dispatcher stopped" in instance.log("dispatcher-1")
    assert "dispatcher" in doctor.stdout
    posts = [p for p in x_fake.own_posts() if p.text == text]
    assert len(posts) == 1


@pytest.mark.django_db
def test_the_beat_sweep_publishes_only_when_no_dispatcher_is_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Next to a live dispatcher the sweep would publish its batch serially, late; without one
    it is what publishes."""
    from parvis.publishing import tasks

    batches: list[int] = []
    monkeypatch.setattr(tasks, "dispatch_batch", lambda limit: batches.append(limit) or {})
    Heartbeat.objects.create(name="dispatcher:a", kind="dispatcher", seen_at=timezone.now())
    tasks.dispatch_due_task()
    assert batches == []
    Heartbeat.objects.filter(kind="dispatcher").update(
        seen_at=timezone.now() - timedelta(minutes=5)
    )
    tasks.dispatch_due_task()
    assert len(batches) == 1
