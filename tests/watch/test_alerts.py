"""Watch alerts: the four detectors and their thresholds, once-only fingerprints, the bell, the
e-mails (daily cap, quiet hours across midnight and time zones, exactly once, the reader's
language) and the « Alertes » page (another organisation's alerts, roles, settings)."""

from __future__ import annotations

import itertools
import smtplib
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from parvis.accounts.models import Organisation
from parvis.core.models import AuditEvent
from parvis.core.public_url import public_reverse
from parvis.publishing.models import Notification
from parvis.watch import alert_mail, alerts
from parvis.watch.alert_mail import alerts_mail_due, alerts_mail_organisation, in_quiet_hours
from parvis.watch.alerts import alerts_detect
from parvis.watch.models import (
    Alert,
    Competitor,
    Item,
    ItemSource,
    WatchedProfile,
    WatchQuery,
    WatchSettings,
)
from parvis.watch.selectors import watch_settings_for
from parvis.web.demo import demo_create
from tests.conftest import Cast

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 in Paris, outside the quiet hours
_serial = itertools.count()


def _query(org: Organisation, **fields: Any) -> WatchQuery:
    fields.setdefault("all_words", "escalier")
    fields.setdefault("created_at", NOW - timedelta(days=60))
    return WatchQuery.objects.create(organisation=org, **fields)


def _item(
    org: Organisation,
    source: WatchQuery | WatchedProfile,
    hours_ago: float,
    *,
    sentiment: str = "neutral",
    counters: dict[str, int] | None = None,
    collected_hours_ago: float | None = None,
    network: str = "bluesky",
    **fields: Any,
) -> Item:
    n = next(_serial)
    published = NOW - timedelta(hours=hours_ago)
    item = Item.objects.create(
        organisation=org,
        network=network,
        remote_id=f"r{n}",
        dedupe_key=f"{network}:r{n}",
        url=f"https://bsky.example/post/{n}",
        text=f"post {n}",
        published_at=published,
        collected_at=(
            published if collected_hours_ago is None else NOW - timedelta(hours=collected_hours_ago)
        ),
        sentiment=sentiment,
        counters=counters or {},
        **fields,
    )
    link = {"query": source} if isinstance(source, WatchQuery) else {"profile": source}
    ItemSource.objects.create(organisation=org, item=item, **link)
    return item


def _baseline(org: Organisation, query: WatchQuery, per_day: int, **fields: Any) -> None:
    """``per_day`` items on each of the 14 days before the last 24 hours."""
    for day in range(14):
        for k in range(per_day):
            _item(org, query, 24 + 24 * day + 1 + k, **fields)


def _kinds(found: list[Alert]) -> list[str]:
    return sorted(a.kind for a in found)


# Spike ----------------------------------------------------------------------------------------


def test_spike_needs_five_items_over_a_quiet_baseline(cast: Cast) -> None:
    query = _query(cast.org)
    _baseline(cast.org, query, 1)  # one a day: 3 × 1 < 5, the floor decides
    for hours in (1, 2, 3, 4):
        _item(cast.org, query, hours)
    assert alerts_detect(cast.org, now=NOW) == []
    _item(cast.org, query, 5)
    (alert,) = alerts_detect(cast.org, now=NOW)
    assert alert.kind == Alert.Kind.SPIKE and alert.query == query
    assert alert.params == {"query": "escalier", "count": 5, "average": 1.0}


def test_spike_is_three_times_the_trailing_average(cast: Cast) -> None:
    query = _query(cast.org)
    _baseline(cast.org, query, 3)
    for hours in range(8):
        _item(cast.org, query, hours + 0.5)
    assert alerts_detect(cast.org, now=NOW) == []  # 8 < 9
    _item(cast.org, query, 10)
    assert _kinds(alerts_detect(cast.org, now=NOW)) == ["spike"]


