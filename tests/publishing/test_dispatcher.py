"""The dispatcher against the X fake over real HTTP, behind the fault proxy.

Each fault is one a real network produces; each test checks the post exists exactly once on
the peer (or not at all, with the reason kept) and that every attempt was recorded.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing.claims import claim_due
from parvis.publishing.dispatcher import _until_free, dispatch_batch
from parvis.publishing.models import Notification, Post, PostTarget, PublishAttempt
from parvis.publishing.publish import publish_target
from parvis.publishing.services.publishable import target_draft
from parvis.publishing.settle import release_held
from tests.conftest import Cast
from tests.peers.faultproxy import Fault
from tests.publishing.conftest import Peer
from tests.publishing.helpers import FAST, due_post, make_due

POSTS = "/2/tweets"


def _on_peer(peer: Peer, text: str) -> int:
    return sum(1 for p in peer.fake.own_posts() if p.text.startswith(text))


def _outcomes(target: PostTarget) -> list[str]:
    return list(target.attempts_log.order_by("started_at", "pk").values_list("outcome", flat=True))


def test_due_post_is_published_once_with_its_url(alice: Actor, peer: Peer) -> None:
    post = due_post(alice, peer.account, "Notre nouvel atelier ouvre lundi")
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert dispatch_batch(config=FAST) == {}
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.PUBLISHED
    assert target.remote_url == f"https://x.com/i/web/status/{target.remote_id}"
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED
    assert _on_peer(peer, "Notre nouvel atelier") == 1
    attempt = target.attempts_log.get()
    assert attempt.remote_id == target.remote_id and attempt.finished_at is not None


def test_lost_reply_is_reconciled_not_posted_twice(alice: Actor, peer: Peer) -> None:
    peer.proxy.inject(Fault.hang_after_forward(3), method="POST", path=POSTS)
    post = due_post(alice, peer.account, "Réponse perdue en route")
    assert dispatch_batch(config=FAST) == {"reconciled": 1}
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.PUBLISHED and target.remote_id
    assert _on_peer(peer, "Réponse perdue") == 1


def test_timeout_before_the_network_saw_it_checks_then_publishes_once(
    alice: Actor, peer: Peer
) -> None:
    peer.proxy.inject(Fault.hang(3), method="POST", path=POSTS)
    post = due_post(alice, peer.account, "Jamais arrivé la première fois")
    assert dispatch_batch(config=FAST) == {"unconfirmed": 1}
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.UNCONFIRMED and target.sent_since is not None
    assert "pour ne pas publier deux fois" in target.last_error  # French, for the author
    assert _on_peer(peer, "Jamais arrivé") == 0
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert _on_peer(peer, "Jamais arrivé") == 1
    target.refresh_from_db()
    assert _outcomes(target) == ["unconfirmed", "published"]


def test_server_errors_are_retried_with_backoff(alice: Actor, peer: Peer) -> None:
    peer.proxy.inject(Fault.server_error(503), times=2, method="POST", path=POSTS)
    post = due_post(alice, peer.account, "Erreurs serveur passagères")
    assert dispatch_batch(config=FAST) == {"transient": 1}
    target = PostTarget.objects.get(post=post)
    assert target.next_attempt_at > timezone.now() - timedelta(seconds=1)
    make_due(post)
    assert dispatch_batch(config=FAST) == {"transient": 1}
    make_due(post)
    assert dispatch_batch(config=FAST) == {"published": 1}
    target.refresh_from_db()
    assert _outcomes(target) == ["transient", "transient", "published"]
    assert target.attempts_log.filter(http_status=503).count() == 2
    assert _on_peer(peer, "Erreurs serveur") == 1


def test_retries_are_bounded_and_the_reason_reaches_the_author(
    cast: Cast, alice: Actor, peer: Peer
) -> None:
    peer.proxy.inject(Fault.server_error(500), times=None, method="POST", path=POSTS)
    post = due_post(alice, peer.account, "Toujours en panne")
    for _ in range(FAST.max_attempts):
        make_due(post)
        dispatch_batch(config=FAST)
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.FAILED
    assert target.attempts_log.count() == FAST.max_attempts
    assert Post.objects.get(pk=post.pk).status == Post.Status.FAILED
    assert Notification.objects.filter(user=cast.alice, kind="failed", post=post).exists()


def test_rate_limit_waits_for_the_networks_reset(alice: Actor, peer: Peer) -> None:
    peer.proxy.inject(Fault.rate_limited("x", reset_in=120), method="POST", path=POSTS)
    post = due_post(alice, peer.account, "Trop d'appels")
    assert dispatch_batch(config=FAST) == {"rate_limited": 1}
    peer.account.refresh_from_db()
    target = PostTarget.objects.get(post=post)
    assert peer.account.rate_limited_until is not None
    assert peer.account.rate_limited_until > timezone.now() + timedelta(seconds=100)
    assert target.next_attempt_at == peer.account.rate_limited_until
    make_due(post)
    assert dispatch_batch(config=FAST) == {}  # the account is still limited: nothing claimed
    SocialAccount.objects.filter(pk=peer.account.pk).update(rate_limited_until=timezone.now())
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert _on_peer(peer, "Trop d'appels") == 1


def test_revoked_token_holds_the_post_until_reconnection(
    cast: Cast, alice: Actor, peer: Peer
) -> None:
    peer.fake.access.clear()  # the user revoked Parvis on X
    post = due_post(alice, peer.account, "En attente de reconnexion")
    assert dispatch_batch(config=FAST) == {"auth_expired": 1}
    target = PostTarget.objects.get(post=post)
    peer.account.refresh_from_db()
    assert target.status == PostTarget.Status.HELD
    assert peer.account.status == SocialAccount.Status.RECONNECT
    assert Notification.objects.filter(user=cast.alice, kind="reconnect").exists()
    assert mail.outbox == [] or mail.outbox[0].to == [cast.alice.email]
    assert release_held() == 0  # still not reconnected
    tokens = peer.fake.issue_tokens()
    peer.account.access_token = tokens["access_token"]
    peer.account.status = SocialAccount.Status.CONNECTED
    peer.account.save()
    assert release_held(account=peer.account) == 1
    make_due(post)  # released at its planned time (an hour ahead here): pretend it came
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert _on_peer(peer, "En attente de reconnexion") == 1


def test_rejection_fails_with_the_networks_reason(alice: Actor, peer: Peer) -> None:
    first = due_post(alice, peer.account, "Texte identique")
    dispatch_batch(config=FAST)
    second = due_post(alice, peer.account, "Texte identique", category="")
    assert second.pk != first.pk
    assert dispatch_batch(config=FAST) == {"rejected": 1}
    target = PostTarget.objects.get(post=second)
    assert target.status == PostTarget.Status.FAILED and target.error_code == "rejected"
    assert "duplicate content" in target.last_error


def test_a_killed_workers_claim_expires_and_is_reconciled(alice: Actor, peer: Peer) -> None:
    """Worker A claims, sends, and dies before recording: B takes over after the lease."""
    post = due_post(alice, peer.account, "Le travailleur est mort")
    token, ids = claim_due(worker="A", limit=10, config=FAST)
    target = PostTarget.objects.get(post=post)
    assert ids == [target.pk]
    PostTarget.objects.filter(pk=target.pk).update(sent_since=timezone.now())
    peer.account.connector().publish(target_draft(target))
    assert claim_due(worker="B", limit=10, config=FAST)[1] == []  # lease still held by A
    PostTarget.objects.filter(pk=target.pk).update(claimed_until=timezone.now())
    assert dispatch_batch(worker="B", config=FAST) == {"reconciled": 1}
    assert publish_target(target.pk, token, worker="A", config=FAST) == "lost_claim"
    assert _on_peer(peer, "Le travailleur est mort") == 1
    assert PublishAttempt.objects.filter(target=target).count() == 1


def test_a_target_claimed_ahead_waits_for_its_minute(alice: Actor, peer: Peer) -> None:
    """A polling dispatcher takes what falls due before its next poll, and sends it on time."""
    post = due_post(alice, peer.account, "Pile à l’heure")
    start = timezone.now()  # one clock for both claims: a slow machine cannot make it due
    due = start + timedelta(seconds=0.4)
    post.targets.update(next_attempt_at=due, due_at=due)
    assert claim_due(worker="A", limit=10, config=FAST, now=start)[1] == []  # not due yet
    token, ids = claim_due(worker="A", limit=10, config=FAST, now=start, ahead=timedelta(seconds=1))
    assert len(ids) == 1
    assert publish_target(ids[0], token, worker="A", config=FAST) == "published"
    target = PostTarget.objects.get(post=post)
    assert target.sent_since is not None and target.sent_since >= due
    assert target.published_at is not None and target.published_at >= due
    assert _on_peer(peer, "Pile à l’heure") == 1


def test_demo_accounts_never_dispatch(alice: Actor, peer: Peer) -> None:
    SocialAccount.objects.filter(pk=peer.account.pk).update(is_demo=True)
    due_post(alice, peer.account, "Démo")
    assert dispatch_batch(config=FAST) == {}
    assert peer.proxy.seen == []


def test_expired_leases_are_left_out_when_asked(alice: Actor, peer: Peer) -> None:
    """A dispatcher looks for abandoned claims once a second, not at every claim."""
    post = due_post(alice, peer.account, "Abandonné")
    token, [target_id] = claim_due(worker="A", limit=1, config=FAST)
    PostTarget.objects.filter(pk=target_id).update(claimed_until=timezone.now())
    assert claim_due(worker="B", limit=1, config=FAST, abandoned=False)[1] == []
    assert claim_due(worker="B", limit=1, config=FAST)[1] == [target_id]
    assert PostTarget.objects.get(post=post).claimed_by == "B"


def test_a_busy_dispatcher_waits_for_several_free_threads() -> None:
    """Claims are batched: the loop waits until ``want`` threads are free, not just one."""
    gates = [threading.Event() for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = {pool.submit(gate.wait, 30) for gate in gates}
        gates[0].set()
        gates[1].set()
        still = _until_free(running, concurrency=4, want=2, timeout=30)
        assert len(still) == 2
        for gate in gates:
            gate.set()
