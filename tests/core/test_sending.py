"""The exactly-once sender (``parvis.core.sending``), each shared behaviour on its own: a claim
taken once under contention, backoff schedules, the error table, the lookup before any resend,
« unconfirmed » never resent blindly, and the watchdog. Concurrency is forced (a claim runs
exactly between another's read and its write; a claim runs while another holds its row
locks), never left to the scheduler. Publishing targets and inbox replies are the rows."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.core.sending.backoff import Exponential, Steps
from parvis.core.sending.claims import claim_batch, claim_one, expired_lease, new_token
from parvis.core.sending.delivery import (
    LOST_CLAIM,
    Delivered,
    Lookup,
    NotDelivered,
    deliver,
)
from parvis.core.sending.rules import ErrorTable, Rule, Then
from parvis.core.sending.unstick import unstick
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, Reply, ReplyAttempt
from parvis.inbox.reply_sending import replies_unstick
from parvis.inbox.services import reply_create
from parvis.networks.errors import NotSupported, RateLimited, Rejected, Transient, Unconfirmed
from parvis.publishing.models import Post, PostTarget
from tests.conftest import Cast
from tests.inbox.conftest import item
from tests.inbox.conftest import make_account as make_inbox_account
from tests.publishing.conftest import make_account

Status = PostTarget.Status
LEASE = timedelta(minutes=5)


def _due_targets(cast: Cast, count: int) -> list[int]:
    account = make_account(cast.org, handle=f"h{random.randrange(10**9)}")
    past = timezone.now() - timedelta(seconds=5)
    posts = Post.objects.bulk_create(
        Post(organisation=cast.org, body=f"p{i}", status=Post.Status.SCHEDULED)
        for i in range(count)
    )
    targets = PostTarget.objects.bulk_create(
        PostTarget(
            organisation=cast.org,
            post=post,
            account=account,
            status=Status.SCHEDULED,
            due_at=past,
            next_attempt_at=past,
        )
        for post in posts
    )
    return sorted(t.pk for t in targets)


def _claim(limit: int, *, candidates: Any = None) -> list[int]:
    """Claim like a dispatcher, as worker ``w`` with a fresh token."""
    now = timezone.now()
    token = new_token()
    due = Q(status=Status.SCHEDULED, next_attempt_at__lte=now) | expired_lease(
        Status.PUBLISHING, now
    )
    waiting = PostTarget.objects.filter(due).order_by("next_attempt_at", "pk")
    return claim_batch(
        PostTarget,
        [candidates or waiting],
        limit=limit,
        recheck=due,
        claim={
            "status": Status.PUBLISHING,
            "claim_token": token,
            "claimed_by": "w",
            "claimed_until": now + LEASE,
        },
        token=token,
    )


# --- a claim is taken once under contention -------------------------------------------------


class _ThenRun:
    """Candidates that, once read, run ``between`` before the claim writes: the interleaving
    "both read the same rows, the other one writes first" happens every time."""

    def __init__(self, queryset: Any, between: Callable[[], None]) -> None:
        self.queryset = queryset
        self.between = between

    def values_list(self, *fields: str, flat: bool = False) -> list[Any]:
        rows = list(self.queryset.values_list(*fields, flat=flat))
        self.between()
        return rows


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's compare-and-set path")
def test_a_claim_that_lost_the_race_between_its_read_and_its_write_gets_nothing(
    cast: Cast,
) -> None:
    ids = _due_targets(cast, 3)
    other: list[int] = []
    mine = _claim(
        10,
        candidates=_ThenRun(
            PostTarget.objects.filter(status=Status.SCHEDULED).order_by("pk"),
            between=lambda: other.extend(_claim(10)),
        ),
    )
    assert other == ids  # the other claimer wrote first and took them all
    assert mine == []  # the same rows read a moment earlier: the UPDATE re-checked them
    assert set(PostTarget.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SKIP LOCKED path")
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_the_rows_another_claim_holds_locked(cast: Cast) -> None:
    """A claims inside an open transaction (its rows stay locked); B claims at that very
    moment (lock-step): B neither waits nor takes A's rows, it takes the others."""
    ids = _due_targets(cast, 4)
    a_claimed = threading.Event()
    b_done = threading.Event()
    got: dict[str, list[int]] = {}

    def a() -> None:
        try:
            with transaction.atomic():
                got["a"] = _claim(2)
                a_claimed.set()
                assert b_done.wait(30), "B blocked on A's locks"
        finally:
            connection.close()

    def b() -> None:
        try:
            assert a_claimed.wait(30)
            got["b"] = _claim(10)
            b_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(got["a"]) == ids[:2]
    assert sorted(got["b"]) == ids[2:]  # the rows A did not hold
    assert _claim(10) == []  # every lease is live


