"""The Monday digest: what it picks and in which order, the page, the e-mail once, the veille."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.core.public_url import public_reverse
from parvis.strategy import selectors as strategy_selectors
from parvis.strategy.models import RoutineTask
from parvis.watch.digest import digest_for_week, digest_opened_weeks, pick, this_monday, week_bounds
from parvis.watch.digest_mail import digest_mail_due, digest_mail_send
from parvis.watch.digest_tasks import digest_organisation_task
from parvis.watch.models import (
    Competitor,
    Digest,
    Item,
    ItemSource,
    WatchedProfile,
    WatchQuery,
    WatchSettings,
)
from tests.conftest import Cast, english_client
from tests.strategy.conftest import make_plan


def _monday(org: Organisation) -> Any:
    return this_monday(org, timezone.now())


def _item(
    org: Organisation,
    key: str,
    hours: float,
    text: str,
    source: WatchedProfile | WatchQuery,
    **fields: Any,
) -> Item:
    """An item ``hours`` after the start of the week the current digest covers."""
    start, _end = week_bounds(org, _monday(org))
    item = Item.objects.create(
        organisation=org,
        network=fields.pop("network", "bluesky"),
        remote_id=key,
        dedupe_key=f"bluesky:{key}",
        text=text,
        published_at=start + timedelta(hours=hours),
        language="fr",
        sentiment=fields.pop("sentiment", "neutral"),
        **fields,
    )
    link = ItemSource(organisation=org, item=item)
    if isinstance(source, WatchedProfile):
        link.profile = source
    else:
        link.query = source
    link.save()
    return item


@pytest.fixture
def week(cast: Cast) -> dict[str, Any]:
    org = cast.org
    own = WatchQuery.objects.create(
        organisation=org, kind=WatchQuery.Kind.OWN_NAME, exact_phrase="Menuiserie A"
    )
    sector = WatchQuery.objects.create(organisation=org, any_words="escalier")
    chene = Competitor.objects.create(organisation=org, name="Atelier Chêne")
    profile = WatchedProfile.objects.create(
        organisation=org, network="bluesky", handle="chene", remote_id="c", competitor=chene
    )
    bad = [
        _item(
            org,
            f"neg{n}",
            10 + n,
            f"Menuiserie A : toujours pas livré {n}",
            own,
            sentiment="negative",
            counters={"like_count": n},
        )
        for n in range(2)
    ]
    good = _item(
        org,
        "pos",
        30,
        "Bravo Menuiserie A pour l'escalier",
        own,
        sentiment="positive",
        counters={"like_count": 40, "repost_count": 2},
    )
    lead = _item(
        org,
        "lead",
        40,
        "Qui connaît un menuisier pour un escalier sur mesure ?",
        sector,
        intents={"purchase_intent": 0.8},
    )
    question = _item(
        org, "q", 50, "Des conseils pour vernir un escalier ?", sector, intents={"question": 0.7}
    )
    # A competitor asking a question is no opportunity; its best post is a competitor's move.
    theirs = [
        _item(
            org,
            f"c{n}",
            60 + n,
            f"Atelier Chêne : escalier hélicoïdal {n} ?",
            profile,
            intents={"question": 0.9},
            counters={"like_count": 5 * n},
        )
        for n in range(3)
    ]
    for n, text in enumerate(["Prix du chêne en hausse", "Le prix du chêne flambe encore"]):
        _item(org, f"s{n}", 70 + n, text, sector)
    return {
        "bad": bad,
        "good": good,
        "lead": lead,
        "question": question,
        "theirs": theirs,
        "chene": chene,
    }


def test_the_five_things_in_their_order(cast: Cast, week: dict[str, Any]) -> None:
    digest = digest_for_week(cast.org, _monday(cast.org))
    things = digest.content["things"]
    assert [t["kind"] for t in things] == [
        "negative",
        "opportunities",
        "topics",
        "mention",
        "competitor_best",
    ]
    negative, opportunities, topics, mention, best = things
    assert negative["count"] == 2
    assert negative["items"] == [week["bad"][1].pk, week["bad"][0].pk]  # most engaging first
    assert opportunities["count"] == 2
    assert opportunities["items"] == [week["lead"].pk, week["question"].pk]  # buying first
    assert "prix du chêne" in [t["phrase"] for t in topics["topics"]]
    assert mention == {"kind": "mention", "rank": 50, "item": week["good"].pk, "engagement": 42}
    assert best["competitor"] == week["chene"].pk
    assert best["item"] == week["theirs"][2].pk and best["engagement"] == 10
    # Plain JSON: ids and numbers, no sentence.
    assert digest.content["setup"]["competitors"] == 1


def test_computed_once_per_week(cast: Cast, week: dict[str, Any]) -> None:
    monday = _monday(cast.org)
    first = digest_for_week(cast.org, monday)
    _item(
        cast.org,
        "late",
        20,
        "Menuiserie A déçoit",
        WatchQuery.objects.first(),  # type: ignore[arg-type]
        sentiment="negative",
    )
    again = digest_for_week(cast.org, monday)
    assert again.pk == first.pk and again.content == first.content
    assert Digest.objects.filter(organisation=cast.org).count() == 1


def test_pick_keeps_five_and_two_of_a_kind() -> None:
    things = [{"kind": "competitor_best", "rank": 80 - n} for n in range(4)]
    things += [{"kind": "topics", "rank": 60}, {"kind": "voice", "rank": 10}]
    chosen = pick(things)
    assert [t["kind"] for t in chosen] == [
        "competitor_best",
        "competitor_best",
        "topics",
        "voice",
    ]


def test_nothing_happened_says_so_and_what_to_set_up(cast: Cast) -> None:
    page = cast.client_for(cast.alice).get(reverse("watch:digest", args=[cast.org.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Rien n’a été collecté cette semaine" in body
    assert "Ajoutez vos concurrents" in body
    assert Digest.objects.get(organisation=cast.org).content["things"] == []


def test_the_page_in_french_and_in_english(cast: Cast, week: dict[str, Any]) -> None:
    url = reverse("watch:digest", args=[cast.org.slug])
    body = cast.client_for(cast.alice).get(url).content.decode()
    assert "Les 5 choses à savoir cette semaine" in body
    assert "2 mentions négatives de vous cette semaine" in body
    assert "Meilleure publication de la semaine pour Atelier Chêne" in body
    assert "toujours pas livré" in body
    english = english_client(cast.bob).get(url).content.decode()
    assert "The 5 things to know this week" in english
    assert "2 negative mentions of you this week" in english


def test_weeks_are_validated(cast: Cast) -> None:
    client = cast.client_for(cast.alice)
    url = reverse("watch:digest", args=[cast.org.slug])
    assert client.get(url, {"week": "lundi"}).status_code == 400
    assert client.get(url, {"week": "2026-13-45"}).status_code == 400
    future = _monday(cast.org) + timedelta(days=7)
    assert client.get(url, {"week": future.isoformat()}).status_code == 404
    assert client.get(url, {"week": "2001-01-01"}).status_code == 404
    # Any day of a past week means its Monday.
    wednesday = _monday(cast.org) - timedelta(days=5)
    assert client.get(url, {"week": wednesday.isoformat()}).status_code == 200
    stored = Digest.objects.get(organisation=cast.org)
    assert stored.week_start == _monday(cast.org) - timedelta(days=7)
    # Another organisation's member sees nothing of it.
    assert cast.client_for(cast.charlie).get(url).status_code == 404


def test_opening_counts_for_the_weeks_veille(cast: Cast, week: dict[str, Any]) -> None:
    monday = _monday(cast.org)
    assert digest_opened_weeks(cast.org, monday, monday) == set()
    cast.client_for(cast.bob).get(reverse("watch:digest", args=[cast.org.slug]))
    assert digest_opened_weeks(cast.org, monday, monday) == {monday}


def test_mark_the_veille_as_done_from_the_digest(cast: Cast) -> None:
    make_plan(cast, objectives=["watch", "visibility"], minutes_per_week=180)
    cast.client_for(cast.alice).get(reverse("strategy:week", args=[cast.org.slug]))
    task = RoutineTask.objects.get(organisation=cast.org, kind=RoutineTask.Kind.WATCH)
    monday = task.routine.monday
    client = cast.client_for(cast.bob)
    response = client.post(
        reverse("watch:digest_done", args=[cast.org.slug]), {"week": monday.isoformat()}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_done and task.done_by == cast.bob
    page = client.get(response["Location"]).content.decode()
    assert "marquée comme faite" in page
    # A viewer cannot; a week without a veille task is a 404.
    bad = client.post(reverse("watch:digest_done", args=[cast.org.slug]), {"week": "x"})
    assert bad.status_code == 404


def test_alignment_counts_the_veille_when_the_plan_watches(cast: Cast) -> None:
    make_plan(cast, objectives=["watch", "visibility"], minutes_per_week=180)
    cast.client_for(cast.alice).get(reverse("strategy:week", args=[cast.org.slug]))
    task = RoutineTask.objects.get(organisation=cast.org, kind=RoutineTask.Kind.WATCH)
    monday = task.routine.monday
    after_the_week = datetime.combine(monday + timedelta(days=8), time(9), cast.org.tzinfo)
    activity = strategy_selectors.observed_activity(cast.org, weeks=2, now=after_the_week)
    assert (activity.veille_weeks, activity.veille_done) == (1, 0)
    # The digest of that Monday opened: done (the watch registers its reader at start-up).
    digest = digest_for_week(cast.org, monday)
    Digest.objects.filter(pk=digest.pk).update(opened_at=after_the_week)
    activity = strategy_selectors.observed_activity(cast.org, weeks=2, now=after_the_week)
    assert (activity.veille_weeks, activity.veille_done) == (1, 1)


# --- the Monday e-mail --------------------------------------------------------------------------


def _monday_at(org: Organisation, hour: int) -> datetime:
    return datetime.combine(_monday(org), time(hour, 30), org.tzinfo)


def test_due_on_monday_morning_only_where_something_is_watched(
    cast: Cast, week: dict[str, Any]
) -> None:
    monday = _monday(cast.org)
    assert digest_mail_due(_monday_at(cast.org, 8)) == [(cast.org.pk, monday)]
    assert digest_mail_due(_monday_at(cast.org, 6)) == []
    assert digest_mail_due(_monday_at(cast.org, 12)) == []
    assert digest_mail_due(_monday_at(cast.org, 8) + timedelta(days=1)) == []
    WatchSettings.objects.create(organisation=cast.org, digest_email=False)
    assert digest_mail_due(_monday_at(cast.org, 8)) == []


def test_sent_once_to_owners_and_managers_in_their_language(
    cast: Cast, week: dict[str, Any]
) -> None:
    cast.alice.language = "en"
    cast.alice.save(update_fields=["language"])
    now = _monday_at(cast.org, 8)
    assert digest_mail_send(organisation=cast.org, monday=_monday(cast.org), now=now) == 1
    assert digest_mail_send(organisation=cast.org, monday=_monday(cast.org), now=now) == 0
    assert len(mail.outbox) == 1  # Alice owns; Bob only contributes
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "The 5 things to know this week on Menuiserie A"
    assert "2 negative mentions of you this week" in message.body
    # An absolute link to that week's digest, from the configured address.
    url = public_reverse("watch:digest", org=cast.org.slug) + f"?week={_monday(cast.org)}"
    assert url.startswith("http") and url in message.body
    assert digest_mail_due(now) == []
    assert Digest.objects.get(organisation=cast.org).emailed_at == now


def test_the_task_sends_it_and_running_twice_sends_once(cast: Cast, week: dict[str, Any]) -> None:
    with mock.patch("parvis.watch.digest_mail.timezone.now", return_value=_monday_at(cast.org, 9)):
        digest_organisation_task(cast.org.pk, _monday(cast.org).isoformat())
        digest_organisation_task(cast.org.pk, _monday(cast.org).isoformat())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Les 5 choses à savoir cette semaine sur Menuiserie A"


def test_an_smtp_error_releases_the_claim_for_the_next_hour(
    cast: Cast, week: dict[str, Any]
) -> None:
    now = _monday_at(cast.org, 8)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=OSError("refused"),
        ),
        pytest.raises(OSError),
    ):
        digest_mail_send(organisation=cast.org, monday=_monday(cast.org), now=now)
    assert Digest.objects.get(organisation=cast.org).emailed_at is None
    later = now + timedelta(hours=1)
    assert digest_mail_send(organisation=cast.org, monday=_monday(cast.org), now=later) == 1


def test_no_email_on_a_later_day(cast: Cast, week: dict[str, Any]) -> None:
    tuesday = _monday_at(cast.org, 8) + timedelta(days=1)
    assert digest_mail_send(organisation=cast.org, monday=_monday(cast.org), now=tuesday) == 0
    assert mail.outbox == []


def test_an_article_asking_in_its_headline_is_nobody_asking(
    cast: Cast, week: dict[str, Any]
) -> None:
    """A trade paper's « Quel bois choisir pour un escalier ? » is flagged as a question by
    insight, but it is not a person to answer: only marked articles count as opportunities."""
    sector = WatchQuery.objects.get(organisation=cast.org, any_words="escalier")
    article = _item(
        cast.org,
        "art",
        45,
        "Quel bois choisir pour un escalier ?",
        sector,
        network="web",
        intents={"question": 0.9},
    )
    things = {t["kind"]: t for t in digest_for_week(cast.org, _monday(cast.org)).content["things"]}
    assert article.pk not in things["opportunities"]["items"]
    assert things["opportunities"]["count"] == 2


def test_a_demo_organisation_given_a_real_source_gets_its_digest(
    cast: Cast, week: dict[str, Any]
) -> None:
    Organisation.objects.filter(pk=cast.org.pk).update(is_demo=True)
    assert digest_mail_due(_monday_at(cast.org, 8)) == [(cast.org.pk, _monday(cast.org))]
    WatchQuery.objects.filter(organisation=cast.org).update(is_demo=True)
    WatchedProfile.objects.filter(organisation=cast.org).update(is_demo=True)
    assert digest_mail_due(_monday_at(cast.org, 8)) == []  # demo sources only: no e-mail
