"""The real path against the spec-validating X fake behind the fault proxy: read mentions by
polling, answer from Parvis, and the network gets the reply exactly once, even after a timeout:
a reply whose answer was lost is looked up on X (the account's timeline) before any new send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parvis.accounts.actor import Actor
from parvis.inbox.models import Conversation, IngestCursor, Message, Reply, ReplyAttempt
from parvis.inbox.polling import (
    PAGE_LIMIT,
    account_poll,
    backfill_run,
    backfill_start,
    readable_kinds,
)
from parvis.inbox.reply_sending import replies_unstick, reply_send
from parvis.inbox.services import reply_create, reply_resend
from parvis.networks.base import Connector
from parvis.networks.contracts import AppCredentials, InboundKind
from parvis.networks.models import SocialAccount
from parvis.networks.x.connector import XConnector
from tests.conftest import Cast
from tests.inbox.test_reply_reconcile import reply_tasks
from tests.networks.contract import TEST_POLICY
from tests.peers.faultproxy import Fault, FaultProxy
from tests.peers.x_fake import XFake

pytestmark = pytest.mark.peer


class Peer:
    def __init__(self, cast: Cast, fake: XFake, proxy: FaultProxy) -> None:
        self.fake, self.proxy = fake, proxy
        issued = fake.issue_tokens()
        self.account = SocialAccount.objects.create(
            organisation=cast.org,
            kind="x",
            remote_id=fake.me,
            handle="parvis_test",
            api_base_url=proxy.url,
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            token_expires_at=datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
        )

    def connector(self) -> Connector:
        return self.account.connector(
            policy=TEST_POLICY,
            sleep=lambda seconds: None,
            app=AppCredentials(XFake.client_id, XFake.client_secret),
        )

    def replies_on_x(self, parent: str) -> list[str]:
        return [p.text for p in self.fake.own_posts() if p.replied_to == parent]


@pytest.fixture
def peer(cast: Cast, x_fake: XFake, fault_proxy_factory: Any) -> Peer:
    return Peer(cast, x_fake, fault_proxy_factory(x_fake.url))


def test_poll_reads_mentions_once_and_threads_follow_ups(cast: Cast, peer: Peer) -> None:
    first = peer.fake.add_mention("client_fidele", "@parvis_test ma commande n'est pas arrivée !")
    assert account_poll(account=peer.account, connector=peer.connector()).stored == 1
    assert account_poll(account=peer.account, connector=peer.connector()).stored == 0
    ours = peer.fake.add_mention("parvis_test", "Nous regardons.", in_reply_to=first)
    peer.fake.add_mention("client_fidele", "@parvis_test merci, j'attends", in_reply_to=ours)
    account_poll(account=peer.account, connector=peer.connector())
    conversation = Conversation.objects.get(account=peer.account)
    assert conversation.message_count == 2
    assert conversation.intent == "complaint"
    cursor = IngestCursor.objects.get(account=peer.account, kind="mention")
    assert cursor.last_polled_at is not None and cursor.last_error == ""


def test_reply_reaches_x_exactly_once(cast: Cast, peer: Peer) -> None:
    mention = peer.fake.add_mention("client_fidele", "@parvis_test vous êtes ouverts samedi ?")
    account_poll(account=peer.account, connector=peer.connector())
    conversation = Conversation.objects.get(account=peer.account)
    reply = reply_create(
        actor=Actor.of(cast.bob_membership), conversation=conversation, text="Oui, de 9 h à 12 h !"
    )
    sent = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert sent is not None and sent.status == Reply.Status.SENT and sent.remote_id
    assert reply_send(reply_id=reply.pk, connector=peer.connector()) is None  # run twice
    assert peer.replies_on_x(mention) == ["Oui, de 9 h à 12 h !"]
    conversation.refresh_from_db()
    assert conversation.first_responder == cast.bob and conversation.awaiting_since is None
    assert Message.objects.get(direction="out").remote_id == sent.remote_id


def _answerable(peer: Peer, text: str) -> tuple[str, Conversation]:
    mention = peer.fake.add_mention("client_fidele", text)
    account_poll(account=peer.account, connector=peer.connector())
    return mention, Conversation.objects.get(account=peer.account)


def _posts_sent(peer: Peer) -> int:
    return sum(1 for seen in peer.proxy.seen if (seen.method, seen.path) == ("POST", "/2/tweets"))


def test_a_lost_answer_is_found_on_x_and_marked_sent_without_a_second_post(
    cast: Cast, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    mention, conversation = _answerable(peer, "@parvis_test un devis pour une table ?")
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Avec plaisir !"
    )
    peer.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/2/tweets")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert sent is not None and sent.status == Reply.Status.SENT
    assert sent.remote_id == peer.fake.own_posts()[0].id and sent.error == ""
    assert reply_tasks(callbacks) == 0  # nothing left to send later
    # Nothing re-sends it: a second run finds nothing to claim.
    assert reply_send(reply_id=reply.pk, connector=peer.connector()) is None
    assert peer.replies_on_x(mention) == ["Avec plaisir !"]
    assert _posts_sent(peer) == 1
    assert list(ReplyAttempt.objects.filter(reply=reply).values_list("outcome", flat=True)) == [
        "reconciled"
    ]
    conversation.refresh_from_db()
    assert conversation.awaiting_since is None and conversation.first_responder == cast.alice
    assert Message.objects.get(direction="out").remote_id == sent.remote_id


def test_a_reply_that_never_reached_x_is_sent_once_on_retry(
    cast: Cast, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    mention, conversation = _answerable(peer, "@parvis_test vous livrez à Lyon ?")
    reply = reply_create(
        actor=Actor.of(cast.bob_membership), conversation=conversation, text="Oui !"
    )
    # The request dies in the proxy: the client times out, X never sees it.
    peer.proxy.inject(Fault.hang(3.0), method="POST", path="/2/tweets")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert first is not None and first.status == Reply.Status.RETRY
    assert first.error  # « not confirmed: Parvis checks before any new attempt »
    assert first.next_attempt_at is not None and first.next_attempt_at > datetime.now(UTC)
    assert reply_tasks(callbacks) == 1  # the recheck, queued after commit
    assert peer.fake.own_posts() == []
    # The task at its due time: looks the reply up again, still absent, sends it once.
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.SENT
    assert reply_send(reply_id=reply.pk, connector=peer.connector()) is None
    assert peer.replies_on_x(mention) == ["Oui !"]
    assert _posts_sent(peer) == 2  # the lost one and the real one
    outcomes = list(ReplyAttempt.objects.filter(reply=reply).values_list("outcome", flat=True))
    assert outcomes == ["unconfirmed", "sent"]
    lookups = [s for s in peer.proxy.seen if s.path.startswith(f"/2/users/{peer.fake.me}/tweets")]
    assert len(lookups) == 2  # after the timeout, and before the second send


def test_a_reply_x_wrote_late_is_found_on_the_recheck_not_sent_again(
    cast: Cast, peer: Peer
) -> None:
    mention, conversation = _answerable(peer, "@parvis_test horaires ?")
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="De 9 h à 18 h."
    )
    peer.proxy.inject(Fault.hang(3.0), method="POST", path="/2/tweets")
    first = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert first is not None and first.status == Reply.Status.RETRY
    # X finishes writing it after the lookup; its text starts with the handle it answers.
    late = peer.fake.add_mention(
        "parvis_test", "@client_fidele De 9 h à 18 h.", in_reply_to=mention
    )
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.SENT and again.remote_id == late
    assert len(peer.fake.own_posts()) == 1
    assert _posts_sent(peer) == 1
    assert ReplyAttempt.objects.filter(reply=reply).last().outcome == "reconciled"  # type: ignore[union-attr]


def test_a_lookup_that_fails_after_a_timeout_never_sends_again(cast: Cast, peer: Peer) -> None:
    mention, conversation = _answerable(peer, "@parvis_test un conseil ?")
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Bien sûr."
    )
    peer.proxy.inject(Fault.hang_after_forward(3.0), method="POST", path="/2/tweets")
    peer.proxy.inject(Fault.server_error(503), times=None, method="GET", path="/tweets")
    first = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert first is not None and first.status == Reply.Status.RETRY  # look again later
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.RETRY  # still cannot look
    assert _posts_sent(peer) == 1
    peer.proxy.clear()
    last = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert last is not None and last.status == Reply.Status.SENT and last.url
    assert peer.replies_on_x(mention) == ["Bien sûr."]
    assert _posts_sent(peer) == 1


def test_our_replies_to_another_post_or_with_another_text_are_not_taken_for_it(
    cast: Cast, peer: Peer
) -> None:
    mention, conversation = _answerable(peer, "@parvis_test ouvert demain ?")
    other = peer.fake.add_mention("client_fidele", "@parvis_test et dimanche ?")
    peer.fake.add_mention("parvis_test", "Oui, demain.", in_reply_to=other)  # another parent
    peer.fake.add_mention("parvis_test", "Oui, demain !", in_reply_to=mention)  # another text
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Oui, demain."
    )
    peer.proxy.inject(Fault.hang(3.0), method="POST", path="/2/tweets")
    first = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert first is not None and first.status == Reply.Status.RETRY  # not found: neither is it
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    # Sent for real this time; X itself refuses a text the account already posted.
    assert again is not None and again.status == Reply.Status.FAILED
    assert "duplicate" in again.error and again.remote_id == ""
    assert _posts_sent(peer) == 2


def test_a_refusal_stays_with_the_networks_reason(cast: Cast, peer: Peer) -> None:
    peer.fake.add_mention("client_fidele", "@parvis_test bonjour ?")
    account_poll(account=peer.account, connector=peer.connector())
    conversation = Conversation.objects.get(account=peer.account)
    reply = reply_create(actor=Actor.of(cast.alice_membership), conversation=conversation, text="x")
    body = {"title": "Forbidden", "detail": "You are not allowed to reply.", "status": 403}
    peer.proxy.inject(Fault.json(403, body), method="POST", path="/2/tweets")
    sent = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert sent is not None and sent.status == Reply.Status.FAILED
    assert "not allowed" in sent.error
    # A person may try again: now it goes through, once.
    reply_resend(actor=Actor.of(cast.alice_membership), reply=sent)
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.SENT
    assert len(peer.fake.own_posts()) == 1


def test_garbage_from_the_network_is_recorded_and_the_next_poll_recovers(
    cast: Cast, peer: Peer
) -> None:
    peer.fake.add_mention("client_fidele", "@parvis_test bonjour")
    peer.proxy.inject(Fault.html(502), times=10, method="GET", path="/mentions")
    result = account_poll(account=peer.account, connector=peer.connector())
    assert result.error and result.stored == 0
    peer.account.refresh_from_db()
    assert peer.account.last_error
    peer.proxy.clear()
    assert account_poll(account=peer.account, connector=peer.connector()).stored == 1


def test_backfill_reads_history_with_progress(cast: Cast, peer: Peer) -> None:
    history = PAGE_LIMIT + 12  # more than one page
    for n in range(history):
        peer.fake.add_mention(f"client{n}", f"@parvis_test question {n} ?")
    from django.db import transaction

    with transaction.atomic():
        job = backfill_start(account=peer.account)
    job = backfill_run(job_id=job.pk, connector=peer.connector(), max_pages=1)
    assert job.status == "running" and 0 <= job.progress < 100
    assert job.items_stored >= 5
    while job.status == "running":
        job = backfill_run(job_id=job.pk, connector=peer.connector(), max_pages=1)
    assert job.status == "done" and job.progress == 100
    assert Message.objects.filter(account=peer.account).count() == history
    assert isinstance(peer.connector(), XConnector)


def test_a_passing_failure_is_retried_later_by_the_task(
    cast: Cast, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    peer.fake.add_mention("client_fidele", "@parvis_test bonjour ?")
    account_poll(account=peer.account, connector=peer.connector())
    conversation = Conversation.objects.get(account=peer.account)
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Oui"
    )
    peer.proxy.inject(Fault.server_error(503), times=5, method="POST", path="/2/tweets")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert sent is not None and sent.status == Reply.Status.RETRY
    assert sent.next_attempt_at is not None and sent.error
    assert reply_tasks(callbacks) == 1  # the inbox.reply_send task, after commit
    peer.proxy.clear()
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.SENT
    assert len(peer.fake.own_posts()) == 1


def test_a_reply_left_sending_by_a_dead_worker_becomes_unconfirmed(cast: Cast, peer: Peer) -> None:

    peer.fake.add_mention("client_fidele", "@parvis_test bonjour ?")
    account_poll(account=peer.account, connector=peer.connector())
    conversation = Conversation.objects.get(account=peer.account)
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Oui"
    )
    Reply.objects.filter(pk=reply.pk).update(
        status=Reply.Status.SENDING, claimed_at=datetime.now(UTC) - timedelta(minutes=30)
    )
    assert replies_unstick() == 1
    reply.refresh_from_db()
    assert reply.status == Reply.Status.UNCONFIRMED
    assert reply_send(reply_id=reply.pk, connector=peer.connector()) is None
    assert peer.fake.own_posts() == []


def test_a_person_resending_a_reply_that_did_arrive_gets_it_marked_sent(
    cast: Cast, peer: Peer
) -> None:
    """The worker died after X had the reply: « send again » looks it up and finds it."""

    mention, conversation = _answerable(peer, "@parvis_test bonjour ?")
    reply = reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Oui"
    )
    Reply.objects.filter(pk=reply.pk).update(
        status=Reply.Status.SENDING, claimed_at=datetime.now(UTC) - timedelta(minutes=30)
    )
    on_x = peer.fake.add_mention("parvis_test", "Oui", in_reply_to=mention)
    assert replies_unstick() == 1
    assert ReplyAttempt.objects.get(reply=reply).outcome == "unconfirmed"
    reply.refresh_from_db()
    reply_resend(actor=Actor.of(cast.alice_membership), reply=reply)
    again = reply_send(reply_id=reply.pk, connector=peer.connector())
    assert again is not None and again.status == Reply.Status.SENT and again.remote_id == on_x
    assert len(peer.fake.own_posts()) == 1 and _posts_sent(peer) == 0


def test_one_poll_reads_the_mentions_timeline_once(cast: Cast, peer: Peer) -> None:
    """Replies to our posts come in X's mentions timeline: a poll must not read it twice (it
    would spend the mentions rate limit twice as fast)."""
    assert readable_kinds(peer.account) == [InboundKind.MENTION]
    peer.fake.add_mention("client_fidele", "@parvis_test une question ?")
    before = len(peer.proxy.seen)
    account_poll(account=peer.account, connector=peer.connector())
    reads = [r for r in peer.proxy.seen[before:] if "/mentions" in r.path]
    assert len(reads) == 1
