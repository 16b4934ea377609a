"""Lease renewal: a worker busy with a long upload keeps its target; nobody claims it twice.

The process test runs two real worker processes on one database: A publishes a post whose
picture goes up in three slow chunks (each slower than half the lease, all together several
leases long), B tries to claim due targets the whole time. Without renewal B takes the target
over as soon as A's first lease runs out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing.claims import claim_due
from parvis.publishing.config import Config
from parvis.publishing.leases import LeaseRenewer
from parvis.publishing.models import PostTarget
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.x_fake import XFake
from tests.processes import ROOT, IsolatedInstance
from tests.publishing.helpers import FAST, due_post

# Renewed every 2 s: a busy machine may wake the renewal thread late by up to 4 s.
LEASE_S = 6.0
CHUNK_LATENCY_S = 4.5  # three chunks: 13.5 s of upload, more than two leases


def test_a_target_whose_upload_outlasts_its_lease_is_not_claimed_twice(
    tmp_path: Path, x_fake: XFake
) -> None:
    text = "Une vidéo qui prend son temps"
    token = x_fake.issue_tokens()["access_token"]
    with FaultProxy(x_fake.url) as proxy, IsolatedInstance(tmp_path) as instance:
        proxy.inject(Fault.latency(CHUNK_LATENCY_S), times=None, method="POST", path="/append")
        helper = [sys.executable, "-m", "tests.publishing.lease_proc"]

        def run(*args: str) -> str:
            done = subprocess.run(
                [*helper, *args], env=instance.env, cwd=ROOT, check=True, capture_output=True
            )
            return done.stdout.decode()

        run("seed", proxy.url, token, x_fake.me, text)
        signals = tmp_path / "signals"
        signals.mkdir()
        thief = subprocess.Popen(
            [*helper, "steal", str(signals), str(LEASE_S)],
            env=instance.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        published = json.loads(run("publish", str(signals), str(LEASE_S)))
        stolen = json.loads(thief.communicate(timeout=120)[0])
        status = json.loads(run("status"))
    assert len(published["claimed"]) == 1
    assert stolen == []  # B never got the target A was still uploading
    assert published["outcome"] == "published"
    assert status["status"] == "published"
    assert status["attempts"] == [["A", "published"]]
    assert sum(1 for p in x_fake.own_posts() if p.text == text) == 1
    appended = [s for s in proxy.seen if "/append" in s.path]
    assert len(appended) == 3 and all(s.fault == "latency" for s in appended)


def test_renewal_extends_only_our_own_live_claim(alice: Actor, account: SocialAccount) -> None:
    post = due_post(alice, account, "Bail")
    config = Config(**{**FAST.__dict__, "lease": timedelta(seconds=30)})
    token, [target_id] = claim_due(worker="A", limit=1, config=config)
    renewer = LeaseRenewer(lease=config.lease, max_hold=config.max_hold, every=3600)
    later = timezone.now() + timedelta(minutes=10)
    assert renewer.renew(now=later) == 0  # nothing held yet
    with renewer.holding(target_id, token):
        assert renewer.renew(now=later) == 1
        target = PostTarget.objects.get(post=post)
        assert target.claimed_until == later + config.lease
        # A claim now: the lease is still ours, nobody else can take the target.
        assert claim_due(worker="B", limit=1, config=config, now=later)[1] == []
        PostTarget.objects.filter(pk=target_id).update(status=PostTarget.Status.PUBLISHED)
        assert renewer.renew() == 0  # finished: nothing left to keep alive
    assert renewer.held() == 0


def test_renewal_never_revives_a_claim_taken_over(alice: Actor, account: SocialAccount) -> None:
    due_post(alice, account, "Repris")
    config = Config(**{**FAST.__dict__, "lease": timedelta(seconds=30)})
    token, [target_id] = claim_due(worker="A", limit=1, config=config)
    renewer = LeaseRenewer(lease=config.lease, max_hold=config.max_hold, every=3600)
    expired = timezone.now() + timedelta(minutes=5)
    with renewer.holding(target_id, token):
        # A's lease ran out (a stall) and B took the target over with a token of its own.
        _, taken = claim_due(worker="B", limit=1, config=config, now=expired)
        assert taken == [target_id]
        assert renewer.renew() == 0
    assert PostTarget.objects.get(pk=target_id).claimed_by == "B"


def test_a_call_held_beyond_max_hold_is_handed_over(alice: Actor, account: SocialAccount) -> None:
    due_post(alice, account, "Bloqué")
    config = Config(**{**FAST.__dict__, "lease": timedelta(seconds=30)})
    token, [target_id] = claim_due(worker="A", limit=1, config=config)
    renewer = LeaseRenewer(lease=config.lease, max_hold=timedelta(0), every=3600)
    with renewer.holding(target_id, token):
        assert renewer.renew() == 0  # held too long: the lease is left to run out
