"""Calendar views in the organisation's zone, moving posts (drag endpoint and keyboard form),
the iCal address rotation, and CSV import with its row-by-row report."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.publishing.models import CalendarFeed, Post
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.scheduling import post_schedule
from tests.conftest import Cast
from tests.publishing.ui.conftest import Accounts

PARIS = ZoneInfo("Europe/Paris")


def url(name: str, cast: Cast, **kwargs: object) -> str:
    return reverse(f"posts:{name}", kwargs={"org": cast.org.slug, **kwargs})


def planned(cast: Cast, accounts: Accounts, *, days: int = 2, hour: int = 23) -> Post:
    """A post at ``hour``:15 Paris time: 23:15 is the next day in UTC, the trap of the zone."""
    actor = Actor.of(cast.alice_membership)
    post = post_create(actor=actor, body="Au calendrier", account_ids=[accounts.x.pk])
    local = (timezone.now().astimezone(PARIS) + timedelta(days=days)).replace(
        hour=hour, minute=15, second=0, microsecond=0, tzinfo=None
    )
    post_schedule(actor=actor, post=post, local_time=local)
    post.refresh_from_db()
    return post


def day_of(page: str, post: Post) -> str:
    """The data-drop-date of the calendar cell holding ``post``."""
    before = page.split(f'id="cal-post-{post.pk}"')[0]
    return before.rsplit('data-drop-date="', 1)[1].split('"')[0]


def test_week_and_month_place_posts_on_their_local_day(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    post = planned(cast, accounts)
    local_day = post.scheduled_at.astimezone(PARIS).date()  # type: ignore[union-attr]
    week = alice_client.get(
        url("calendar", cast), {"date": f"{local_day:%Y-%m-%d}"}
    ).content.decode()
    assert day_of(week, post) == f"{local_day:%Y-%m-%d}"
    assert "23:15" in week
    assert "net-x" in week
    month = alice_client.get(
        url("calendar", cast), {"view": "month", "date": f"{local_day:%Y-%m-%d}"}
    )
    assert day_of(month.content.decode(), post) == f"{local_day:%Y-%m-%d}"
    assert month.content.decode().count("data-drop-date=") >= 28
    assert "/calendar/" in week and ".ics" in week  # the manager sees the iCal address


def test_drag_endpoint_moves_a_post_to_another_day_keeping_its_time(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    post = planned(cast, accounts)
    target = post.scheduled_at.astimezone(PARIS).date() + timedelta(days=3)  # type: ignore[union-attr]
    response = alice_client.post(
        url("reschedule", cast, post_id=post.pk),
        {"date": f"{target:%Y-%m-%d}"},
        HTTP_X_PARVIS_DRAG="1",
    )
    assert response.status_code == 200
    assert json.loads(response.content)["ok"] is True
    post.refresh_from_db()
    moved = post.scheduled_at.astimezone(PARIS)  # type: ignore[union-attr]
    assert (moved.date(), moved.hour, moved.minute) == (target, 23, 15)
    assert set(post.targets.values_list("due_at", flat=True)) == {post.scheduled_at}


def test_drag_to_a_past_day_is_refused_in_json(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    post = planned(cast, accounts)
    before = post.scheduled_at
    past = timezone.now().astimezone(PARIS).date() - timedelta(days=2)
    response = alice_client.post(
        url("reschedule", cast, post_id=post.pk),
        {"date": f"{past:%Y-%m-%d}"},
        HTTP_X_PARVIS_DRAG="1",
    )
    assert response.status_code == 400
    assert json.loads(response.content)["ok"] is False
    post.refresh_from_db()
    assert post.scheduled_at == before


def test_keyboard_move_form_redirects_back_to_the_calendar(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    post = planned(cast, accounts)
    target = post.scheduled_at.astimezone(PARIS).date() + timedelta(days=1)  # type: ignore[union-attr]
    response = alice_client.post(
        url("reschedule", cast, post_id=post.pk),
        {"date": f"{target:%Y-%m-%d}", "time": "08:05", "view": "month"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(url("calendar", cast))
    post.refresh_from_db()
    moved = post.scheduled_at.astimezone(PARIS)  # type: ignore[union-attr]
    assert (moved.date(), moved.hour, moved.minute) == (target, 8, 5)


def test_a_contributor_moves_only_their_own_posts_still_waiting_for_approval(
    cast: Cast, accounts: Accounts, bob_client: Client
) -> None:
    actor = Actor.of(cast.bob_membership)
    at = timezone.now() + timedelta(days=2)
    waiting = post_create(actor=actor, body="En attente", account_ids=[accounts.x.pk])
    post_schedule(actor=actor, post=waiting, at=at)
    scheduled = post_create(actor=actor, body="Accepté", account_ids=[accounts.x.pk])
    post_schedule(actor=Actor.of(cast.alice_membership), post=scheduled, at=at)
    # The week that holds them (on a weekend, that is next week, not this one).
    week_of = {"date": f"{at.astimezone(PARIS):%Y-%m-%d}"}
    page = bob_client.get(url("calendar", cast), week_of).content.decode()

    def item(post: Post) -> str:  # the post's <li ...> tag
        return page.split(f'id="cal-post-{post.pk}"', 1)[1].split(">", 1)[0]

    assert "draggable" in item(waiting) and "draggable" not in item(scheduled)
    target = timezone.now().astimezone(PARIS).date() + timedelta(days=4)
    refused = bob_client.post(
        url("reschedule", cast, post_id=scheduled.pk),
        {"date": f"{target:%Y-%m-%d}"},
        HTTP_X_PARVIS_DRAG="1",
    )
    assert refused.status_code == 400 and "only a manager" in refused.json()["message"]
    scheduled.refresh_from_db()
    assert scheduled.status == Post.Status.SCHEDULED and scheduled.scheduled_at is not None
    assert scheduled.scheduled_at.astimezone(PARIS).date() != target
    moved = bob_client.post(
        url("reschedule", cast, post_id=waiting.pk),
        {"date": f"{target:%Y-%m-%d}"},
        HTTP_X_PARVIS_DRAG="1",
    )
    assert moved.status_code == 200, moved.content
    waiting.refresh_from_db()
    assert waiting.status == Post.Status.PENDING_APPROVAL
    assert waiting.scheduled_at.astimezone(PARIS).date() == target  # type: ignore[union-attr]


def test_rotating_the_ical_address_revokes_the_old_one(
    cast: Cast, accounts: Accounts, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(url("calendar", cast))
    old = CalendarFeed.objects.get(organisation=cast.org).token
    assert Client().get(reverse("publishing:ical_feed", kwargs={"token": old})).status_code == 200
    assert bob_client.post(url("feed_rotate", cast)).status_code == 403
    alice_client.post(url("feed_rotate", cast))
    assert Client().get(reverse("publishing:ical_feed", kwargs={"token": old})).status_code == 404
    assert ".ics" not in bob_client.get(url("calendar", cast)).content.decode()


def test_csv_import_reports_broken_rows_and_accepts_windows_1252(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    day = timezone.now().astimezone(PARIS).date() + timedelta(days=5)
    rows = [
        "date;heure;comptes;texte",
        f"{day:%d/%m/%Y};09h30;x:menuiserie;Fenêtres en chêne",
        f"{day:%d/%m/%Y};25:00;x:menuiserie;Heure impossible",
        f"{day:%d/%m/%Y};10:00;x:inconnu;Compte inconnu",
        "2020-01-01;10:00;x:menuiserie;Dans le passé",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("cp1252")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = alice_client.post(
        url("import", cast), {"file": SimpleUploadedFile("plan.csv", data)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="1"' in page
    assert "cp1252" in page
    for line in (3, 4, 5):
        assert f'data-line="{line}"' in page
    assert 'data-line="2"' not in page
    assert Post.objects.get(organisation=cast.org).body == "Fenêtres en chêne"
