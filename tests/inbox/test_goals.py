"""Response-time figures and the daily digest of what waits for each member."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from parvis.inbox.digest import digest_deliver, digest_due, digest_send
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, DigestDelivery
from parvis.inbox.selectors import response_report
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account


def _answered(account: SocialAccount, handle: str, delay_hours: float, responder: Any) -> None:
    inbox_ingest(account, [item("Une question ?", author=handle, hours_ago=100)])
    conversation = Conversation.objects.get(participant_handle=handle)
    conversation.first_response_at = conversation.first_inbound_at + timedelta(hours=delay_hours)
    conversation.first_responder = responder
    conversation.awaiting_since = None
    conversation.save()


def test_response_report(cast: Cast, account: SocialAccount) -> None:
    other = make_account(cast.org, "instagram")
    for n, delay in enumerate([1, 2, 3, 4, 30]):
        _answered(account, f"a{n}", delay, cast.alice)
    _answered(other, "b0", 10, cast.bob)
    inbox_ingest(other, [item("Toujours là ?", author="waiting", hours_ago=50)])
    report = response_report(organisation=cast.org)
    assert report.overall.conversations == 7 and report.overall.answered == 6
    assert report.overall.median_hours == pytest.approx(3.5)
    facebook = next(s for s in report.by_network if s.key == "facebook")
    assert facebook.median_hours == pytest.approx(3.0)
    assert facebook.p90_hours == pytest.approx(19.6)  # inclusive method, between 4 and 30
    assert facebook.within_goal == 4 and facebook.response_rate == 1.0
    instagram = next(s for s in report.by_network if s.key == "instagram")
    assert instagram.response_rate == 0.5
    assert {s.key for s in report.by_member} == {"Alice", "Bob"}


def test_digest_lists_over_goal_complaints_and_leads_first(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(
        account,
        [
            item("Merci pour tout !", author="fan", hours_ago=30),
            item("Vous êtes ouverts samedi ?", author="curious", hours_ago=2),
            item(
                "Livraison en retard de trois semaines, inadmissible !",
                author="angry",
                hours_ago=26,
            ),
        ],
    )
    Conversation.objects.filter(participant_handle="curious").update(assignee=cast.charlie)
    morning_in_paris = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 08:30 in Paris
    due = digest_due(morning_in_paris)
    assert sorted(due) == sorted(
        [(cast.alice_membership.pk, date(2026, 3, 2)), (cast.bob_membership.pk, date(2026, 3, 2))]
    )
    assert digest_send(membership=cast.bob_membership, now=datetime.now(UTC)) is True
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["bob@example.org"]
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) == 2  # « curious » is assigned to someone else
    assert "retard" in lines[0]


def test_digest_goes_out_in_each_organisations_morning_once_a_day(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(account, [item("Vous livrez à Brest ?", author="curious", hours_ago=2)])
    cast.org.timezone = "America/Martinique"  # UTC-4
    cast.org.save()
    paris_morning = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # 03:30 in Martinique: too early
    assert digest_due(paris_morning) == []
    martinique_morning = datetime(2026, 3, 2, 11, 15, tzinfo=UTC)  # 07:15 there
    due = dict(digest_due(martinique_morning))
    assert due[cast.bob_membership.pk] == date(2026, 3, 2)

    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is True
    # A second tick, a second worker or a second scheduler: nothing goes out twice.
    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is False
    assert len(mail.outbox) == 1
    assert cast.bob_membership.pk not in dict(digest_due(martinique_morning))
    # The next morning, a new digest.
    next_morning = martinique_morning + timedelta(days=1)
    assert dict(digest_due(next_morning))[cast.bob_membership.pk] == date(2026, 3, 3)


def test_no_digest_and_no_delivery_when_nothing_waits_any_more(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(account, [item("Vous livrez à Brest ?", author="curious", hours_ago=2)])
    Conversation.objects.update(status=Conversation.Status.DONE)
    assert digest_deliver(membership=cast.bob_membership, day=date(2026, 3, 2)) is False
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()