def test_spike_is_one_alert_per_query_and_local_day(cast: Cast) -> None:
    cast.org.timezone = "Europe/Paris"
    cast.org.save()
    query = _query(cast.org)
    for hours in range(6):
        _item(cast.org, query, hours + 0.5)
    late = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    (first,) = alerts_detect(cast.org, now=late)
    assert first.fingerprint == f"spike:{query.pk}:2026-03-10"
    assert alerts_detect(cast.org, now=late + timedelta(minutes=15)) == []
    # 00:00 in Paris is a new local day, while it is still 23:00 on the 10th in UTC.
    assert alerts_detect(cast.org, now=datetime(2026, 3, 10, 23, 0, tzinfo=UTC)) != []
    assert Alert.objects.filter(kind=Alert.Kind.SPIKE).count() == 2


def test_what_the_first_read_brought_back_is_not_a_spike(cast: Cast) -> None:
    query = _query(cast.org, created_at=NOW - timedelta(hours=1))
    for hours in range(10):
        _item(cast.org, query, hours + 2)  # published before the search existed
    assert alerts_detect(cast.org, now=NOW) == []


def test_demo_items_never_raise_alerts(cast: Cast) -> None:
    query = _query(cast.org)
    for hours in range(10):
        _item(cast.org, query, hours + 0.5, is_demo=True)
    assert alerts_detect(cast.org, now=NOW) == []


# Negative burst -------------------------------------------------------------------------------


def test_negative_burst_counts_own_name_searches_only(cast: Cast) -> None:
    own = _query(cast.org, kind=WatchQuery.Kind.OWN_NAME, all_words="Menuiserie A")
    sector = _query(cast.org)
    for hours in (1, 2):
        _item(cast.org, own, hours, sentiment="negative")
    for hours in (3, 4, 5):
        _item(cast.org, sector, hours, sentiment="negative")
    assert alerts_detect(cast.org, now=NOW) == []
    _item(cast.org, own, 6, sentiment="negative")
    (alert,) = alerts_detect(cast.org, now=NOW)
    assert alert.kind == Alert.Kind.NEGATIVE and alert.query == own
    assert alert.params == {"count": 3, "average": 0.0}


def test_negative_burst_must_be_clearly_above_the_usual(cast: Cast) -> None:
    own = _query(cast.org, kind=WatchQuery.Kind.OWN_NAME, all_words="Menuiserie A")
    _baseline(cast.org, own, 2, sentiment="negative")  # 2 a day: 4 needed
    for hours in (1, 2, 3):
        _item(cast.org, own, hours, sentiment="negative")
    assert alerts_detect(cast.org, now=NOW) == []
    _item(cast.org, own, 4, sentiment="negative")
    assert _kinds(alerts_detect(cast.org, now=NOW)) == ["negative"]
    assert alerts_detect(cast.org, now=NOW + timedelta(hours=1)) == []  # once a day


# Competitor outlier ---------------------------------------------------------------------------


def _profile(org: Organisation, competitor: bool = True) -> WatchedProfile:
    rival = (
        Competitor.objects.create(organisation=org, name="Atelier Chêne") if competitor else None
    )
    return WatchedProfile.objects.create(
        organisation=org,
        network="bluesky",
        handle="rival.example",
        remote_id=f"did:{next(_serial)}",
        competitor=rival,
    )


def _posts(org: Organisation, profile: WatchedProfile, likes: list[int], start: int = 24) -> None:
    for index, count in enumerate(likes):
        _item(org, profile, start + 24 * index, counters={"like_count": count, "views": 999})


def test_competitor_post_far_above_its_median(cast: Cast) -> None:
    profile = _profile(cast.org)
    _posts(cast.org, profile, [8, 10, 12, 10, 40])  # median 10, one past hit does not count
    post = _item(cast.org, profile, 1, counters={"like_count": 25, "reply_count": 4})
    assert alerts_detect(cast.org, now=NOW) == []  # 29 < 30
    Item.objects.filter(pk=post.pk).update(counters={"like_count": 26, "reply_count": 4})
    (alert,) = alerts_detect(cast.org, now=NOW)
    assert alert.kind == Alert.Kind.OUTLIER and alert.item == post and alert.profile == profile
    assert alert.params["engagement"] == 30 and alert.params["median"] == 10
    assert alert.params["competitor"] == "Atelier Chêne"
    assert alerts_detect(cast.org, now=NOW) == []  # one alert per item


