"""Bad input on the pages: never a 500, on SQLite and PostgreSQL.

Every page of an organisation (the demo, so that pages have rows to show) receives query
strings and forms full of what breaks databases: NUL characters (PostgreSQL refuses them in
text: the composer, its autosave and the inbox labels were 500s there), integers beyond 64
bits (SQLite cannot convert them), dates at the ends of the calendar (year 1 or 9999 weeks were
500s), ``javascript:`` links and negative numbers. ``core.input_guard`` removes NUL characters
and turns values out of range into a 400 page that says so.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import Organisation
from parvis.inbox.models import Conversation, Reply, SavedReply
from parvis.networks.models import SocialAccount
from parvis.publishing.models import MediaAsset, Post, QueueSlot
from parvis.strategy.models import RoutineTask
from parvis.web.demo import demo_create
from tests.conftest import Cast
from tests.publishing.conftest import make_account
from tests.test_tenancy import org_routes

BIG = str(2**70)
QUERIES: list[dict[str, str]] = [
    {"q": "caf\x00e", "status": "\x00"},
    {"page": BIG, "offset": BIG, "limit": BIG, "id": BIG},
    {"account": BIG, "label": BIG, "assignee": BIG, "conversation": BIG},
    {"page": "-1", "offset": "-1"},
    {"week": "9999-W52"},
    {"week": "0001-W01"},
    {"date": "0001-01-01", "day": "0001-01-01", "start": "0001-01-01"},
    {"date": "9999-12-31", "month": "9999-12", "year": "99999"},
    {"next": "javascript:alert(1)"},
]
FIELDS = [
    "body", "text", "name", "q", "link", "first_comment", "reason", "label", "labels", "email",
    "role", "status", "assignee", "account", "accounts", "media", "date", "time", "weekday",
    "version", "url", "server", "handle", "timezone", "language", "full_name", "note",
    "minutes_per_week", "goal_hours", "days", "category", "cooldown_days", "recurrence",
    "utm_source", "fold", "week", "local_time",
]  # fmt: skip
VALUES = ["x\x00y", BIG, "-1", "javascript:alert(1)", "0001-01-01", "9999-12-31"]


def _ids(organisation: Organisation) -> dict[str, Any]:
    def first(model: Any) -> int:
        row = model.objects.for_organisation(organisation).first()
        return row.pk if row is not None else 1

    return {
        "post_id": first(Post),
        "conversation_id": first(Conversation),
        "reply_id": first(Reply),
        "saved_reply_id": first(SavedReply),
        "task_id": first(RoutineTask),
        "media_id": first(MediaAsset),
        "slot_id": first(QueueSlot),
        "account_id": first(SocialAccount),
        "membership_id": organisation.memberships.first().pk,  # type: ignore[union-attr]
        "invitation_id": 1,
        "key_id": 1,
        "attempt_id": 1,
    }


def test_no_page_answers_500_to_values_no_database_stores(cast: Cast) -> None:
    organisation = demo_create(owner=cast.alice)
    ids = _ids(organisation)
    client = cast.client_for(cast.alice)
    failures: list[tuple[str, str, object]] = []
    for route in org_routes():
        kwargs = {name: ids[name] for name in route.arguments if name != "org"}
        url = reverse(route.name, kwargs={"org": organisation.slug, **kwargs})
        for query in QUERIES:
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append(("GET", url, query))
        for value in VALUES:
            response = client.post(url, dict.fromkeys(FIELDS, value))
            if response.status_code >= 500:
                failures.append(("POST", url, value))
    assert not failures


def test_a_nul_character_typed_in_the_composer_is_dropped(cast: Cast) -> None:
    """The composer reads its fields without a Django form: on PostgreSQL a NUL was a 500."""
    account = make_account(cast.org, kind="mastodon", handle="menuiserie")
    url = reverse("posts:new", kwargs={"org": cast.org.slug})
    body = {"body": "Bon\x00jour", "accounts": [account.pk], "first_comment": "a\x00"}
    response = cast.client_for(cast.alice).post(url, body)
    assert response.status_code in {200, 302}
    post = Post.objects.get()
    assert post.body == "Bonjour" and post.first_comment == "a"


def test_a_label_with_a_nul_character_is_stored_without_it(cast: Cast) -> None:
    account = make_account(cast.org, kind="mastodon", handle="menuiserie")
    from django.utils import timezone

    conversation = Conversation.objects.create(
        organisation=cast.org, account=account, thread_key="t", last_message_at=timezone.now()
    )
    url = reverse("inbox:labels", kwargs={"org": cast.org.slug, "conversation_id": conversation.pk})
    response = cast.client_for(cast.alice).post(url, {"labels": "V\x00IP"})
    assert response.status_code < 500
    assert [label.name for label in conversation.labels.all()] == ["VIP"]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        # The calendar brings such dates back into its range instead (a 200 page):
        # tests/publishing/ui/test_calendar_bounds.py.
        ("strategy:week", {"week": "9999-W52"}),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_a_400_page_that_says_so(
    cast: Cast, name: str, query: dict[str, str]
) -> None:
    organisation = demo_create(owner=cast.alice)  # a plan, so that the week page has a week
    url = reverse(name, kwargs={"org": organisation.slug})
    response = cast.client_for(cast.alice).get(url, query)
    assert response.status_code == 400
    assert "Valeur hors limites" in response.content.decode()


def test_a_form_larger_than_the_servers_limit_is_a_400_not_a_500(cast: Cast, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    url = reverse("posts:new", kwargs={"org": cast.org.slug})
    response = cast.client_for(cast.alice).post(url, {"body": "x" * 20_000})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_the_log_in_form_refuses_a_nul_character_without_a_500(cast: Cast) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "alice@example.org\x00", "password": "x\x00"}
    )
    assert response.status_code < 500
