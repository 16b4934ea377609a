"""The inbox REST API: list with the page's filters, one conversation, replies (queued once),
triage, notes, response-time figures; roles, API keys, validation errors, and a list whose
query count does not grow with the conversations shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.accounts.models import Membership, User
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create
from parvis.celery import app as celery_app
from parvis.core.models import AuditEvent
from parvis.inbox import selectors
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Label, Reply
from parvis.inbox.reply_sending import reply_send
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account
from tests.inbox.test_reply_reconcile import Scripted, reply_tasks


def _base(cast: Cast, org: Any = None) -> str:
    return f"/api/v1/o/{(org or cast.org).slug}/inbox/"


def _conv(cast: Cast, conversation: Conversation, rest: str = "") -> str:
    return f"{_base(cast)}conversations/{conversation.pk}/{rest}"


class Api:
    """A client authenticated with an organisation API key."""

    def __init__(self, secret: str, header: str = "HTTP_AUTHORIZATION") -> None:
        self.client = Client()
        self.headers = {header: f"Bearer {secret}" if header == "HTTP_AUTHORIZATION" else secret}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, **self.headers)

    def post(self, url: str, body: Any = None, method: str = "post") -> Any:
        call = getattr(self.client, method)
        return call(url, body if body is not None else {}, "application/json", **self.headers)


def _key(cast: Cast, role: str, name: str = "key") -> Api:
    return Api(api_key_create(membership=cast.alice_membership, name=name, role=role).secret)


def _viewer(cast: Cast) -> User:
    user = User.objects.create_user("vera@example.org", "password", full_name="Vera")
    Membership.objects.create(user=user, organisation=cast.org, role=Role.VIEWER)
    return user


def _one(account: SocialAccount, text: str = "Bonjour, une question ?", **kw: Any) -> Conversation:
    inbox_ingest(account, [item(text, **kw)])
    return Conversation.objects.filter(account=account).order_by("-id").first()  # type: ignore[return-value]


def _handles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["participant_handle"] for c in response.json()["items"]]


# --- reading ----------------------------------------------------------------------------------


def test_list_filters_like_the_inbox_page(cast: Cast, account: SocialAccount) -> None:
    other = make_account(cast.org, "x")
    now = datetime.now(UTC)
    inbox_ingest(
        account,
        [
            item("Ma livraison est en retard", author="anne", thread="a"),
            item("Un devis pour un escalier ?", author="bruno", thread="b"),
            item("Merci pour les volets", author="chloe", thread="c"),
        ],
    )
    inbox_ingest(other, [item("Vous êtes ouverts samedi ?", author="david", thread="d")])
    by = {c.participant_handle: c for c in Conversation.objects.all()}
    Conversation.objects.filter(pk=by["anne"].pk).update(
        intent="complaint", sentiment="negative", awaiting_since=now - timedelta(days=3)
    )
    Conversation.objects.filter(pk=by["bruno"].pk).update(
        intent="purchase_intent", sentiment="neutral", assignee=cast.bob
    )
    Conversation.objects.filter(pk=by["chloe"].pk).update(
        status="done", intent="praise", sentiment="positive", assignee=cast.alice
    )
    Conversation.objects.filter(pk=by["david"].pk).update(
        intent="question", sentiment="neutral", awaiting_since=now - timedelta(minutes=5)
    )
    label = Label.objects.create(organisation=cast.org, name="vip")
    by["david"].labels.add(label)
    api = cast.client_for(cast.alice)
    url = _base(cast) + "conversations/"

    def handles(**params: Any) -> set[str]:
        return set(_handles(api.get(url, params)))

    assert handles() == {"anne", "bruno", "david"}  # open by default, as the page
    assert handles(status="all") == {"anne", "bruno", "chloe", "david"}
    assert handles(status="") == {"anne", "bruno", "chloe", "david"}
    assert handles(status="done") == {"chloe"}
    assert handles(network="x") == {"david"}
    assert handles(account=account.pk) == {"anne", "bruno"}
    assert handles(intent="purchase_intent") == {"bruno"}
    assert handles(sentiment="negative") == {"anne"}
    assert handles(assignee="me", status="all") == {"chloe"}
    assert handles(assignee=str(cast.bob.pk)) == {"bruno"}
    assert handles(assignee="none") == {"anne", "david"}
    assert handles(over_goal="true") == {"anne"}
    assert handles(q="livraison") == {"anne"}
    assert handles(label=label.pk) == {"david"}
    foreign = Label.objects.create(organisation=cast.other_org, name="vip")
    assert api.get(url, {"label": foreign.pk}).status_code == 400  # not ours: refused
    # Priority order puts the complaint waiting past the goal first, as the page does.
    assert _handles(api.get(url))[0] == "anne"
    newest = _handles(api.get(url, {"order": "newest", "status": "all"}))
    expected = selectors.inbox_page(
        organisation=cast.org,
        user=cast.alice,
        filters=selectors.InboxFilters(status="", order="newest"),
    )
    assert newest == [c.participant_handle for c in expected.conversations]
    row = next(c for c in api.get(url).json()["items"] if c["participant_handle"] == "anne")
    assert (
        row["over_goal"] is True and row["intent"] == "complaint" and row["network"] == account.kind
    )
    row = next(c for c in api.get(url).json()["items"] if c["participant_handle"] == "bruno")
    assert row["assignee"] == {"id": cast.bob.pk, "name": "Bob", "email": "bob@example.org"}


def test_list_pages(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(
        account, [item(f"Question {n} ?", author=f"p{n}", thread=f"t{n}") for n in range(5)]
    )
    api = _key(cast, Role.VIEWER)
    url = _base(cast) + "conversations/"
    first = api.get(url, order="newest", limit=2).json()
    assert len(first["items"]) == 2 and first["has_more"] and first["next_offset"] == 2
    seen = [c["id"] for c in first["items"]]
    offset = first["next_offset"]
    while offset is not None:
        page = api.get(url, order="newest", limit=2, offset=offset).json()
        seen += [c["id"] for c in page["items"]]
        offset = page["next_offset"]
    assert sorted(seen) == sorted(Conversation.objects.values_list("pk", flat=True))
    assert len(seen) == 5 and page["has_more"] is False


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"status": "gone"}, "invalid_filter"),
        ({"network": "myspace"}, "invalid_filter"),
        ({"intent": "love"}, "invalid_filter"),
        ({"order": "oldest"}, "invalid_filter"),
        ({"assignee": "somebody"}, "invalid_filter"),
    ],
)
def test_list_refuses_unknown_filters(cast: Cast, params: dict[str, Any], code: str) -> None:
    response = cast.client_for(cast.alice).get(_base(cast) + "conversations/", params)
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        # Beyond what SQLite converts and PostgreSQL's bigint holds: it was a 500.
        {"offset": 2**70},
        {"account": 2**63},
        {"label": -1},
        {"q": "caf\x00e"},
    ],
)
def test_list_refuses_out_of_range_pages_and_ids_with_422(
    cast: Cast, params: dict[str, Any]
) -> None:
    response = cast.client_for(cast.alice).get(_base(cast) + "conversations/", params)
    assert response.status_code == 422, response.content
    [issue] = response.json()["detail"]
    assert issue["loc"][-1] == next(iter(params)) and issue["msg"]


def test_list_refuses_accounts_and_people_of_another_organisation(cast: Cast) -> None:
    foreign = make_account(cast.other_org)
    api = cast.client_for(cast.alice)
    url = _base(cast) + "conversations/"
    assert api.get(url, {"account": foreign.pk}).json()["code"] == "invalid_filter"
    assert api.get(url, {"assignee": str(cast.charlie.pk)}).json()["code"] == "invalid_filter"
    # An API key is nobody: "assigned to me" is a mistake, said as such.
    response = _key(cast, Role.VIEWER).get(url, assignee="me")
    assert response.status_code == 400 and response.json()["code"] == "invalid_filter"
    assert "assignee" in response.json()["detail"]


def _fill(cast: Cast, account: SocialAccount, count: int) -> None:
    start = Conversation.objects.count()
    inbox_ingest(
        account,
        [
            item(f"Question {n} ?", author=f"q{start + n}", thread=f"q{start + n}")
            for n in range(count)
        ],
    )
    label = Label.objects.get_or_create(organisation=cast.org, name="suivi")[0]
    for n, conversation in enumerate(Conversation.objects.all()):
        conversation.labels.add(label)
        if n % 2:
            Conversation.objects.filter(pk=conversation.pk).update(assignee=cast.bob)


def _queries(api: Api, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, **params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_query_count_does_not_grow_with_the_conversations(
    cast: Cast, account: SocialAccount
) -> None:
    api = _key(cast, Role.VIEWER)
    url = _base(cast) + "conversations/"
    _fill(cast, account, 3)
    api.get(url)  # the inbox settings row is created on first read
    few = {order: _queries(api, url, order=order, limit=100) for order in ("priority", "newest")}
    _fill(cast, account, 40)
    many = {order: _queries(api, url, order=order, limit=100) for order in ("priority", "newest")}
    assert len(api.get(url, limit=100).json()["items"]) == 43
    assert many == few


def test_detail_has_messages_notes_and_replies(cast: Cast, account: SocialAccount) -> None:
    conversation = _one(account, "Ma commande 4521 n'est pas arrivée", author="sophie")
    cast.client_for(cast.alice).post(
        _conv(cast, conversation, "notes/"), {"text": "Client fidèle"}, "application/json"
    )
    Reply.objects.create(
        organisation=cast.org,
        conversation=conversation,
        author=cast.bob,
        text="Nous regardons.",
        status=Reply.Status.UNCONFIRMED,
        error="pas confirmé",
    )
    viewer = cast.client_for(_viewer(cast))
    body = viewer.get(_conv(cast, conversation)).json()
    assert body["id"] == conversation.pk and body["participant_handle"] == "sophie"
    assert [m["text"] for m in body["messages"]] == ["Ma commande 4521 n'est pas arrivée"]
    assert body["messages"][0]["direction"] == "in"
    assert [(n["text"], n["author"]["name"]) for n in body["notes"]] == [("Client fidèle", "Alice")]
    assert [(r["status"], r["error"], r["author"]["id"]) for r in body["replies"]] == [
        ("unconfirmed", "pas confirmé", cast.bob.pk)
    ]
    assert viewer.get(f"{_base(cast)}conversations/999999/").status_code == 404


# --- replying ---------------------------------------------------------------------------------


def test_reply_is_queued_once_and_sent_once(
    cast: Cast,
    account: SocialAccount,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = _one(account)
    queued: list[tuple[Any, ...]] = []
    # Tasks are sent by name: what leaves for the broker is the name and the reply's id.
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=(), kwargs=None, **kw: queued.append((name, *args)),
    )
    bob = cast.client_for(cast.bob)  # a contributor answers
    with django_capture_on_commit_callbacks(execute=True):
        response = bob.post(
            _conv(cast, conversation, "replies/"), {"text": " Bonjour ! "}, "application/json"
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["text"] == "Bonjour !"
    assert body["author"]["id"] == cast.bob.pk
    reply = Reply.objects.get()
    assert queued == [("inbox.reply_send", reply.pk)]  # the worker's task, once, after commit
    assert reply.attempts.count() == 0  # nothing sent during the request
    connector = Scripted()
    sent = reply_send(reply_id=reply.pk, connector=connector)
    assert sent is not None and sent.status == Reply.Status.SENT
    assert reply_send(reply_id=reply.pk, connector=connector) is None  # the task run twice
    assert connector.sent == ["Bonjour !"]
    detail = bob.get(_conv(cast, conversation)).json()
    assert detail["replies"][0]["status"] == "sent" and detail["awaiting_since"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": "   "}, "empty_reply"),
        ({}, "empty_reply"),
        ({"text": "a" * 5001}, "reply_too_long"),
    ],
)
def test_reply_validation(
    cast: Cast, account: SocialAccount, body: dict[str, Any], code: str
) -> None:
    conversation = _one(account)
    response = cast.client_for(cast.alice).post(
        _conv(cast, conversation, "replies/"), body, "application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["detail"]
    assert not Reply.objects.exists()


def test_resend_of_an_unconfirmed_reply_is_queued_and_looked_up_first(
    cast: Cast, account: SocialAccount, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = _one(account)
    reply = Reply.objects.create(
        organisation=cast.org,
        conversation=conversation,
        text="Oui",
        status=Reply.Status.UNCONFIRMED,
        next_attempt_at=datetime.now(UTC),
    )
    api = _key(cast, Role.CONTRIBUTOR)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(_conv(cast, conversation, f"replies/{reply.pk}/resend"))
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "retry" and response.json()["next_attempt_at"] is None
    assert reply_tasks(callbacks) == 1
    again = api.post(_conv(cast, conversation, f"replies/{reply.pk}/resend"))
    assert again.status_code == 409 and again.json()["code"] == "not_resendable"
    # A reply of another conversation is not reachable through this one.
    other = _one(account, "Autre chose ?", author="zoe", thread="z")
    assert api.post(_conv(cast, other, f"replies/{reply.pk}/resend")).status_code == 404


# --- triage and notes -------------------------------------------------------------------------


def test_status_assign_labels_and_note(cast: Cast, account: SocialAccount) -> None:
    conversation = _one(account)
    api = _key(cast, Role.CONTRIBUTOR, name="CRM")
    response = api.post(_conv(cast, conversation, "status"), {"status": "done"})
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert api.post(_conv(cast, conversation, "status"), {"status": "spam"}).json()["status"] == (
        "spam"
    )
    assert api.post(_conv(cast, conversation, "status"), {"status": "open"}).json()["status"] == (
        "open"
    )
    response = api.post(_conv(cast, conversation, "assign"), {"assignee_id": cast.bob.pk})
    assert response.json()["assignee"]["id"] == cast.bob.pk
    response = api.post(_conv(cast, conversation, "assign"), {"assignee_id": None})
    assert response.status_code == 200 and response.json()["assignee"] is None
    response = api.post(
        _conv(cast, conversation, "labels"), {"labels": ["VIP", " devis ", "VIP", ""]}, "put"
    )
    assert response.status_code == 200 and response.json()["labels"] == ["VIP", "devis"]
    response = api.post(_conv(cast, conversation, "notes/"), {"text": "Rappeler demain"})
    assert response.status_code == 201 and response.json()["author"] is None
    assert InternalNote.objects.get().text == "Rappeler demain"
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.assignee is None
    labels = set(
        AuditEvent.objects.filter(action__startswith="inbox.").values_list("actor_label", flat=True)
    )
    assert labels == {"API key CRM"}


def test_a_typo_in_a_field_name_is_refused_and_leaves_the_labels(
    cast: Cast, account: SocialAccount
) -> None:
    """``lables`` used to be ignored: the body read as "no labels" and wiped them."""
    conversation = _one(account)
    api = _key(cast, Role.CONTRIBUTOR)
    api.post(_conv(cast, conversation, "labels"), {"labels": ["VIP"]}, "put")
    response = api.post(_conv(cast, conversation, "labels"), {"lables": []}, "put")
    assert response.status_code == 422, response.content
    [issue] = response.json()["detail"]
    assert issue["type"] == "extra_forbidden" and issue["loc"][-1] == "lables"
    assert [label.name for label in conversation.labels.all()] == ["VIP"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("notes/", {"text": "Rappeler\x00demain"}),
        ("replies/", {"text": "Bonjour\x00"}),
        ("labels", {"labels": ["V\x00IP"]}),
        ("replies/", {"text": "Bonjour", "urgent": True}),
        ("assign", {"assignee_id": 2**64}),
    ],
)
def test_nul_characters_unknown_fields_and_huge_ids_are_a_422(
    cast: Cast, account: SocialAccount, path: str, body: dict[str, Any]
) -> None:
    """PostgreSQL refuses NUL in text and ids beyond a bigint: refused before the database."""
    conversation = _one(account)
    method = "put" if path == "labels" else "post"
    response = _key(cast, Role.CONTRIBUTOR).post(_conv(cast, conversation, path), body, method)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["msg"]
    assert not Reply.objects.exists() and not InternalNote.objects.exists()
    assert not conversation.labels.exists()


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("status", {"status": "gone"}, "unknown_status"),
        ("status", {}, "unknown_status"),
        ("notes/", {"text": "  "}, "empty_note"),
        ("notes/", {}, "empty_note"),
    ],
)
def test_triage_validation(
    cast: Cast, account: SocialAccount, path: str, body: dict[str, Any], code: str
) -> None:
    conversation = _one(account)
    response = cast.client_for(cast.bob).post(
        _conv(cast, conversation, path), body, "application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == code


def test_only_members_can_be_assigned(cast: Cast, account: SocialAccount) -> None:
    conversation = _one(account)
    response = cast.client_for(cast.alice).post(
        _conv(cast, conversation, "assign"), {"assignee_id": cast.charlie.pk}, "application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "not_a_member"
    conversation.refresh_from_db()
    assert conversation.assignee is None


# --- roles and keys ---------------------------------------------------------------------------


WRITES = [
    ("replies/", {"text": "Bonjour"}, "post"),
    ("status", {"status": "done"}, "post"),
    ("assign", {"assignee_id": None}, "post"),
    ("labels", {"labels": ["x"]}, "put"),
    ("notes/", {"text": "note"}, "post"),
]


@pytest.mark.parametrize(("path", "body", "method"), WRITES)
def test_viewers_read_but_cannot_write(
    cast: Cast, account: SocialAccount, path: str, body: dict[str, Any], method: str
) -> None:
    conversation = _one(account)
    for api in (_key(cast, Role.VIEWER), cast.client_for(_viewer(cast))):
        if isinstance(api, Api):
            response = api.post(_conv(cast, conversation, path), body, method)
            reads = api.get(_conv(cast, conversation))
        else:
            response = getattr(api, method)(
                _conv(cast, conversation, path), body, "application/json"
            )
            reads = api.get(_conv(cast, conversation))
        assert response.status_code == 403, (path, response.content)
        assert reads.status_code == 200
    assert not Reply.objects.exists() and not InternalNote.objects.exists()
    conversation.refresh_from_db()
    assert conversation.status == "open" and not conversation.labels.exists()


@pytest.mark.parametrize(("path", "body", "method"), WRITES)
def test_contributor_keys_and_members_write(
    cast: Cast, account: SocialAccount, path: str, body: dict[str, Any], method: str
) -> None:
    conversation = _one(account)
    response = _key(cast, Role.CONTRIBUTOR).post(_conv(cast, conversation, path), body, method)
    assert response.status_code in {200, 201, 202}, response.content
    response = getattr(cast.client_for(cast.bob), method)(
        _conv(cast, conversation, path), body, "application/json"
    )
    assert response.status_code in {200, 201, 202}, response.content


def test_api_keys_in_either_header_and_nothing_without_one(
    cast: Cast, account: SocialAccount
) -> None:
    _one(account)
    secret = api_key_create(membership=cast.alice_membership, name="k", role=Role.VIEWER).secret
    url = _base(cast) + "conversations/"
    assert len(Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").json()["items"]) == 1
    assert len(Client().get(url, HTTP_X_API_KEY=secret).json()["items"]) == 1
    assert Client().get(url).status_code == 401
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer pvk_nope").status_code == 401
    # A key reaches its own organisation only.
    assert (
        Client()
        .get(_base(cast, cast.other_org) + "conversations/", HTTP_X_API_KEY=secret)
        .status_code
        == 404
    )


# --- response times ---------------------------------------------------------------------------


def test_stats_are_the_goals_page_figures(cast: Cast, account: SocialAccount) -> None:
    now = datetime.now(UTC)
    inbox_ingest(
        account,
        [item(f"Question {n} ?", author=f"s{n}", thread=f"s{n}", hours_ago=10) for n in range(3)],
    )
    for hours, conversation in zip((1, 30), Conversation.objects.order_by("pk"), strict=False):
        Conversation.objects.filter(pk=conversation.pk).update(
            first_response_at=conversation.first_inbound_at + timedelta(hours=hours),  # type: ignore[operator]
            first_responder=cast.bob,
        )
    body = _key(cast, Role.VIEWER).get(_base(cast) + "stats/").json()
    report = selectors.response_report(organisation=cast.org, now=now)
    assert body["goal_hours"] == 24 and body["days"] == 30
    assert body["overall"]["conversations"] == report.overall.conversations == 3
    assert body["overall"]["answered"] == 2 and body["overall"]["within_goal"] == 1
    assert body["overall"]["median_hours"] == pytest.approx(report.overall.median_hours)
    assert body["overall"]["response_rate"] == pytest.approx(2 / 3)
    assert [s["key"] for s in body["by_network"]] == [account.kind]
    assert [(s["key"], s["answered"]) for s in body["by_member"]] == [("Bob", 2)]
    assert cast.client_for(cast.alice).get(_base(cast) + "stats/", {"days": 0}).json()["code"] == (
        "invalid_days"
    )
