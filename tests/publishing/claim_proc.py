"""Run in a separate process by the process tests: ``seed N`` creates N due targets,
``claim DIR N`` waits until N claimers are ready (a file each in DIR), then claims one batch
per round in lock-step with the others until none is left and prints the ids it got as JSON,
``seed-x URL TOKEN USER`` schedules one post on an X account at URL through the services (as the API
would), ``status`` prints every target's status and remote URL as JSON."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.processes import IsolatedInstance


def _arrive(barrier: Path, step: str, claimers: int) -> None:
    """A barrier across processes: mark this process at ``step``, then wait until every
    claimer is there too, or has finished (a ``done-`` file). Slow starts and a scheduler that
    favours one process on a busy machine must not let it drain every target alone."""
    (barrier / f"{step}-{os.getpid()}").touch()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        arrived = len(list(barrier.glob(f"{step}-*"))) + len(list(barrier.glob("done-*")))
        if arrived >= claimers:
            return
        time.sleep(0.01)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from parvis.accounts.models import User
    from parvis.accounts.services import organisation_create
    from parvis.networks.models import SocialAccount
    from parvis.publishing.claims import claim_due
    from parvis.publishing.config import Config
    from parvis.publishing.models import Post, PostTarget

    if argv[0] == "seed":
        owner = User.objects.create_user("seed@example.org", "x")
        org = organisation_create(name="Seed", owner=owner)
        account = SocialAccount.objects.create(
            organisation=org, kind="x", remote_id="1", handle="seed", access_token="t"
        )
        past = timezone.now() - timedelta(seconds=5)
        posts = Post.objects.bulk_create(
            Post(organisation=org, body=f"p{i}", status="scheduled") for i in range(int(argv[1]))
        )
        PostTarget.objects.bulk_create(
            PostTarget(
                organisation=org,
                post=p,
                account=account,
                status="scheduled",
                due_at=past,
                next_attempt_at=past,
            )
            for p in posts
        )
        return 0
    if argv[0] == "seed-x":
        from parvis.accounts.actor import Actor
        from parvis.accounts.models import Membership
        from parvis.publishing.services.editing import post_create
        from parvis.publishing.services.scheduling import post_schedule

        owner = User.objects.create_user("e2e@example.org", "x")
        org = organisation_create(name="E2E", owner=owner)
        account = SocialAccount.objects.create(
            organisation=org,
            kind="x",
            remote_id=argv[3],
            handle="parvis_test",
            access_token=argv[2],
            api_base_url=argv[1],
        )
        actor = Actor.of(Membership.objects.get(user=owner))
        post = post_create(actor=actor, body=argv[4], account_ids=[account.pk])
        post_schedule(actor=actor, post=post, at=timezone.now() + timedelta(seconds=2))
        return 0
    if argv[0] == "status":
        rows = PostTarget.objects.values_list("status", "remote_url", "attempts")
        print(json.dumps([list(r) for r in rows]))
        return 0
    config = Config(timedelta(minutes=5), 1.0, 3, 1.0, 1.0, timedelta(0))
    got: list[int] = []
    barrier, claimers = Path(argv[1]), int(argv[2])
    _arrive(barrier, "ready", claimers)
    # Lock-step rounds: every claimer claims one batch per round, all of them at the same
    # moment, so the claims really race each other whatever the scheduler does.
    # A claim that lost the race comes back empty although targets are left (compare-and-set
    # on SQLite): only an empty table of due targets ends a claimer.
    rounds = 0
    while True:
        _token, ids = claim_due(worker=f"p{os.getpid()}", limit=5, config=config)
        got.extend(ids)
        if not ids and not PostTarget.objects.filter(status="scheduled").exists():
            (barrier / f"done-{os.getpid()}").touch()
            break
        rounds += 1
        _arrive(barrier, f"round{rounds}", claimers)
    print(json.dumps(got))
    return 0


def run_in(instance: IsolatedInstance, *args: str) -> str:
    """Run this module's command ``args`` inside ``instance`` (a ``tests.processes``
    IsolatedInstance) and return what it printed."""
    import subprocess

    from tests.processes import ROOT

    return subprocess.run(
        [sys.executable, "-m", "tests.publishing.claim_proc", *args],
        env=instance.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def target_statuses(instance: IsolatedInstance) -> list[list[object]]:
    """Every target's [status, remote URL, attempts] in ``instance``."""
    rows: list[list[object]] = json.loads(run_in(instance, "status"))
    return rows


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
