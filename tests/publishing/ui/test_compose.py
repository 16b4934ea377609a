"""The composer: live checks per network, autosave that never loses text, scheduling with the
organisation's local time (DST included), queue, approval."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.publishing.models import Notification, Post, PostTarget, QueueSlot
from tests.conftest import Cast, english_client
from tests.publishing.ui.conftest import Accounts

PARIS = ZoneInfo("Europe/Paris")


def url(name: str, cast: Cast, **kwargs: object) -> str:
    return reverse(f"posts:{name}", kwargs={"org": cast.org.slug, **kwargs})


def tomorrow_local() -> datetime:
    return (timezone.now().astimezone(PARIS) + timedelta(days=1)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )


def test_new_post_page_is_prefilled_from_an_idea(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.get(
        url("new", cast), {"text": "Notre atelier recrute", "category": "job_offer"}
    )
    assert response.status_code == 200
    assert "Notre atelier recrute</textarea>" in response.content.decode()
    assert '<option value="job_offer" selected>' in response.content.decode()
    assert "New post" in response.content.decode()


def test_categories_speak_the_readers_language(cast: Cast, accounts: Accounts) -> None:
    french = Client()
    french.force_login(cast.bob)
    page = french.get(url("new", cast)).content.decode()
    assert ">Témoignage client</option>" in page and "Customer story" not in page
    page = english_client(cast.alice).get(url("new", cast)).content.decode()
    assert ">Customer story</option>" in page and "Témoignage client" not in page


def test_check_reports_text_over_x_limit_with_a_counter(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("check", cast),
        {"body": "a" * 281, "accounts": [accounts.x.pk, accounts.mastodon.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "281/280" in page
    assert 'data-code="text_too_long"' in page
    assert "281/500" in page  # the same text fits Mastodon
    assert page.count('data-valid="yes"') == 1
    assert f'data-fill="id_override-{accounts.x.pk}"' in page  # adapted version offered


def test_check_reports_more_than_30_hashtags_on_instagram(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    body = "Nos réalisations " + " ".join(f"#bois{i}" for i in range(31))
    response = alice_client.post(
        url("check", cast), {"body": body, "accounts": [accounts.instagram.pk]}
    )
    page = response.content.decode()
    assert 'data-code="too_many_hashtags"' in page
    assert 'data-code="media_required"' in page  # Instagram needs a picture


def test_override_is_checked_instead_of_the_master_text(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("check", cast),
        {"body": "a" * 300, "accounts": [accounts.x.pk], f"override-{accounts.x.pk}": "Court"},
    )
    assert 'data-valid="yes"' in response.content.decode()


def test_autosave_creates_the_draft_then_updates_it_with_revisions(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    first = alice_client.post(
        url("autosave", cast), {"body": "Premier jet", "accounts": [accounts.x.pk]}
    )
    assert first.status_code == 200
    post = Post.objects.get(organisation=cast.org)
    assert f'data-edit-url="{url("edit", cast, post_id=post.pk)}"' in first.content.decode()
    assert "Saved at" in first.content.decode()
    second = alice_client.post(
        url("autosave", cast),
        {
            "post_id": post.pk,
            "version": post.version,
            "body": "Deuxième jet",
            "accounts": [accounts.x.pk, accounts.mastodon.pk],
        },
    )
    assert second.status_code == 200
    post.refresh_from_db()
    assert post.body == "Deuxième jet"
    assert post.version == 2
    assert set(post.targets.values_list("account_id", flat=True)) == {
        accounts.x.pk,
        accounts.mastodon.pk,
    }
    assert post.revisions.exists()
    # The edit page shows what was saved (a reload loses nothing).
    page = alice_client.get(url("edit", cast, post_id=post.pk)).content.decode()
    assert "Deuxième jet</textarea>" in page


def test_autosave_over_someone_elses_newer_version_saves_nothing_and_says_so(
    cast: Cast, accounts: Accounts, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post(url("autosave", cast), {"body": "v1", "accounts": [accounts.x.pk]})
    post = Post.objects.get(organisation=cast.org)
    alice_client.post(url("autosave", cast), {"post_id": post.pk, "version": 1, "body": "v2"})
    stale = bob_client.post(
        url("autosave", cast), {"post_id": post.pk, "version": 1, "body": "v1 bis"}
    )
    assert 'data-code="conflict"' in stale.content.decode()
    post.refresh_from_db()
    assert post.body == "v2"
    # One's own autosave still in flight is no conflict.
    own = alice_client.post(url("autosave", cast), {"post_id": post.pk, "version": 1, "body": "v3"})
    assert "Saved at" in own.content.decode()


def test_a_past_time_is_refused_and_the_text_is_kept(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    yesterday = timezone.now().astimezone(PARIS) - timedelta(days=1)
    response = alice_client.post(
        url("new", cast),
        {
            "body": "Texte précieux",
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": f"{yesterday:%Y-%m-%d}",
            "time": "10:00",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-code="past"' in page
    assert "Texte précieux</textarea>" in page
    post = Post.objects.get(organisation=cast.org)
    assert post.body == "Texte précieux"
    assert post.status == Post.Status.DRAFT


def test_an_invalid_text_is_refused_at_scheduling_and_kept(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = tomorrow_local()
    response = alice_client.post(
        url("new", cast),
        {
            "body": "b" * 400,
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    assert response.status_code == 200
    assert 'data-code="invalid"' in response.content.decode()
    assert Post.objects.get(organisation=cast.org).body == "b" * 400


def test_a_javascript_link_is_refused_at_scheduling_and_the_draft_kept(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = tomorrow_local()
    response = alice_client.post(
        url("new", cast),
        {
            "body": "Notre atelier",
            "accounts": [accounts.x.pk],
            "link": "javascript:alert(document.cookie)",
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    assert response.status_code == 200
    assert 'data-code="link_invalid"' in response.content.decode()
    post = Post.objects.get(organisation=cast.org)
    assert post.body == "Notre atelier"
    assert post.status == Post.Status.DRAFT
    assert not post.targets.filter(status=PostTarget.Status.SCHEDULED).exists()


@pytest.mark.parametrize(
    ("day", "code", "choices"),
    [("2030-03-31", "nonexistent", 2), ("2030-10-27", "ambiguous", 2)],
)
def test_dst_times_are_explained_with_valid_choices(
    cast: Cast, accounts: Accounts, alice_client: Client, day: str, code: str, choices: int
) -> None:
    response = alice_client.post(
        url("new", cast),
        {
            "body": "Heure d’été",
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": day,
            "time": "02:30",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-code="{code}"' in page
    assert page.count('name="at"') == choices
    post = Post.objects.get(organisation=cast.org)
    # Picking the second choice schedules it at that exact instant.
    instant = page.split('name="at" value="')[2].split('"')[0]
    picked = alice_client.post(
        url("edit", cast, post_id=post.pk),
        {"post_id": post.pk, "body": "Heure d’été", "accounts": [accounts.x.pk], "at": instant},
    )
    assert picked.status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_at == datetime.fromisoformat(instant)


def test_owner_schedules_for_three_accounts(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = tomorrow_local()
    response = alice_client.post(
        url("new", cast),
        {
            "body": "Trois réseaux",
            "accounts": [accounts.x.pk, accounts.mastodon.pk, accounts.bluesky.pk],
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    post = Post.objects.get(organisation=cast.org)
    assert response.status_code == 302
    assert response["Location"] == url("detail", cast, post_id=post.pk)
    assert post.status == Post.Status.SCHEDULED
    assert post.scheduled_at == day
    assert set(post.targets.values_list("status", flat=True)) == {PostTarget.Status.SCHEDULED}
    detail = alice_client.get(response["Location"]).content.decode()
    assert detail.count('data-target-status="scheduled"') == 3


def test_contributor_submits_for_approval_and_a_manager_approves(
    cast: Cast, accounts: Accounts, alice_client: Client, bob_client: Client
) -> None:
    day = tomorrow_local()
    page = bob_client.get(url("new", cast)).content.decode()
    assert "Submit for approval" in page
    bob_client.post(
        url("new", cast),
        {
            "body": "Par Bob",
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    post = Post.objects.get(organisation=cast.org)
    assert post.status == Post.Status.PENDING_APPROVAL
    approvals = alice_client.get(url("approvals", cast)).content.decode()
    assert f'data-post="{post.pk}"' in approvals
    assert 'data-kind="approval_requested"' in approvals
    assert bob_client.post(url("approve", cast, post_id=post.pk)).status_code == 403
    alice_client.post(url("approve", cast, post_id=post.pk))
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert 'data-kind="approved"' in bob_client.get(url("approvals", cast)).content.decode()


def test_manager_requests_changes_with_a_reason(
    cast: Cast, accounts: Accounts, alice_client: Client, bob_client: Client
) -> None:
    day = tomorrow_local()
    bob_client.post(
        url("new", cast),
        {
            "body": "Par Bob",
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    post = Post.objects.get(organisation=cast.org)
    alice_client.post(url("reject", cast, post_id=post.pk), {"reason": "Ajoutez une photo"})
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    detail = bob_client.get(url("detail", cast, post_id=post.pk)).content.decode()
    assert "Ajoutez une photo" in detail
    bob_client.post(url("notifications_read", cast))
    assert not Notification.objects.filter(user=cast.bob, read_at=None).exists()
    assert Notification.objects.filter(user=cast.bob, kind="rejected").exists()


def test_add_to_queue_takes_the_next_free_slot(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("new", cast), {"body": "File", "accounts": [accounts.x.pk], "action": "queue"}
    )
    assert response.status_code == 200
    assert 'data-code="no_slot"' in response.content.decode()
    alice_client.post(url("queue", cast), {"weekday": 2, "local_time": "09:15"})
    slot = QueueSlot.objects.get(organisation=cast.org)
    post = Post.objects.get(organisation=cast.org)
    alice_client.post(
        url("edit", cast, post_id=post.pk),
        {"body": "File", "accounts": [accounts.x.pk], "action": "queue"},
    )
    post.refresh_from_db()
    local = post.scheduled_at.astimezone(PARIS)  # type: ignore[union-attr]
    assert (local.weekday(), local.time()) == (2, time(9, 15))
    alice_client.post(url("queue_remove", cast, slot_id=slot.pk))
    assert not QueueSlot.objects.filter(pk=slot.pk).exists()


def test_failed_target_shows_the_reason_and_retries(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = tomorrow_local()
    alice_client.post(
        url("new", cast),
        {
            "body": "Échec",
            "accounts": [accounts.x.pk],
            "action": "schedule",
            "date": f"{day:%Y-%m-%d}",
            "time": "10:30",
        },
    )
    post = Post.objects.get(organisation=cast.org)
    post.targets.update(
        status=PostTarget.Status.FAILED, last_error="X refuse ce message en double."
    )
    Post.objects.filter(pk=post.pk).update(status=Post.Status.FAILED)
    page = alice_client.get(url("detail", cast, post_id=post.pk)).content.decode()
    assert "X refuse ce message en double." in page
    assert f'name="target" value="{post.targets.get().pk}"' in page  # its own « Retry »
    alice_client.post(url("retry", cast, post_id=post.pk))
    assert post.targets.get().status == PostTarget.Status.SCHEDULED


def test_published_target_shows_its_link(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("autosave", cast), {"body": "En ligne", "accounts": [accounts.x.pk]})
    post = Post.objects.get(organisation=cast.org)
    post.targets.update(
        status=PostTarget.Status.PUBLISHED, remote_url="https://x.com/i/web/status/42"
    )
    page = alice_client.get(url("detail", cast, post_id=post.pk)).content.decode()
    assert 'href="https://x.com/i/web/status/42"' in page


def test_the_post_page_follows_its_publication_then_stops(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("autosave", cast), {"body": "Bientôt", "accounts": [accounts.x.pk]})
    post = Post.objects.get(organisation=cast.org)
    detail = url("detail", cast, post_id=post.pk)

    def follows() -> bool:
        return 'data-live="yes"' in alice_client.get(detail).content.decode()

    assert not follows()  # a draft has nothing to follow
    soon = timezone.now() + timedelta(minutes=5)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.SCHEDULED, scheduled_at=soon)
    assert follows()  # minutes before its time
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() + timedelta(days=1))
    assert not follows()  # tomorrow is too far to poll for
    post.targets.update(status=PostTarget.Status.UNCONFIRMED)
    assert follows()  # sent, waiting for the network to confirm
    # Each poll gets only the part it swaps, not the whole page.
    poll = alice_client.get(detail, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="post-live")
    part = poll.content.decode()
    assert 'id="post-live"' in part and 'data-target-status="unconfirmed"' in part
    assert "<html" not in part and "Discussion" not in part
    post.targets.update(status=PostTarget.Status.PUBLISHED)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    assert not follows()


def test_recurrence_evergreen_utm_and_first_comment_are_saved(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(
        url("autosave", cast),
        {
            "body": "Chaque semaine",
            "accounts": [accounts.mastodon.pk],
            "recurrence": "weekly",
            "evergreen": "on",
            "cooldown_days": "45",
            "link": "https://menuiserie.example/portes",
            "utm_campaign": "automne",
            "first_comment": "Devis gratuit",
        },
    )
    post = Post.objects.get(organisation=cast.org)
    assert (post.recurrence, post.evergreen, post.cooldown_days) == ("weekly", True, 45)
    assert (post.utm_campaign, post.first_comment) == ("automne", "Devis gratuit")
    check = alice_client.post(
        url("check", cast),
        {
            "body": "Chaque semaine",
            "accounts": [accounts.mastodon.pk],
            "link": "https://menuiserie.example/portes",
            "utm_campaign": "automne",
        },
    ).content.decode()
    # The preview shows the link as Mastodon receives it: tagged for this network.
    assert "utm_source=mastodon" in check and "utm_campaign=automne" in check


def test_a_held_target_asks_to_reconnect_the_account(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("autosave", cast), {"body": "En attente", "accounts": [accounts.x.pk]})
    post = Post.objects.get(organisation=cast.org)
    post.targets.update(status=PostTarget.Status.HELD)
    page = alice_client.get(url("detail", cast, post_id=post.pk)).content.decode()
    assert 'data-target-status="held"' in page
    assert "must be reconnected" in page


def test_a_viewer_reads_but_cannot_write(cast: Cast, accounts: Accounts) -> None:
    from parvis.accounts.models import Membership
    from parvis.accounts.roles import Role

    Membership.objects.filter(user=cast.bob).update(role=Role.VIEWER)
    viewer = Client()
    viewer.force_login(cast.bob)
    assert viewer.get(url("calendar", cast)).status_code == 200
    assert viewer.get(url("new", cast)).status_code == 403
    assert viewer.post(url("autosave", cast), {"body": "x"}).status_code == 403
    assert not Post.objects.filter(organisation=cast.org).exists()