def test_a_named_row_is_claimed_once(cast: Cast) -> None:
    [target_id] = _due_targets(cast, 1)

    def take() -> bool:
        return claim_one(
            PostTarget,
            target_id,
            claimable=Q(status=Status.SCHEDULED),
            claim={"status": Status.PUBLISHING},
        )

    assert [take(), take()] == [True, False]


def test_an_expired_lease_is_claimed_again_and_a_live_one_is_not(cast: Cast) -> None:
    ids = _due_targets(cast, 2)
    assert sorted(_claim(10)) == ids
    assert _claim(10) == []
    PostTarget.objects.filter(pk=ids[0]).update(claimed_until=timezone.now() - timedelta(1))
    assert _claim(10) == ids[:1]  # its worker died: another takes it (and looks it up first)
    assert PostTarget.objects.get(pk=ids[0]).attempts == 2


# --- backoff and the error table ---------------------------------------------------------------


def test_exponential_backoff_doubles_jitters_caps_and_gives_up() -> None:
    backoff = Exponential(base=1.0, cap=8.0, attempts=6, rng=random.Random(1))
    for done, full in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0)]:
        delay = backoff.delay(done)
        assert delay is not None and full / 2 <= delay.total_seconds() <= full
    assert backoff.delay(6) is None


def test_stepped_backoff_follows_its_table_then_gives_up() -> None:
    steps = Steps((60, 300))
    assert steps.delay(1) == timedelta(seconds=60)
    assert steps.delay(2) == timedelta(seconds=300)
    assert steps.delay(3) is None


def test_the_most_specific_error_class_decides() -> None:
    table = ErrorTable(
        {
            Rejected: Rule(Then.FAIL, "rejected"),
            NotSupported: Rule(Then.ASK, "not_supported"),
            Transient: Rule(Then.RETRY, "transient"),
        }
    )
    assert table.rule_for(NotSupported("x")) == Rule(Then.ASK, "not_supported")
    assert table.rule_for(Rejected("x")) == Rule(Then.FAIL, "rejected")
    assert table.rule_for(KeyError("x")) is None  # no ``otherwise``: it propagates
    crash = Rule(Then.RETRY, "error", unexpected=True)
    assert ErrorTable({}, otherwise=crash).rule_for(KeyError("x")) == crash


# --- the lookup before any resend; « unconfirmed » is never resent blindly -------------------


@dataclass
class Scripted:
    """A :class:`~parvis.core.sending.delivery.Delivery` whose network is a script."""

    sent_before: bool = False
    sends: list[object] = field(default_factory=list)  # results or errors, in turn
    lookups: list[object] = field(default_factory=list)
    person_decided: bool = False
    claim_kept: bool = True
    calls: list[str] = field(default_factory=list)
    errors: ErrorTable = field(
        default_factory=lambda: ErrorTable(
            {
                Unconfirmed: Rule(Then.RECHECK, "unconfirmed"),
                RateLimited: Rule(Then.WAIT, "rate_limited", tell_account=True),
                Transient: Rule(Then.RETRY, "transient"),
            }
        )
    )
    timeout: type[BaseException] = Unconfirmed

    def prepare(self) -> None:
        self.calls.append("prepare")

    def may_be_out(self) -> bool:
        return self.sent_before

    def may_resend_unseen(self) -> bool:
        return self.person_decided

    def about_to_send(self) -> bool:
        self.calls.append("mark")
        return self.claim_kept

    def send(self) -> str:
        self.calls.append("send")
        return str(self._next(self.sends))

    def look_up(self, *, after_timeout: bool) -> str | Lookup:
        self.calls.append("look_up")
        found = self._next(self.lookups)
        return found if isinstance(found, Lookup) else str(found)

    def lookup_failed(
        self, error: Exception, *, timeout: BaseException | None
    ) -> NotDelivered | None:
        return NotDelivered(then=Then.RECHECK, outcome="unconfirmed", error=error)

    @staticmethod
    def _next(script: list[object]) -> object:
        value = script.pop(0)
        if isinstance(value, BaseException):
            raise value
        return value


def test_a_thing_that_may_be_out_is_looked_up_and_not_sent_again_when_found() -> None:
    delivery = Scripted(sent_before=True, lookups=["remote-1"])
    assert deliver(delivery) == Delivered("remote-1", reconciled=True)
    assert "send" not in delivery.calls


def test_a_thing_found_absent_by_the_lookup_is_sent_without_marking_it_again() -> None:
    delivery = Scripted(sent_before=True, lookups=[Lookup.ABSENT], sends=["remote-2"])
    assert deliver(delivery) == Delivered("remote-2", reconciled=False)
    assert delivery.calls == ["prepare", "look_up", "send"]