def test_outlier_needs_five_posts_of_history_and_a_competitor(cast: Cast) -> None:
    profile = _profile(cast.org)
    _posts(cast.org, profile, [1, 1, 1, 1])
    _item(cast.org, profile, 1, counters={"like_count": 100})
    own = _profile(cast.org, competitor=False)
    _posts(cast.org, own, [1, 1, 1, 1, 1, 1])
    _item(cast.org, own, 1, counters={"like_count": 100})
    assert alerts_detect(cast.org, now=NOW) == []


def test_outlier_needs_ten_interactions_and_a_recent_post(cast: Cast) -> None:
    profile = _profile(cast.org)
    _posts(cast.org, profile, [0, 0, 1, 0, 0, 1], start=24 * 5)
    _item(cast.org, profile, 24 * 4, counters={"like_count": 90})  # four days old: not recent
    _item(cast.org, profile, 2, counters={"like_count": 9})  # 9 × the usual, but only 9
    assert alerts_detect(cast.org, now=NOW) == []


# Hits on a watched expression -----------------------------------------------------------------


def test_each_new_hit_is_one_alert(cast: Cast) -> None:
    query = _query(cast.org, exact_phrase="porte en chêne", created_at=NOW - timedelta(days=2))
    _item(cast.org, query, 30, collected_hours_ago=30)  # collected more than a day ago
    _item(cast.org, query, 24 * 3, collected_hours_ago=1)  # said before the search existed
    first = _item(cast.org, query, 1, collected_hours_ago=0.5, author_name="Julie")
    (alert,) = alerts_detect(cast.org, now=NOW)
    assert alert.kind == Alert.Kind.HIT and alert.item == first and alert.query == query
    assert alert.params["phrase"] == "porte en chêne" and alert.params["author"] == "Julie"
    assert alerts_detect(cast.org, now=NOW) == []
    second = _item(cast.org, query, 0.1, collected_hours_ago=0)
    assert [a.item for a in alerts_detect(cast.org, now=NOW + timedelta(minutes=1))] == [second]


def test_a_flood_of_hits_is_capped_and_summarised(cast: Cast) -> None:
    query = _query(cast.org, exact_phrase="Menuiserie A", created_at=NOW - timedelta(days=2))
    items = [_item(cast.org, query, 1 + k / 10, collected_hours_ago=0.2) for k in range(8)]
    found = [a for a in alerts_detect(cast.org, now=NOW) if a.kind == Alert.Kind.HIT]
    singles = [a for a in found if "more" not in a.params]
    (summary,) = [a for a in found if "more" in a.params]
    assert len(singles) == alerts.HIT_MAX_PER_RUN == 5
    assert summary.params == {"phrase": "Menuiserie A", "more": 3}
    assert {a.item_id for a in found} <= {i.pk for i in items}
    # The summarised items are covered: the next cycle does not alert them one by one.
    assert alerts_detect(cast.org, now=NOW + timedelta(minutes=15)) == []


# Running the detectors ------------------------------------------------------------------------


def test_the_bell_rings_for_managers_in_their_language(cast: Cast) -> None:
    cast.alice.language = "en"
    cast.alice.save()
    query = _query(cast.org, exact_phrase="chêne massif", created_at=NOW - timedelta(days=1))
    _item(cast.org, query, 1, collected_hours_ago=0.5, author_name="Paul")
    alerts_detect(cast.org, now=NOW)
    (note,) = Notification.objects.filter(organisation=cast.org)
    assert note.user == cast.alice and note.kind == "watch_alert"  # Bob contributes: no bell
    assert note.message == "New post with “chêne massif” by Paul on Bluesky."


