"""Queue slots, best time, UTM tagging, recurring and evergreen posts, the watchdog."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing import timing
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.models import DispatchAlert, Post, PostTarget, PublishAttempt
from parvis.publishing.recurring import evergreen_recycle
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.publishable import target_draft
from parvis.publishing.services.queue import post_add_to_queue, queue_slot_add, suggest_best_time
from parvis.publishing.settle import post_refresh_status
from parvis.publishing.utm import tag_link
from parvis.publishing.watchdog import watchdog_check
from tests.conftest import Cast
from tests.publishing.conftest import Peer
from tests.publishing.helpers import FAST, due_post

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # a Friday


def test_add_to_queue_takes_the_next_free_slot(alice: Actor, account: SocialAccount) -> None:
    queue_slot_add(actor=alice, weekday=0, local_time=time(9, 0))  # Mondays 09:00
    queue_slot_add(actor=alice, weekday=2, local_time=time(12, 30))  # Wednesdays 12:30
    first = post_create(actor=alice, body="un", account_ids=[account.pk])
    second = post_create(actor=alice, body="deux", account_ids=[account.pk])
    post_add_to_queue(actor=alice, post=first, now=NOW)
    post_add_to_queue(actor=alice, post=second, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.scheduled_at == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert second.scheduled_at == datetime(2026, 3, 25, 11, 30, tzinfo=UTC)


def test_slots_skip_the_missing_hour_and_take_the_first_of_a_doubled_one() -> None:
    paris = timing.ZoneInfo("Europe/Paris")
    spring = timing.slot_instants([(6, time(2, 30))], paris, after=NOW, weeks=2)
    assert datetime(2026, 3, 29, 0, 30, tzinfo=UTC) not in spring
    assert spring[0] == datetime(2026, 3, 22, 1, 30, tzinfo=UTC)
    autumn = timing.slot_instants(
        [(6, time(2, 30))], paris, after=datetime(2026, 10, 20, tzinfo=UTC), weeks=1
    )
    assert autumn[0] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_best_time_uses_history_then_falls_back(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    default = suggest_best_time(organisation=cast.org, account=account, now=NOW)
    assert default == datetime(2026, 3, 24, 8, 0, tzinfo=UTC)  # Tuesday 09:00 Paris
    for week in range(12):
        post = Post.objects.create(organisation=cast.org, body=f"h{week}", status="published")
        thursday_16h = datetime(2026, 1, 1, 15, 0, tzinfo=UTC) + timedelta(weeks=week)
        PostTarget.objects.create(
            organisation=cast.org,
            post=post,
            account=account,
            status="published",
            published_at=thursday_16h,
            engagement=50 + week,
        )
    learned = suggest_best_time(organisation=cast.org, account=account, now=NOW)
    assert learned == datetime(2026, 3, 26, 15, 0, tzinfo=UTC)


def test_links_are_tagged_per_network(alice: Actor, account: SocialAccount) -> None:
    assert (
        tag_link("https://ex.fr/p?a=1&utm_source=old#x", source="x", campaign="printemps")
        == "https://ex.fr/p?a=1&utm_source=x&utm_campaign=printemps#x"
    )
    assert tag_link("pas un lien", source="x") == "pas un lien"
    post = post_create(
        actor=alice,
        body="Promo",
        account_ids=[account.pk],
        link="https://ex.fr/promo",
        utm_campaign="printemps",
    )
    draft = target_draft(post.targets.get())
    assert draft.link == "https://ex.fr/promo?utm_source=x&utm_medium=social&utm_campaign=printemps"


def test_recurring_post_plans_its_next_occurrence_at_the_same_local_time(
    alice: Actor, peer: Peer
) -> None:
    post = due_post(alice, peer.account, "Chaque semaine", recurrence="weekly")
    Post.objects.filter(pk=post.pk).update(scheduled_at=datetime(2026, 3, 25, 8, 0, tzinfo=UTC))
    assert dispatch_batch(config=FAST) == {"published": 1}
    following = Post.objects.get(recycled_from=post)
    # 09:00 Paris before the DST change (UTC+1) and after it (UTC+2).
    assert following.scheduled_at == datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    assert following.targets.get().status == PostTarget.Status.SCHEDULED
    post_refresh_status(post.pk)
    assert Post.objects.filter(recycled_from=post).count() == 1


def test_evergreen_post_returns_to_the_queue_after_its_cool_down(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    queue_slot_add(actor=alice, weekday=0, local_time=time(9, 0))
    post = post_create(
        actor=alice,
        body="Nos conseils d'entretien",
        account_ids=[account.pk],
        evergreen=True,
        cooldown_days=30,
    )
    Post.objects.filter(pk=post.pk).update(
        status="published", published_at=NOW - timedelta(days=10)
    )
    assert evergreen_recycle(now=NOW) == 0
    Post.objects.filter(pk=post.pk).update(published_at=NOW - timedelta(days=31))
    assert evergreen_recycle(now=NOW) == 1
    assert evergreen_recycle(now=NOW) == 0
    copy = Post.objects.get(recycled_from=post)
    assert copy.scheduled_at == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


def test_watchdog_alerts_once_per_incident_and_clears(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    post = due_post(alice, account, "En retard")
    late = timezone.now() - timedelta(minutes=5)
    PostTarget.objects.filter(post=post).update(next_attempt_at=late)
    opened = watchdog_check()
    assert [a.organisation_id for a in opened] == [cast.org.pk]
    assert watchdog_check() == []  # same incident: no second alert
    assert DispatchAlert.objects.get().due_count == 1
    assert len(mail.outbox) == 0  # e-mails leave after commit; the row is what we check here
    client = cast.client_for(cast.alice)
    page = client.get(f"/o/{cast.org.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["publishing_alert"] is not None
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        banner = render_to_string(
            "publishing/_alert_banner.html", {"publishing_alert": page.context["publishing_alert"]}
        )
    assert "1 post is overdue." in banner
    PublishAttempt.objects.create(organisation=cast.org, target=PostTarget.objects.get(post=post))
    watchdog_check()
    assert DispatchAlert.objects.get().cleared_at is not None


def test_media_reach_the_connector_draft_measured_and_readable(
    cast: Cast, alice: Actor, account: SocialAccount, settings: object, tmp_path: object
) -> None:
    from django.core.files.base import ContentFile

    from parvis.publishing.models import MediaAsset

    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    asset = MediaAsset(
        organisation=cast.org,
        mime="image/png",
        size=4,
        width=1200,
        height=800,
        alt_text="Escalier en chêne",
    )
    asset.file.save("escalier.png", ContentFile(b"\x89PNG"), save=True)
    post = post_create(actor=alice, body="Photo", account_ids=[account.pk])
    post.media.add(asset)
    [media] = target_draft(post.targets.get()).media
    assert (media.mime, media.width, media.alt_text) == ("image/png", 1200, "Escalier en chêne")
    assert media.read_bytes() == b"\x89PNG"
    # Networks that download media themselves get a signed address that serves this file.
    from django.test import Client
    from django.utils import timezone

    from parvis.publishing.media_urls import media_id_from_token

    assert media.url is not None and media.url.startswith(settings.PUBLIC_BASE_URL)  # type: ignore[attr-defined]
    token = media.url.rstrip("/").rsplit("/", 1)[1]
    assert media_id_from_token(token, now=timezone.now()) == asset.pk
    response = Client().get(media.url.removeprefix(settings.PUBLIC_BASE_URL))  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG"  # type: ignore[attr-defined]
