"""A partly failed post is sent again on one account only (issue #16, item 9): the accounts
where it is live are never sent twice, and nobody outside the organisation can retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.core.models import AuditEvent
from parvis.networks.models import SocialAccount
from parvis.publishing.claims import claim_due
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.scheduling import post_retry_account, post_schedule
from parvis.publishing.settle import post_refresh_status
from tests.conftest import Cast
from tests.peers.faultproxy import Fault
from tests.publishing.conftest import Peer, make_account
from tests.publishing.helpers import FAST, make_due

pytestmark = pytest.mark.django_db

Status = PostTarget.Status
REJECTED = "Le réseau a refusé la demande\u202f: «\u202fimage trop grande\u202f». Modifiez-la."
GAVE_UP = "Le réseau est momentanément indisponible\u202f: un nouvel essai aura lieu."


def partly_failed(alice: Actor, cast: Cast) -> tuple[Post, dict[str, PostTarget]]:
    """Published on X, refused by Mastodon, given up on Bluesky after transient errors."""
    accounts = {
        "x": make_account(cast.org, handle="menuiserie"),
        "mastodon": make_account(cast.org, kind="mastodon", handle="@menuiserie@exemple.social"),
        "bluesky": make_account(cast.org, kind="bluesky", handle="menuiserie.bsky.social"),
    }
    post = post_create(
        actor=alice, body="Portes ouvertes", account_ids=[a.pk for a in accounts.values()]
    )
    post_schedule(actor=alice, post=post, at=timezone.now() + timedelta(hours=1))
    targets = {kind: post.targets.get(account=account) for kind, account in accounts.items()}
    published_at = timezone.now() - timedelta(minutes=5)
    PostTarget.objects.filter(pk=targets["x"].pk).update(
        status=Status.PUBLISHED, remote_id="1234", published_at=published_at
    )
    PostTarget.objects.filter(pk=targets["mastodon"].pk).update(
        status=Status.FAILED, error_code="rejected", last_error=REJECTED, attempts=1
    )
    PostTarget.objects.filter(pk=targets["bluesky"].pk).update(
        status=Status.FAILED, error_code="transient", last_error=GAVE_UP, attempts=5
    )
    post_refresh_status(post.pk)
    post.refresh_from_db()
    assert post.status == Post.Status.PARTIALLY_FAILED
    for target in targets.values():
        target.refresh_from_db()
    return post, targets


def test_one_account_goes_again_and_the_others_stay_as_they_are(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    before = timezone.now()
    retried = post_retry_account(actor=alice, post=post, target_id=targets["mastodon"].pk)
    assert retried.status == Status.SCHEDULED
    assert retried.attempts == 0 and retried.last_error == "" and retried.error_code == ""
    assert retried.next_attempt_at is not None and retried.next_attempt_at >= before
    published = PostTarget.objects.get(pk=targets["x"].pk)
    assert (published.status, published.remote_id) == (Status.PUBLISHED, "1234")
    assert published.published_at == targets["x"].published_at
    assert PostTarget.objects.get(pk=targets["bluesky"].pk).status == Status.FAILED
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHING
    event = AuditEvent.objects.filter(action="post.retried").latest("pk")
    assert event.data["account"] == targets["mastodon"].account_id
    # Only the retried account can be claimed by a dispatcher.
    assert claim_due(worker="A", limit=10, config=FAST)[1] == [targets["mastodon"].pk]


def test_a_published_account_is_never_sent_again(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    with pytest.raises(PublishingError) as refused:
        post_retry_account(actor=alice, post=post, target_id=targets["x"].pk)
    assert refused.value.code == "state"
    assert PostTarget.objects.get(pk=targets["x"].pk).status == Status.PUBLISHED
    assert claim_due(worker="A", limit=10, config=FAST)[1] == []


def test_a_disconnected_account_must_be_reconnected_first(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    SocialAccount.objects.filter(pk=targets["mastodon"].account_id).update(
        status=SocialAccount.Status.RECONNECT
    )
    with pytest.raises(PublishingError) as refused:
        post_retry_account(actor=alice, post=post, target_id=targets["mastodon"].pk)
    assert refused.value.code == "reconnect"
    assert PostTarget.objects.get(pk=targets["mastodon"].pk).status == Status.FAILED


def test_another_organisation_cannot_retry(cast: Cast, alice: Actor, charlie: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    with pytest.raises(PermissionDenied):
        post_retry_account(actor=charlie, post=post, target_id=targets["mastodon"].pk)
    # Nor name Alice's target through a post of his own.
    own = post_create(actor=charlie, body="Chez Charlie")
    with pytest.raises(PublishingError):
        post_retry_account(actor=charlie, post=own, target_id=targets["mastodon"].pk)
    assert PostTarget.objects.get(pk=targets["mastodon"].pk).status == Status.FAILED


def test_a_contributor_cannot_retry_a_scheduled_post(cast: Cast, alice: Actor, bob: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    with pytest.raises(PermissionDenied):
        post_retry_account(actor=bob, post=post, target_id=targets["mastodon"].pk)


def test_the_retried_account_is_published_once_by_the_dispatcher(
    cast: Cast, alice: Actor, peer: Peer
) -> None:
    """End to end on the X fake: X failed for good, Mastodon was live; the retry publishes on X
    once, and Mastodon is not touched."""
    peer.proxy.inject(
        Fault.server_error(503), times=FAST.max_attempts, method="POST", path="/2/tweets"
    )
    mastodon = make_account(cast.org, kind="mastodon", handle="@menuiserie@exemple.social")
    post = post_create(
        actor=alice, body="Stage de menuiserie", account_ids=[peer.account.pk, mastodon.pk]
    )
    post_schedule(actor=alice, post=post, at=timezone.now() + timedelta(hours=1))
    PostTarget.objects.filter(post=post, account=mastodon).update(
        status=Status.PUBLISHED, remote_id="m-1", published_at=timezone.now()
    )
    for _ in range(FAST.max_attempts):
        make_due(post)
        dispatch_batch(config=FAST)
    x_target = PostTarget.objects.get(post=post, account=peer.account)
    assert x_target.status == Status.FAILED
    assert Post.objects.get(pk=post.pk).status == Post.Status.PARTIALLY_FAILED
    post_retry_account(actor=alice, post=post, target_id=x_target.pk)
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert sum(1 for p in peer.fake.own_posts() if p.text.startswith("Stage de")) == 1
    assert PostTarget.objects.get(post=post, account=mastodon).remote_id == "m-1"
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


# --- the pages ----------------------------------------------------------------------------------


def _detail(cast: Cast, post: Post) -> str:
    return reverse("posts:detail", kwargs={"org": cast.org.slug, "post_id": post.pk})


def _retry(cast: Cast, post: Post) -> str:
    return reverse("posts:retry", kwargs={"org": cast.org.slug, "post_id": post.pk})


def test_the_page_says_which_account_failed_why_and_offers_a_retry_each(
    cast: Cast, alice: Actor
) -> None:
    post, targets = partly_failed(alice, cast)
    page = cast.client_for(cast.alice).get(_detail(cast, post)).content.decode()
    summary = page.split('id="partly-failed"', 1)[1].split("</p>", 1)[0]
    assert "Publiée sur 1 compte, pas sur\u00a0:" in summary
    assert "Mastodon (@menuiserie@exemple.social)" in summary
    assert "Bluesky (menuiserie.bsky.social)" in summary
    # Each failed account: its reason, in words, and its own « Réessayer ».
    mastodon = page.split(f'data-account="{targets["mastodon"].account_id}"', 1)[1]
    mastodon = mastodon.split("</li>", 1)[0]
    assert "image trop grande" in mastodon
    assert f'name="target" value="{targets["mastodon"].pk}"' in mastodon
    assert "Réessayer" in mastodon
    bluesky = page.split(f'data-account="{targets["bluesky"].account_id}"', 1)[1]
    bluesky = bluesky.split("</li>", 1)[0]
    assert "n’a pas répondu après plusieurs essais" in bluesky
    assert "nouvel essai aura lieu" not in bluesky  # no promise the sender no longer keeps
    published = page.split(f'data-account="{targets["x"].account_id}"', 1)[1]
    assert 'name="target"' not in published.split("</li>", 1)[0]
    assert "Réessayer sur tous les comptes en échec" in page  # two to retry


def test_a_viewer_sees_the_reasons_but_no_retry_button(cast: Cast, alice: Actor) -> None:
    from parvis.accounts.models import Membership, User
    from parvis.accounts.roles import Role

    viewer = User.objects.create_user("vera@example.org", "pw")
    Membership.objects.create(user=viewer, organisation=cast.org, role=Role.VIEWER)
    post, _targets = partly_failed(alice, cast)
    page = cast.client_for(viewer).get(_detail(cast, post)).content.decode()
    assert "image trop grande" in page
    assert 'name="target"' not in page
    assert 'id="retry-by-manager"' in page


def test_the_button_retries_that_account_only(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    client = cast.client_for(cast.alice)
    response = client.post(_retry(cast, post), {"target": targets["bluesky"].pk}, follow=True)
    assert "Nouvelle publication sur Bluesky" in response.content.decode()
    states = dict(PostTarget.objects.filter(post=post).values_list("pk", "status"))
    assert states == {
        targets["x"].pk: Status.PUBLISHED,
        targets["mastodon"].pk: Status.FAILED,
        targets["bluesky"].pk: Status.SCHEDULED,
    }


@pytest.mark.parametrize("value", ["abc", "²", "-1", "1e3", "9" * 40, "0", " 1"])
def test_a_forged_target_changes_nothing_and_says_so(cast: Cast, alice: Actor, value: str) -> None:
    post, _targets = partly_failed(alice, cast)
    response = cast.client_for(cast.alice).post(_retry(cast, post), {"target": value}, follow=True)
    assert response.status_code == 200
    assert "Cette publication n’est pas prévue sur ce compte." in response.content.decode()
    assert not PostTarget.objects.filter(post=post, status=Status.SCHEDULED).exists()


def test_another_organisation_cannot_retry_through_the_pages(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    charlie = cast.client_for(cast.charlie)
    data = {"target": targets["mastodon"].pk}
    assert charlie.post(_retry(cast, post), data).status_code == 404
    theirs = reverse("posts:retry", kwargs={"org": cast.other_org.slug, "post_id": post.pk})
    assert charlie.post(theirs, data).status_code == 404
    assert charlie.get(_detail(cast, post)).status_code == 404
    assert PostTarget.objects.get(pk=targets["mastodon"].pk).status == Status.FAILED


def test_the_list_shows_which_accounts_failed(cast: Cast, alice: Actor) -> None:
    post, targets = partly_failed(alice, cast)
    page = Client()
    page.force_login(cast.alice)
    listing = page.get(reverse("posts:list", kwargs={"org": cast.org.slug})).content.decode()
    row = listing.split(f'href="{_detail(cast, post)}"', 1)[1].split("</li>", 1)[0]
    assert "Échec partiel" in row
    assert "Échec sur Mastodon" in row and "Échec sur Bluesky" in row
    assert f'data-failed-account="{targets["x"].account_id}"' not in row
    failed_only = page.get(reverse("posts:list", kwargs={"org": cast.org.slug}), {"show": "failed"})
    assert _detail(cast, post) in failed_only.content.decode()
