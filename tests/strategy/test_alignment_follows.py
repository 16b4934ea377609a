"""The alignment score follows a publication or a first answer at once, not at the next sweep,
and a burst of them costs one computation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from parvis.inbox.models import Conversation, Reply
from parvis.inbox.reply_sending import reply_send
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.settle import post_refresh_status
from parvis.strategy import selectors, services, tasks
from parvis.strategy.models import AlignmentSnapshot, Plan
from tests.conftest import Cast

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def requests_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """Alignment requests run in this process, as a worker would run them; their arguments."""
    calls: list[tuple[Any, ...]] = []

    def apply_async(args: tuple[Any, ...], **options: Any) -> None:
        calls.append(args)
        tasks.recompute_alignment_one(*args)

    monkeypatch.setattr(tasks.recompute_alignment_one, "apply_async", apply_async)
    yield calls


def _account(cast: Cast, kind: str = "facebook", **extra: Any) -> SocialAccount:
    return SocialAccount.objects.create(
        organisation=cast.org, kind=kind, remote_id=f"{kind}-1", handle="menuiserie", **extra
    )


def _going_live(cast: Cast, account: SocialAccount, category: str) -> Post:
    post = Post.objects.create(
        organisation=cast.org, body="Conseil d’entretien", category=category, status="publishing"
    )
    PostTarget.objects.create(
        organisation=cast.org, post=post, account=account, status="publishing"
    )
    return post


def _goes_live(post: Post) -> None:
    """What the dispatcher does once the network has the post: the target, then the post."""
    post.targets.update(status="published", published_at=timezone.now())
    post_refresh_status(post.pk)


def test_a_post_going_live_moves_the_score_at_once(
    cast: Cast,
    plan: Plan,
    requests_run: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    account = _account(cast)
    before = services.alignment_recompute(organisation=cast.org)
    assert before is not None and before.score == 0  # measured: nothing published yet
    post = _going_live(cast, account, "expertise")

    with django_capture_on_commit_callbacks(execute=True):
        _goes_live(post)

    assert [args[0] for args in requests_run] == [cast.org.pk]
    after = selectors.alignment_latest(cast.org)
    assert after is not None and after.computed_at > before.computed_at
    assert after.score is not None and after.score > before.score
    assert after.observed["posts_by_category"] == {"expertise": 1}  # the post's category counts
    assert {c["component"] for c in after.components if c["score"] is not None} >= {"mix"}


def test_drafts_and_scheduled_posts_do_not_ask_for_a_score(
    cast: Cast,
    plan: Plan,
    requests_run: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(organisation=cast.org, body="Brouillon", category="offer")
        post.status = "scheduled"
        post.save(update_fields=["status"])
        post.body = "Brouillon relu"
        post.save(update_fields=["body"])
    assert requests_run == []


def test_a_first_answer_moves_the_score_at_once(
    cast: Cast,
    plan: Plan,
    requests_run: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # A demo account: the reply is recorded through the real path without a network.
    account = _account(cast, is_demo=True)
    asked = timezone.now() - timedelta(hours=2)
    conversation = Conversation.objects.create(
        organisation=cast.org,
        account=account,
        kind="comment",
        thread_key="t1",
        last_message_at=asked,
        first_inbound_at=asked,
        awaiting_since=asked,
    )
    before = services.alignment_recompute(organisation=cast.org)
    assert before is not None and before.observed["response_rate"] == 0
    reply = Reply.objects.create(
        organisation=cast.org, conversation=conversation, author=cast.alice, text="Merci !"
    )

    with django_capture_on_commit_callbacks(execute=True):
        reply_send(reply_id=reply.pk)

    assert [args[0] for args in requests_run] == [cast.org.pk]
    after = selectors.alignment_latest(cast.org)
    assert after is not None and after.observed["response_rate"] == 1
    assert after.score is not None and before.score is not None and after.score > before.score


def test_a_burst_of_publications_costs_one_computation(
    cast: Cast,
    plan: Plan,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(
        tasks.recompute_alignment_one, "apply_async", lambda a, **o: queued.append((a, o))
    )
    account = _account(cast)
    posts = [_going_live(cast, account, c) for c in ("expertise", "offer", "customer_story")]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for post in posts:
            _goes_live(post)
    # One request for the burst, due a little later: the posts after the first one ride on it.
    assert len(queued) == 1
    ((args, options),) = queued
    assert options["eta"] >= before + timedelta(seconds=services.ALIGNMENT_GROUP_S)
    assert args[1] == options["eta"].isoformat()

    computed = []
    real = services.alignment_recompute

    def counting(**kwargs: Any) -> AlignmentSnapshot | None:
        computed.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "alignment_recompute", counting)
    # A request made before it by another process (the sweep, another dispatcher) is dropped
    # once the grouped one has run: its computation counted everything.
    earlier = (cast.org.pk, timezone.now().isoformat())
    tasks.recompute_alignment_one(*args)  # the worker runs it at its time
    tasks.recompute_alignment_one(*earlier)
    assert len(computed) == 1
    latest = selectors.alignment_latest(cast.org)
    assert latest is not None
    assert latest.observed["posts_by_category"] == {
        "expertise": 1,
        "offer": 1,
        "customer_story": 1,
    }

    tasks.recompute_alignment_one(cast.org.pk)  # asked without a moment: always computed
    assert len(computed) == 2
