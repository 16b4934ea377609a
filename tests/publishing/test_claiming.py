"""Two workers never claim the same target (threads here, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from parvis.networks.models import SocialAccount
from parvis.publishing.claims import claim_due
from parvis.publishing.models import Post, PostTarget
from tests.conftest import Cast
from tests.processes import ROOT, IsolatedInstance
from tests.publishing.conftest import make_account
from tests.publishing.helpers import FAST

TARGETS = 120
WORKERS = 4


def _due_targets(cast: Cast, account: SocialAccount, count: int) -> set[int]:
    past = timezone.now() - timedelta(seconds=5)
    posts = Post.objects.bulk_create(
        Post(organisation=cast.org, body=f"post {i}", status=Post.Status.SCHEDULED)
        for i in range(count)
    )
    targets = PostTarget.objects.bulk_create(
        PostTarget(
            organisation=cast.org,
            post=post,
            account=account,
            status=PostTarget.Status.SCHEDULED,
            due_at=past,
            next_attempt_at=past,
        )
        for post in posts
    )
    return {t.pk for t in targets}


def test_concurrent_processes_never_share_a_target(tmp_path: Path) -> None:
    """Real processes on the suite's database engine (SQLite file in WAL, or PostgreSQL)."""
    with IsolatedInstance(tmp_path) as instance:
        run = [sys.executable, "-m", "tests.publishing.claim_proc"]
        subprocess.run([*run, "seed", str(TARGETS)], env=instance.env, cwd=ROOT, check=True)
        barrier = tmp_path / "barrier"
        barrier.mkdir()
        claim = [*run, "claim", str(barrier), str(WORKERS)]
        procs = [
            subprocess.Popen(claim, env=instance.env, cwd=ROOT, stdout=subprocess.PIPE)
            for _ in range(WORKERS)
        ]
        results = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    claimed = [i for ids in results for i in ids]
    assert [i for i, n in Counter(claimed).items() if n > 1] == []
    assert len(set(claimed)) == TARGETS
    # Which claimer wins a round is the scheduler's choice (on a loaded machine one process can
    # win them all), so nothing is asserted about it here: the race itself is forced, the same
    # way every run, in tests/core/test_sending.py (a claim between another's read and write on
    # SQLite; a claim while another holds its row locks on PostgreSQL).


def test_expired_lease_is_reclaimed_and_live_lease_is_not(cast: Cast) -> None:
    ids = _due_targets(cast, make_account(cast.org), 3)
    _token, first = claim_due(worker="a", limit=10, config=FAST)
    assert set(first) == ids
    assert claim_due(worker="b", limit=10, config=FAST)[1] == []
    PostTarget.objects.filter(pk__in=first[:1]).update(claimed_until=timezone.now())
    _token, second = claim_due(worker="b", limit=10, config=FAST)
    assert second == first[:1]
    assert PostTarget.objects.get(pk=first[0]).attempts == 2


def test_rate_limited_and_disconnected_accounts_are_skipped(cast: Cast) -> None:
    limited = make_account(cast.org, handle="limited")
    limited.rate_limited_until = timezone.now() + timedelta(minutes=5)
    limited.save()
    gone = make_account(cast.org, handle="gone", status=SocialAccount.Status.RECONNECT)
    _due_targets(cast, limited, 2)
    _due_targets(cast, gone, 2)
    assert claim_due(worker="a", limit=10, config=FAST)[1] == []
