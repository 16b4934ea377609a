"""The engagement of published posts is read back from the network (the X fake over HTTP)
and is what « best time » learns from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing import tasks
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.metrics import accounts_with_recent_posts, engagement_collect
from parvis.publishing.models import PostTarget
from parvis.publishing.services import queue
from tests.conftest import Cast
from tests.peers.faultproxy import Fault
from tests.publishing.conftest import Peer
from tests.publishing.helpers import FAST, due_post


def _published(alice: Actor, peer: Peer, text: str) -> PostTarget:
    post = due_post(alice, peer.account, text)
    assert dispatch_batch(config=FAST) == {"published": 1}
    return PostTarget.objects.get(post=post)


def test_interactions_are_summed_and_views_left_out(alice: Actor, peer: Peer) -> None:
    liked = _published(alice, peer, "Notre nouvel escalier en chêne")
    quiet = _published(alice, peer, "Fermeture exceptionnelle lundi")
    peer.fake.posts[liked.remote_id].metrics.update(
        like_count=12, reply_count=3, retweet_count=2, quote_count=1, impression_count=900
    )
    assert accounts_with_recent_posts() == [peer.account.pk]
    assert engagement_collect(account=peer.account) == 2
    liked.refresh_from_db()
    quiet.refresh_from_db()
    assert (liked.engagement, quiet.engagement) == (18, 0)


def test_a_refused_token_marks_the_account_and_keeps_what_was_read(
    alice: Actor, peer: Peer
) -> None:
    target = _published(alice, peer, "Portes ouvertes samedi")
    peer.proxy.inject(Fault.json(401, {"title": "Unauthorized"}), method="GET", path="/2/tweets")
    assert engagement_collect(account=peer.account) == 0
    peer.account.refresh_from_db()
    assert peer.account.status == SocialAccount.Status.RECONNECT
    target.refresh_from_db()
    assert target.engagement is None


def test_best_time_follows_the_accounts_own_engagement(cast: Cast, peer: Peer) -> None:
    """Ten weeks of posts in five (weekday, hour) buckets: the suggestion is the soonest of the
    three that engaged most, never one of the two that did not."""
    zone = cast.org.tzinfo
    buckets = {  # a week of November 2026, local time: engagement
        datetime(2026, 11, 3, 18, 5, tzinfo=zone): 40,  # Tuesday 18:00
        datetime(2026, 11, 4, 12, 5, tzinfo=zone): 30,  # Wednesday 12:00
        datetime(2026, 11, 6, 8, 5, tzinfo=zone): 20,  # Friday 08:00
        datetime(2026, 11, 2, 9, 5, tzinfo=zone): 2,  # Monday 09:00
        datetime(2026, 11, 7, 10, 5, tzinfo=zone): 1,  # Saturday 10:00
    }
    alice = Actor.of(cast.alice_membership)
    for week in range(10):
        for when, engagement in buckets.items():
            post = due_post(alice, peer.account, f"p{week}{when:%a}")
            PostTarget.objects.filter(post=post).update(
                status=PostTarget.Status.PUBLISHED,
                published_at=(when - timedelta(weeks=week)).astimezone(UTC),
                engagement=engagement,
            )
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    best = queue.suggest_best_time(organisation=cast.org, account=peer.account, now=thursday)
    assert best is not None
    local = best.astimezone(zone)
    assert (local.weekday(), local.hour, local.date().day) == (4, 8, 27)  # Friday 08:00


def test_the_hourly_task_reads_each_account_once(
    alice: Actor, peer: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _published(alice, peer, "Chantier terminé à Vannes")
    _published(alice, peer, "Chantier terminé à Lorient")
    queued: list[int] = []
    monkeypatch.setattr(tasks.collect_account_engagement_task, "delay", queued.append)
    tasks.collect_engagement_task()
    assert queued == [peer.account.pk]
    for target in PostTarget.objects.all():
        peer.fake.posts[target.remote_id].metrics["like_count"] = 5
    tasks.collect_account_engagement_task(queued[0])
    assert list(PostTarget.objects.values_list("engagement", flat=True)) == [5, 5]