def test_a_failing_detector_does_not_stop_the_others(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(organisation: Organisation, now: datetime) -> list[alerts.Found]:
        raise RuntimeError("boom")

    monkeypatch.setattr(alerts, "DETECTORS", (broken, *alerts.DETECTORS))
    query = _query(cast.org)
    for hours in range(6):
        _item(cast.org, query, hours + 0.5)
    assert _kinds(alerts_detect(cast.org, now=NOW)) == ["spike"]


def test_detectors_read_only_their_organisation(cast: Cast) -> None:
    theirs = _query(cast.other_org)
    for hours in range(6):
        _item(cast.other_org, theirs, hours + 0.5)
    assert alerts_detect(cast.org, now=NOW) == []
    assert _kinds(alerts_detect(cast.other_org, now=NOW)) == ["spike"]


# Messages -------------------------------------------------------------------------------------


def _alert(org: Organisation, kind: str = Alert.Kind.SPIKE, **fields: Any) -> Alert:
    fields.setdefault("params", {"query": "escalier", "count": 7, "average": 1.5})
    fields.setdefault("created_at", NOW - timedelta(minutes=5))
    return Alert.objects.create(
        organisation=org, kind=kind, fingerprint=f"test:{next(_serial)}", **fields
    )


def test_messages_are_written_in_the_readers_language(cast: Cast) -> None:
    spike = _alert(cast.org)
    outlier = _alert(
        cast.org,
        Alert.Kind.OUTLIER,
        params={"competitor": "Atelier", "network": "mastodon", "engagement": 43, "median": 13},
    )
    summary = _alert(cast.org, Alert.Kind.HIT, params={"phrase": "chêne", "more": 3})
    with translation.override("fr"):
        assert alert_mail.alert_message(spike) == (
            "Pic de mentions pour escalier\u00a0: 7 en 24 heures, contre 1,5 par jour d’habitude."
        )
        assert "Atelier sur Mastodon\u00a0:" in alert_mail.alert_message(outlier)
        assert "«\u00a0chêne\u00a0»" in alert_mail.alert_message(summary)
    with translation.override("en"):
        assert alert_mail.alert_message(spike) == (
            "Spike in mentions for escalier: 7 in 24 hours, against 1.5 a day usually."
        )
        assert alert_mail.alert_message(summary) == "3 more items with “chêne”: see the timeline."


# E-mails --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "now", "quiet"),
    [
        (time(20), time(8), time(21), True),
        (time(20), time(8), time(2), True),
        (time(20), time(8), time(8), False),  # the end is the first minute outside
        (time(20), time(8), time(12), False),
        (time(12), time(14), time(13), True),
        (time(12), time(14), time(20), False),
        (time(9), time(9), time(9), False),  # same start and end: no quiet hours
    ],
)
def test_quiet_hours(start: time, end: time, now: time, quiet: bool) -> None:
    assert in_quiet_hours(start, end, now) is quiet


def test_alert_email_reaches_owners_and_managers(cast: Cast) -> None:
    first = _alert(cast.org, item=_item(cast.org, _query(cast.org), 1))
    _alert(cast.other_org)
    assert alerts_mail_organisation(cast.org, now=NOW) == 1
    (message,) = mail.outbox
    assert message.to == [cast.alice.email]  # Bob is a contributor
    assert message.subject == "Veille\u00a0: 1 alerte pour Menuiserie A"
    assert "Pic de mentions pour escalier" in message.body
    assert first.item is not None and first.item.url in message.body
    assert public_reverse("watch:alerts", org=cast.org.slug) in message.body
    assert public_reverse("watch:timeline", org=cast.org.slug) in message.body
    first.refresh_from_db()
    assert first.emailed_at == NOW


def test_alert_email_is_in_the_members_language(cast: Cast) -> None:
    cast.alice.language = "en"
    cast.alice.save()
    _alert(cast.org)
    _alert(cast.org)
    alerts_mail_organisation(cast.org, now=NOW)
    (message,) = mail.outbox
    assert message.subject == "Watch: 2 alerts for Menuiserie A"
    assert "Spike in mentions for escalier" in message.body


