"""End to end through real processes: ``parvis scheduler`` + ``parvis worker`` (Celery, the
suite's broker) publish a post scheduled through the services to the X fake over HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.peers.x_fake import XFake
from tests.processes import isolated_instance
from tests.publishing.claim_proc import run_in, target_statuses


def test_scheduler_and_worker_publish_a_scheduled_post_once(tmp_path: Path, x_fake: XFake) -> None:
    text = "Publié par un vrai worker Celery"
    token = x_fake.issue_tokens()["access_token"]
    with isolated_instance(tmp_path) as instance:
        run_in(instance, "seed-x", x_fake.url, token, x_fake.me, text)
        instance.start("worker", "worker")
        instance.start("scheduler", "scheduler")

        instance.wait_until(
            lambda: target_statuses(instance)[0][0] == "published",
            timeout=120,
            what="the post to be published",
        )
        [[state, remote_url, attempts]] = target_statuses(instance)
    posts = [p for p in x_fake.own_posts() if p.text == text]
    assert len(posts) == 1
    assert remote_url == f"https://x.com/i/web/status/{posts[0].id}"
    assert attempts == 1