def test_when_nobody_can_tell_only_a_persons_decision_sends_again() -> None:
    blind = Scripted(sent_before=True, lookups=[Lookup.CANNOT_TELL])
    verdict = deliver(blind)
    assert isinstance(verdict, NotDelivered) and verdict.then is Then.ASK
    assert verdict.outcome == ""  # nothing was attempted
    assert "send" not in blind.calls
    decided = Scripted(
        sent_before=True, lookups=[Lookup.CANNOT_TELL], sends=["remote-3"], person_decided=True
    )
    assert deliver(decided) == Delivered("remote-3", reconciled=False)


def test_a_first_send_is_marked_before_it_leaves() -> None:
    delivery = Scripted(sends=["remote-4"])
    assert deliver(delivery) == Delivered("remote-4", reconciled=False)
    assert delivery.calls == ["prepare", "mark", "send"]
    lost = Scripted(claim_kept=False)
    assert deliver(lost) is LOST_CLAIM and "send" not in lost.calls


def test_a_timeout_is_followed_by_a_lookup_never_by_a_blind_resend() -> None:
    found = Scripted(sends=[Unconfirmed("timed out")], lookups=["remote-5"])
    assert deliver(found) == Delivered("remote-5", reconciled=True)
    absent = Scripted(sends=[Unconfirmed("timed out")], lookups=[Lookup.ABSENT])
    verdict = deliver(absent)
    assert isinstance(verdict, NotDelivered)
    assert (verdict.then, verdict.outcome, verdict.looked) == (
        Then.RECHECK,
        "unconfirmed",
        Lookup.ABSENT,
    )
    unknown = Scripted(sends=[Unconfirmed("timed out")], lookups=[Lookup.CANNOT_TELL])
    verdict = deliver(unknown)
    assert isinstance(verdict, NotDelivered) and verdict.then is Then.ASK
    failed = Scripted(sends=[Unconfirmed("timed out")], lookups=[Transient("503")])
    verdict = deliver(failed)
    assert isinstance(verdict, NotDelivered) and verdict.then is Then.RECHECK
    for delivery in (absent, unknown, failed):
        assert delivery.calls.count("send") == 1


def test_other_errors_follow_the_table_and_unknown_ones_propagate() -> None:
    reset = timezone.now() + timedelta(minutes=1)
    verdict = deliver(Scripted(sends=[RateLimited("slow down", retry_at=reset)]))
    assert isinstance(verdict, NotDelivered)
    assert (verdict.then, verdict.tell_account) == (Then.WAIT, True)
    with pytest.raises(KeyError):
        deliver(Scripted(sends=[KeyError("bug")]))


# --- the watchdog ------------------------------------------------------------------------------


def _reply(cast: Cast) -> Reply:
    account = make_inbox_account(cast.org)
    inbox_ingest(account, [item("Une question ?")])
    conversation = Conversation.objects.get(account=account)
    return reply_create(
        actor=Actor.of(cast.alice_membership), conversation=conversation, text="Oui"
    )


def test_the_watchdog_makes_a_reply_left_sending_unconfirmed_once(cast: Cast) -> None:
    reply = _reply(cast)
    long_ago = timezone.now() - timedelta(hours=1)
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.SENDING, claimed_at=long_ago)
    recent = _reply(cast)
    Reply.objects.filter(pk=recent.pk).update(
        status=Reply.Status.SENDING, claimed_at=timezone.now()
    )
    assert replies_unstick() == 1
    assert replies_unstick() == 0
    reply.refresh_from_db()
    assert reply.status == Reply.Status.UNCONFIRMED and reply.next_attempt_at is None
    attempt = ReplyAttempt.objects.get(reply=reply)
    assert attempt.outcome == "unconfirmed"  # every later send looks the reply up first
    assert Reply.objects.get(pk=recent.pk).status == Reply.Status.SENDING  # still in time


def test_the_watchdog_leaves_a_row_claimed_again_meanwhile(cast: Cast) -> None:
    reply = _reply(cast)
    long_ago = timezone.now() - timedelta(hours=1)
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.SENDING, claimed_at=long_ago)
    stale = list(Reply.objects.filter(pk=reply.pk))  # what the watchdog read…
    Reply.objects.filter(pk=reply.pk).update(claimed_at=timezone.now())  # …then a new claim
    recorded: list[int] = []
    moved = unstick(
        _Frozen(stale),  # type: ignore[arg-type]
        claimed_field="claimed_at",
        to={"status": Reply.Status.UNCONFIRMED},
        record=lambda row: recorded.append(row.pk),
    )
    assert (moved, recorded) == (0, [])
    assert Reply.objects.get(pk=reply.pk).status == Reply.Status.SENDING


class _Frozen(list[Reply]):
    """Rows read before a concurrent change, as a queryset the watchdog can walk."""

    model = Reply