def test_no_email_when_turned_off_and_never_for_demo_alerts(cast: Cast) -> None:
    _alert(cast.org, is_demo=True)
    assert alerts_mail_organisation(cast.org, now=NOW) == 0
    WatchSettings.objects.filter(organisation=cast.org).update(alert_email=False)
    _alert(cast.org)
    assert alerts_mail_organisation(cast.org, now=NOW) == 0
    assert mail.outbox == []


def test_quiet_hours_hold_alerts_then_send_them_in_one_email(cast: Cast) -> None:
    cast.org.timezone = "Europe/Paris"
    cast.org.save()
    evening = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)  # 21:30 in Paris
    for minutes in (0, 60, 300):
        _alert(cast.org, created_at=evening + timedelta(minutes=minutes))
    for hour in (21, 23, 3, 6):  # up to 07:59 in Paris, across midnight
        at = evening.replace(hour=hour, minute=59) + timedelta(days=1 if hour < 12 else 0)
        assert alerts_mail_due(now=at) == 0
    assert mail.outbox == []
    morning = datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert alerts_mail_due(now=morning) == 3
    (message,) = mail.outbox
    assert "3 alertes" in message.subject


def test_quiet_hours_follow_the_organisations_time_zone(cast: Cast) -> None:
    cast.org.timezone = "America/New_York"
    cast.org.save()
    _alert(cast.org)
    # 12:00 UTC is 13:00 in Paris but 08:00 in New York: the quiet hours 06:00–09:00 apply.
    settings = watch_settings_for(cast.org)
    settings.quiet_start, settings.quiet_end = time(6), time(9)
    settings.save()
    assert alerts_mail_organisation(cast.org, now=NOW) == 0
    assert alerts_mail_organisation(cast.org, now=NOW + timedelta(hours=1)) == 1


def test_daily_cap_counts_emails_per_local_day(cast: Cast) -> None:
    cast.org.timezone = "Europe/Paris"
    cast.org.save()
    settings = watch_settings_for(cast.org)
    settings.alert_daily_cap = 2
    settings.quiet_start = settings.quiet_end = time(0)  # no quiet hours
    settings.save()
    for hour in (9, 10, 11):
        at = NOW.replace(hour=hour)
        _alert(cast.org, created_at=at)
        alerts_mail_organisation(cast.org, now=at)
    assert len(mail.outbox) == 2  # the third waits for the next local day
    assert alerts_mail_organisation(cast.org, now=NOW.replace(hour=22, minute=59)) == 0
    # 23:00 UTC is midnight in Paris: a new day, and the alert is not 24 hours old yet.
    assert alerts_mail_organisation(cast.org, now=NOW.replace(hour=23)) == 1
    assert len(mail.outbox) == 3


def test_an_alert_is_emailed_within_a_day_or_never(cast: Cast) -> None:
    _alert(cast.org, created_at=NOW - timedelta(hours=25))
    assert alerts_mail_organisation(cast.org, now=NOW) == 0


