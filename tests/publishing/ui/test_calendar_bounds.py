"""A date typed in the calendar's address (or posted to move a post) that is out of range or
not a date is brought back into range or refused in words: never a server error (issue #16,
item 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.publishing.models import CalendarFeed, Post
from parvis.publishing.services.editing import post_create
from parvis.publishing.ui.calendar import FIRST_DAY, LAST_DAY, calendar_day
from tests.conftest import Cast
from tests.publishing.ui.conftest import Accounts
from tests.publishing.ui.test_calendar import planned

pytestmark = pytest.mark.django_db

# (what is typed, the day the calendar shows: None for today)
DATES: list[tuple[str, date | None]] = [
    ("0000-01-01", None),  # year 0 does not exist
    ("0001-01-01", FIRST_DAY),  # the first day Python knows: its previous week does not
    ("1999-12-31", FIRST_DAY),
    ("9999-12-31", LAST_DAY),  # the last day Python knows: its next month does not
    ("99999-01-01", None),
    ("2026-13-01", None),
    ("2026-02-30", None),
    ("2026-00-10", None),
    ("2026-W60", None),
    ("2026-W53-1", None),  # 2026 has 52 ISO weeks
    ("2026-W01-1", date(2025, 12, 29)),  # an ISO week date Python reads is fine
    ("-2026-01-01", None),
    ("2026-1-1", None),
    ("demain", None),
    ("", None),
    ("2026-06-15\x00", None),
    ("ٲ٠٢٦-٠١-٠١", None),  # digits that are not ASCII
    ("9" * 5000, None),
]


@pytest.mark.parametrize(("typed", "shown"), DATES)
@pytest.mark.parametrize("view", ["week", "month", "year", ""])
def test_the_calendar_clamps_or_ignores_any_date(
    cast: Cast, alice_client: Client, typed: str, shown: date | None, view: str
) -> None:
    url = reverse("posts:calendar", kwargs={"org": cast.org.slug})
    response = alice_client.get(url, {"date": typed, "view": view})
    assert response.status_code == 200
    expected = shown or timezone.now().astimezone(cast.org.tzinfo).date()
    page = response.content.decode()
    # The « week / month » switch links to the day shown.
    assert f"date={expected:%Y-%m-%d}" in page


def test_the_edges_link_to_days_that_stay_in_range(cast: Cast, alice_client: Client) -> None:
    url = reverse("posts:calendar", kwargs={"org": cast.org.slug})
    for view in ("week", "month"):
        for edge in (FIRST_DAY, LAST_DAY):
            page = alice_client.get(url, {"date": f"{edge:%Y-%m-%d}", "view": view})
            assert page.status_code == 200
            for link in ('rel="prev"', 'rel="next"'):
                href = page.content.decode().split(link, 1)[0].rsplit('href="', 1)[1]
                day = href.split("date=", 1)[1].split('"', 1)[0]
                assert alice_client.get(url, {"date": day, "view": view}).status_code == 200


def test_calendar_day_reads_only_dates() -> None:
    assert calendar_day("2026-06-15") == date(2026, 6, 15)
    assert calendar_day("1970-01-01") == FIRST_DAY
    assert calendar_day("2500-01-01") == LAST_DAY
    assert calendar_day("2026-13-01") is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0001-01-01", "Choose a date between 01/01/2000 and 31/12/2199."),
        ("9999-12-31", "Choose a date between 01/01/2000 and 31/12/2199."),
        ("0000-01-01", "Choose a date and a time."),
        ("2026-13-01", "Choose a date and a time."),
        ("", "Choose a date and a time."),
    ],
)
def test_moving_a_post_to_an_impossible_day_is_refused_in_words(
    cast: Cast, accounts: Accounts, alice_client: Client, typed: str, said: str
) -> None:
    post = planned(cast, accounts)
    before = post.scheduled_at
    url = reverse("posts:reschedule", kwargs={"org": cast.org.slug, "post_id": post.pk})
    answer = alice_client.post(url, {"date": typed, "time": "10:00"}, HTTP_X_PARVIS_DRAG="1")
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "message": said}
    post.refresh_from_db()
    assert post.scheduled_at == before
    # The keyboard form gets the same words, back on the calendar (no forged view in the URL).
    back = alice_client.post(url, {"date": typed, "time": "10:00", "view": "x\r\ny"})
    assert back.status_code == 302 and "\n" not in back["Location"]


def test_the_ical_feed_answers_404_for_any_unknown_token(cast: Cast) -> None:
    Post.objects.create(organisation=cast.org, author=cast.alice, body="x")
    CalendarFeed.objects.create(organisation=cast.org)
    for token in ["", "x", "0" * 500, "../../etc/passwd", "%00", "é"]:
        url = f"/calendar/{token}.ics"
        assert Client().get(url).status_code == 404


def test_a_post_near_the_last_day_is_listed_in_the_feed(cast: Cast, accounts: Accounts) -> None:
    actor = Actor.of(cast.alice_membership)
    post = post_create(actor=actor, body="Très loin", account_ids=[accounts.x.pk])
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.SCHEDULED,
        scheduled_at=datetime(2199, 12, 31, 22, 0, tzinfo=UTC),
    )
    feed = CalendarFeed.objects.create(organisation=cast.org)
    body = Client().get(reverse("publishing:ical_feed", kwargs={"token": feed.token}))
    assert body.status_code == 200 and "DTSTART:21991231T220000Z" in body.content.decode()
