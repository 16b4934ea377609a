"""Post workflows: drafts, revisions, roles and approval, scheduling errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing.models import Notification, Post, PostTarget
from parvis.publishing.services.approvals import post_approve, post_comment_add, post_reject
from parvis.publishing.services.editing import post_create, post_update
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.scheduling import post_cancel, post_retry, post_schedule
from tests.conftest import Cast

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


def wall(*parts: int) -> datetime:
    """A wall-clock time as typed in the organisation's zone (the service applies it)."""
    return datetime(*parts)  # noqa: DTZ001


def test_draft_keeps_everything_typed_even_invalid(alice: Actor, account: SocialAccount) -> None:
    too_long = "é" * 5000
    post = post_create(actor=alice, body=too_long, account_ids=[account.pk], now=NOW)
    post = post_update(actor=alice, post=post, body=too_long + "!", now=NOW)
    assert Post.objects.get(pk=post.pk).body == too_long + "!"
    with pytest.raises(PublishingError) as caught:
        post_schedule(actor=alice, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    assert caught.value.code == "invalid"
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.body == too_long + "!"


def test_revisions_coalesce_autosaves_and_keep_history(
    alice: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="v1", account_ids=[account.pk], now=NOW)
    post_update(actor=alice, post=post, body="v2", now=NOW + timedelta(seconds=30))
    post_update(actor=alice, post=post, body="v3", now=NOW + timedelta(minutes=10))
    snapshots = [r.snapshot["body"] for r in post.revisions.order_by("version")]
    assert snapshots == ["v2", "v3"]
    post.refresh_from_db()
    assert post.version == 3


def test_stale_autosave_is_a_conflict_not_an_overwrite(
    alice: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="mine", account_ids=[account.pk], now=NOW)
    post_update(actor=alice, post=post, body="newer", expected_version=1, now=NOW)
    with pytest.raises(PublishingError) as caught:
        post_update(actor=alice, post=post, body="stale", expected_version=1, now=NOW)
    assert caught.value.code == "conflict"
    assert Post.objects.get(pk=post.pk).body == "newer"


def test_contributor_post_waits_for_a_manager(
    cast: Cast, alice: Actor, bob: Actor, account: SocialAccount
) -> None:
    assert cast.org.approval_required
    post = post_create(actor=bob, body="Nouvel escalier en chêne", account_ids=[account.pk])
    outcome = post_schedule(actor=bob, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    assert outcome.needs_approval
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING_APPROVAL
    assert set(post.targets.values_list("status", flat=True)) == {PostTarget.Status.DRAFT}
    assert Notification.objects.filter(user=cast.alice, kind="approval_requested").exists()
    with pytest.raises(PermissionDenied):
        post_approve(actor=bob, post=post, now=NOW)
    post_approve(actor=alice, post=post, now=NOW)
    post.refresh_from_db()
    target = post.targets.get()
    assert post.status == Post.Status.SCHEDULED
    assert target.status == PostTarget.Status.SCHEDULED
    assert target.due_at == datetime(2026, 3, 21, 8, tzinfo=UTC)  # 09:00 Paris (UTC+1)
    assert Notification.objects.filter(user=cast.bob, kind="approved").exists()


def test_without_approval_a_contributor_schedules_directly(
    cast: Cast, bob: Actor, account: SocialAccount
) -> None:
    cast.org.approval_required = False
    cast.org.save()
    post = post_create(actor=Actor.of(cast.bob_membership), body="Salon", account_ids=[account.pk])
    assert not post_schedule(
        actor=Actor.of(cast.bob_membership), post=post, local_time=wall(2026, 3, 21, 9), now=NOW
    ).needs_approval


def test_reject_sends_back_with_comment_and_an_approved_post_is_the_managers(
    cast: Cast, alice: Actor, bob: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=bob, body="Texte", account_ids=[account.pk])
    post_schedule(actor=bob, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    post_update(actor=bob, post=post, body="Texte revu en attendant", now=NOW)  # still his
    post_reject(actor=alice, post=post, reason="Ajoutez une photo")
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert post.comments.get().body == "Ajoutez une photo"
    post_comment_add(actor=bob, post=post, body="C'est fait")
    assert Notification.objects.filter(user=cast.alice, kind="comment").exists()
    post_update(actor=bob, post=post, body="Texte avec photo", now=NOW)
    post_schedule(actor=bob, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    post_approve(actor=alice, post=post, now=NOW)
    for change in (
        lambda: post_update(actor=bob, post=post, body="Texte modifié après accord", now=NOW),
        lambda: post_schedule(actor=bob, post=post, local_time=wall(2026, 3, 22, 9), now=NOW),
        lambda: post_cancel(actor=bob, post=post),
    ):
        with pytest.raises(PermissionDenied):
            change()
    post.refresh_from_db()
    assert (post.status, post.body) == (Post.Status.SCHEDULED, "Texte avec photo")
    assert post.targets.get().status == PostTarget.Status.SCHEDULED
    post_update(actor=alice, post=post, body="Corrigé par la responsable", now=NOW)
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED  # a manager's edit needs no new approval


def test_contributor_cannot_touch_someone_elses_post(
    alice: Actor, bob: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="À Alice", account_ids=[account.pk])
    with pytest.raises(PermissionDenied):
        post_update(actor=bob, post=post, body="pirate")


def test_other_organisation_cannot_act(
    alice: Actor, charlie: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="À Alice", account_ids=[account.pk])
    for action in (post_cancel, post_approve):
        with pytest.raises(PermissionDenied):
            action(actor=charlie, post=post)
    with pytest.raises(PublishingError):
        post_create(actor=charlie, body="x", account_ids=[account.pk])


@pytest.mark.parametrize(
    ("local", "code", "choices"),
    [
        # Europe/Paris springs forward at 02:00 on 2026-03-29: 02:30 never happens.
        (wall(2026, 3, 29, 2, 30), "nonexistent", ["01:30", "03:30"]),
        # ...and falls back at 03:00 on 2026-10-25: 02:30 happens twice.
        (wall(2026, 10, 25, 2, 30), "ambiguous", ["02:30", "02:30"]),
        (wall(2026, 3, 20, 10, 59), "past", []),  # 09:59 UTC, before NOW
    ],
)
def test_impossible_local_times_are_refused_with_the_valid_choices(
    alice: Actor, account: SocialAccount, local: datetime, code: str, choices: list[str]
) -> None:
    post = post_create(actor=alice, body="Portes ouvertes", account_ids=[account.pk])
    with pytest.raises(PublishingError) as caught:
        post_schedule(actor=alice, post=post, local_time=local, now=NOW)
    assert caught.value.code == code
    assert [f"{c.local:%H:%M}" for c in caught.value.choices] == choices
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.body == "Portes ouvertes"


def test_ambiguous_time_is_accepted_with_a_fold(alice: Actor, account: SocialAccount) -> None:
    post = post_create(actor=alice, body="Heure d'hiver", account_ids=[account.pk])
    post_schedule(actor=alice, post=post, local_time=wall(2026, 10, 25, 2, 30), fold=1, now=NOW)
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # second 02:30, UTC+1
    post2 = post_create(actor=alice, body="Heure d'été", account_ids=[account.pk])
    post_schedule(actor=alice, post=post2, local_time=wall(2026, 10, 25, 2, 30), fold=0, now=NOW)
    post2.refresh_from_db()
    assert post2.scheduled_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_disconnected_account_is_refused_at_scheduling_and_retry(
    alice: Actor, account: SocialAccount
) -> None:
    post = post_create(actor=alice, body="Bonjour", account_ids=[account.pk])
    account.status = SocialAccount.Status.DISCONNECTED
    account.save()
    with pytest.raises(PublishingError) as caught:
        post_schedule(actor=alice, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    assert caught.value.code == "invalid"
    assert "reconnecté" in caught.value.messages[0]  # French by default
    account.status = SocialAccount.Status.CONNECTED
    account.save()
    post_schedule(actor=alice, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    PostTarget.objects.filter(post=post).update(status=PostTarget.Status.FAILED, last_error="x")
    account.status = SocialAccount.Status.RECONNECT
    account.save()
    with pytest.raises(PublishingError):
        post_retry(actor=alice, post=post, now=NOW)
    account.status = SocialAccount.Status.CONNECTED
    account.save()
    post_retry(actor=alice, post=post, now=NOW)
    target = post.targets.get()
    assert target.status == PostTarget.Status.SCHEDULED and target.next_attempt_at == NOW


def test_cancel_stops_what_has_not_left(alice: Actor, account: SocialAccount) -> None:
    post = post_create(actor=alice, body="Annulé", account_ids=[account.pk])
    post_schedule(actor=alice, post=post, local_time=wall(2026, 3, 21, 9), now=NOW)
    post_cancel(actor=alice, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.CANCELLED
    assert post.targets.get().status == PostTarget.Status.CANCELLED