def test_each_alert_is_emailed_exactly_once(cast: Cast) -> None:
    _alert(cast.org)
    assert alerts_mail_organisation(cast.org, now=NOW) == 1
    assert alerts_mail_organisation(cast.org, now=NOW + timedelta(minutes=5)) == 0
    assert alerts_mail_due(now=NOW + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1


def test_an_alert_another_worker_claimed_is_not_sent_again(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _alert(cast.org)
    theirs = _alert(cast.org, emailed_at=NOW - timedelta(seconds=1))
    # The other worker stamped ``theirs`` between this worker's read and its update.
    monkeypatch.setattr(
        alert_mail, "_pending", lambda org, now: Alert.objects.filter(pk__in=[mine.pk, theirs.pk])
    )
    assert alerts_mail_organisation(cast.org, now=NOW) == 1
    theirs.refresh_from_db()
    assert theirs.emailed_at == NOW - timedelta(seconds=1)


def test_a_failed_send_gives_the_claim_back(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    alert = _alert(cast.org)
    monkeypatch.setattr(alert_mail, "send_mail", refused)
    assert alerts_mail_organisation(cast.org, now=NOW) == 0
    alert.refresh_from_db()
    assert alert.emailed_at is None
    monkeypatch.undo()
    assert alerts_mail_organisation(cast.org, now=NOW + timedelta(minutes=5)) == 1


# The page -------------------------------------------------------------------------------------


def _url(cast: Cast, name: str) -> str:
    return reverse(f"watch:{name}", args=[cast.org.slug])


def test_the_page_lists_this_organisations_alerts_with_links(cast: Cast) -> None:
    query = _query(cast.org)
    item = _item(cast.org, query, 1)
    _alert(cast.org, query=query, item=item)
    _alert(cast.other_org, params={"query": "baguette", "count": 9, "average": 1})
    page = cast.client_for(cast.bob).get(_url(cast, "alerts"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pic de mentions pour escalier\u00a0: 7 en 24 heures" in html
    assert item.url in html
    assert f"source=query%3A{query.pk}&amp;period=7" in html
    assert "baguette" not in html


def test_alerts_are_marked_read_one_or_all(cast: Cast) -> None:
    one, two, three = _alert(cast.org), _alert(cast.org), _alert(cast.org)
    client = cast.client_for(cast.bob)
    assert client.post(_url(cast, "alert_read"), {"id": one.pk}).status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.read_at is not None and two.read_at is None
    client.post(_url(cast, "alert_read"), {"id": "all"})
    three.refresh_from_db()
    assert three.read_at is not None
    assert not Alert.objects.filter(organisation=cast.org, read_at__isnull=True).exists()


def test_another_organisations_alert_cannot_be_read_or_marked(cast: Cast) -> None:
    theirs = _alert(cast.other_org, params={"query": "baguette", "count": 9, "average": 1})
    client = cast.client_for(cast.alice)
    assert client.post(_url(cast, "alert_read"), {"id": theirs.pk}).status_code == 404
    assert client.post(_url(cast, "alert_read"), {"id": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    other_page = reverse("watch:alerts", args=[cast.other_org.slug])
    assert client.get(other_page).status_code == 404


def test_settings_are_saved_by_managers_and_recorded(cast: Cast) -> None:
    data = {
        "alert_email": "",
        "alert_daily_cap": "12",
        "quiet_start": "22:30",
        "quiet_end": "07:00",
    }
    assert cast.client_for(cast.bob).post(_url(cast, "alert_settings"), data).status_code == 403
    response = cast.client_for(cast.alice).post(_url(cast, "alert_settings"), data)
    assert response.status_code == 302
    settings = watch_settings_for(cast.org)
    assert not settings.alert_email and settings.alert_daily_cap == 12
    assert (settings.quiet_start, settings.quiet_end) == (time(22, 30), time(7))
    event = AuditEvent.objects.get(organisation=cast.org, action="watch.alerts.updated")
    assert event.data["quiet_start"] == "22:30" and event.data["alert_daily_cap"] == 12


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("alert_daily_cap", "0", "Choisissez entre 1 et 50 e-mails par jour."),
        ("alert_daily_cap", "51", "Choisissez entre 1 et 50 e-mails par jour."),
        ("quiet_start", "25:00", "Saisissez une heure comme 20:00."),
    ],
)
def test_settings_errors_are_in_french(cast: Cast, field: str, value: str, error: str) -> None:
    data = {
        "alert_email": "on",
        "alert_daily_cap": "5",
        "quiet_start": "20:00",
        "quiet_end": "08:00",
    }
    data[field] = value
    response = cast.client_for(cast.alice).post(_url(cast, "alert_settings"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert watch_settings_for(cast.org).alert_daily_cap == 5


def test_the_demo_has_demo_alerts(cast: Cast) -> None:
    demo = demo_create(owner=cast.alice)
    found = Alert.objects.for_organisation(demo)
    assert found.count() == 3 and all(a.is_demo for a in found)
    assert {a.kind for a in found} == {Alert.Kind.HIT, Alert.Kind.OUTLIER}
    html = cast.client_for(cast.alice).get(reverse("watch:alerts", args=[demo.slug])).content
    assert "Menuiserie Martin" in html.decode()
    assert alerts_mail_due(now=timezone.now()) == 0
