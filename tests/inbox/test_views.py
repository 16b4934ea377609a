"""The inbox pages: list, conversation pane, actions, escaping, and a query count that does not
grow with the rows shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.core.models import AuditEvent
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Label, Message, Reply
from parvis.networks.models import SocialAccount
from parvis.web.demo import demo_create
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account


def _client(cast: Cast, user: Any = None) -> Client:
    client = Client()
    client.force_login(user or cast.alice)
    session = client.session
    session["django_language"] = "en"
    session.save()
    user = user or cast.alice
    user.language = "en"
    user.save(update_fields=["language"])
    return client


def _url(cast: Cast, name: str, conversation: Conversation | None = None, **kw: Any) -> str:
    kwargs: dict[str, Any] = {"org": cast.org.slug, **kw}
    if conversation is not None:
        kwargs["conversation_id"] = conversation.pk
    return reverse(f"inbox:{name}", kwargs=kwargs)


HX = {"HTTP_HX_REQUEST": "true"}


def test_inbox_lists_and_escapes_untrusted_text(cast: Cast, account: SocialAccount) -> None:
    hostile = '<script>alert(1)</script> voir https://exemple.fr/x?a=1&b="2" <img src=x onerror=y>'
    inbox_ingest(account, [item(hostile, author="<b>mallory</b>")])
    conversation = Conversation.objects.get()
    client = _client(cast)
    page = client.get(_url(cast, "inbox") + "?status=").content.decode()  # every status
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>mallory</b>" not in page
    pane = client.get(_url(cast, "conversation", conversation), **HX).content.decode()
    assert "<script>alert" not in pane and "<img src=x" not in pane
    assert (
        '<a href="https://exemple.fr/x?a=1&amp;b=&quot;2&quot;" '
        'rel="nofollow noopener noreferrer ugc" target="_blank">'
    ) in pane or 'rel="nofollow noopener noreferrer ugc" target="_blank"' in pane
    assert "onerror=y>" not in pane


def _fill(account: SocialAccount, count: int) -> None:
    inbox_ingest(
        account,
        [item(f"Question numéro {n} ?", author=f"person{n}", thread=f"p{n}") for n in range(count)],
    )
    for n, conversation in enumerate(Conversation.objects.filter(account=account)):
        if n % 2:
            conversation.labels.create(organisation=account.organisation, name=f"label{n}")


@pytest.mark.parametrize("rows", [10, 100])
def test_query_count_does_not_grow_with_rows(
    cast: Cast,
    account: SocialAccount,
    rows: int,
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    _fill(account, rows)
    client = _client(cast)
    client.get(_url(cast, "inbox"))  # settings row created once
    with django_assert_max_num_queries(14):
        response = client.get(_url(cast, "inbox") + "?order=newest&per_page=100")
    assert response.content.decode().count('<li class="inbox-item') == rows
    with django_assert_max_num_queries(14):
        client.get(_url(cast, "inbox") + "?per_page=100")


def test_triage_actions(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item("Bonjour, une question ?", author="anne")])
    conversation = Conversation.objects.get()
    client = _client(cast)
    response = client.post(_url(cast, "status", conversation), {"status": "done"}, **HX)
    assert response.status_code == 200 and response["HX-Trigger"] == "inbox-changed"
    conversation.refresh_from_db()
    assert conversation.status == "done"
    client.post(_url(cast, "status", conversation), {"status": "open"})
    client.post(_url(cast, "assign", conversation), {"assignee": str(cast.bob.pk)})
    client.post(_url(cast, "labels", conversation), {"labels": "devis, urgent ,devis"})
    client.post(_url(cast, "note", conversation), {"note": "Rappeler demain"})
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert conversation.assignee == cast.bob
    assert sorted(conversation.labels.values_list("name", flat=True)) == ["devis", "urgent"]
    assert InternalNote.objects.get().text == "Rappeler demain"
    page = client.get(_url(cast, "conversation", conversation))  # the phone's full page
    assert page.status_code == 200 and "Rappeler demain" in page.content.decode()
    assert AuditEvent.objects.filter(action__startswith="inbox.").count() == 5
    # Someone who is not a member cannot be assigned.
    bad = client.post(_url(cast, "assign", conversation), {"assignee": str(cast.charlie.pk)})
    assert bad.status_code == 400
    assert client.post(_url(cast, "status", conversation), {"status": "gone"}).status_code == 400


def test_spam_is_filed_and_recoverable(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(
        account, [item("Gagnez 10 000 abonnés en 24 h !!! Cliquez ici http://bit.ly/x", author="s")]
    )
    conversation = Conversation.objects.get()
    assert conversation.status == "spam"
    client = _client(cast)
    assert "bit.ly" not in client.get(_url(cast, "inbox")).content.decode()
    assert "bit.ly" in client.get(_url(cast, "inbox") + "?status=spam").content.decode()
    client.post(_url(cast, "status", conversation), {"status": "open"})
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_a_viewer_reads_but_cannot_act(cast: Cast, account: SocialAccount) -> None:
    from parvis.accounts.models import Membership

    Membership.objects.filter(user=cast.bob).update(role="viewer")
    inbox_ingest(account, [item("Bonjour ?", author="anne")])
    conversation = Conversation.objects.get()
    client = _client(cast, cast.bob)
    assert client.get(_url(cast, "inbox")).status_code == 200
    assert client.post(_url(cast, "status", conversation), {"status": "done"}).status_code == 403
    assert client.post(_url(cast, "reply", conversation), {"text": "x"}).status_code == 403
    assert client.get(_url(cast, "settings")).status_code == 403


def test_demo_inbox_puts_the_complaint_and_the_quote_first_and_never_sends(cast: Cast) -> None:
    organisation = demo_create(owner=cast.alice)
    client = _client(cast)
    url = reverse("inbox:inbox", kwargs={"org": organisation.slug})
    page = client.get(url).content.decode()
    first_two = page.split('<li class="inbox-item')[1:3]
    assert "Sophie Bernard" in first_two[0] and "Julien Moreau" in first_two[1]
    conversation = Conversation.objects.get(
        organisation=organisation, participant_handle="sophie.bernard"
    )
    assert conversation.intent == "complaint"
    reply_url = reverse(
        "inbox:reply", kwargs={"org": organisation.slug, "conversation_id": conversation.pk}
    )
    pane = client.post(reply_url, {"text": "Nous sommes désolés, nous vous rappelons."}, **HX)
    assert "Demo: reply recorded, not sent." in pane.content.decode()
    reply = Reply.objects.get(conversation=conversation)
    assert reply.status == Reply.Status.DEMO and reply.remote_id == ""
    out = Message.objects.get(conversation=conversation, direction="out")
    assert out.remote_id.startswith("demo:")
    conversation.refresh_from_db()
    assert conversation.awaiting_since is None and conversation.first_responder == cast.alice
    # Saved replies are suggested with their variables filled from the message.
    assert "Bonjour Sophie" in pane.content.decode() and "4521" in pane.content.decode()
    spam = Conversation.objects.get(
        organisation=organisation, participant_handle="promo-followers-2024"
    )
    assert spam.status == "spam"
    candidate = Conversation.objects.get(
        organisation=organisation, participant_handle="lucas-petit"
    )
    assert candidate.assignee is not None
    # The inbox reuses the demo accounts the publishing filler made: one per network.
    for kind in ("facebook", "instagram", "linkedin"):
        assert SocialAccount.objects.filter(organisation=organisation, kind=kind).count() == 1


def test_empty_reply_is_refused_and_goals_and_settings_pages(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(account, [item("Bonjour ?", author="anne")])
    conversation = Conversation.objects.get()
    client = _client(cast)
    response = client.post(_url(cast, "reply", conversation), {"text": "  "}, **HX)
    assert response.status_code == 200 and not Reply.objects.exists()
    assert client.get(_url(cast, "goals")).status_code == 200
    response = client.post(
        _url(cast, "settings"),
        {
            "goal_hours": "4",
            "job_applications_to": str(cast.bob.pk),
            "llm_base_url": "",
            "llm_model": "",
        },
    )
    assert response.status_code == 302
    assert client.get(_url(cast, "settings")).status_code == 200
    client.post(
        _url(cast, "saved_reply_create"),
        {"name": "Merci", "intent": "question", "text": "Bonjour {first_name} {0.__class__}"},
    )
    pane = client.get(_url(cast, "conversation", conversation), **HX).content.decode()
    assert "Bonjour Anne {0.__class__}" in pane


def test_label_filter_lists_the_conversations_carrying_the_label(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(
        account,
        [
            item("Un devis pour un escalier ?", author="anne", thread="p1"),
            item("Un devis pour une table ?", author="bruno", thread="p2"),
            item("Vous êtes ouverts samedi ?", author="chloe", thread="p3"),
        ],
    )
    client = _client(cast)
    # No label yet: no empty « Label » menu in the filters.
    assert 'name="label"' not in client.get(_url(cast, "inbox")).content.decode()
    anne, bruno, chloe = (
        Conversation.objects.get(participant_handle=who) for who in ("anne", "bruno", "chloe")
    )
    client.post(_url(cast, "labels", anne), {"labels": "devis, urgent"})
    client.post(_url(cast, "labels", bruno), {"labels": "devis"})
    client.post(_url(cast, "labels", chloe), {"labels": "urgent"})
    devis = Label.objects.get(organisation=cast.org, name="devis")
    urgent = Label.objects.get(organisation=cast.org, name="urgent")
    Label.objects.create(organisation=cast.other_org, name="secret-de-charlie")

    page = client.get(_url(cast, "inbox")).content.decode()
    assert 'name="label"' in page
    assert f'<option value="{devis.pk}">devis</option>' in page
    assert "secret-de-charlie" not in page  # another organisation's labels are not offered

    def shown(query: str) -> set[str]:
        response = client.get(_url(cast, "inbox") + query, HTTP_HX_TARGET="inbox-list", **HX)
        listed = response.content.decode()
        return {who for who in ("Anne", "Bruno", "Chloe") if f"<strong>{who}</strong>" in listed}

    assert shown("") == {"Anne", "Bruno", "Chloe"}
    assert shown(f"?label={devis.pk}") == {"Anne", "Bruno"}
    assert shown(f"?label={urgent.pk}") == {"Anne", "Chloe"}
    # It combines with the other filters.
    client.post(_url(cast, "status", bruno), {"status": "done"})
    assert shown(f"?label={devis.pk}") == {"Anne"}
    assert shown(f"?label={devis.pk}&status=done") == {"Bruno"}
    # A label of another organisation is not a choice: nothing of it leaks, the filter is refused.
    foreign = Label.objects.get(name="secret-de-charlie")
    assert shown(f"?label={foreign.pk}") == {"Anne", "Chloe"}


def _check_now(client: Client, cast: Cast, **extra: Any) -> Any:
    return client.post(_url(cast, "check_now"), **extra)


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The accounts « Check now » asked the worker to read (poll_account_task.delay)."""
    from parvis.inbox.tasks import poll_account_task

    calls: list[int] = []
    monkeypatch.setattr(poll_account_task, "delay", calls.append)
    return calls


def test_check_now_asks_the_worker_to_read_the_organisations_connected_accounts(
    cast: Cast,
    new_account: Any,
    enqueued: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    x = new_account("x")
    mastodon = new_account("mastodon")
    new_account("bluesky", status=SocialAccount.Status.RECONNECT)  # cannot be read
    make_account(cast.other_org, "x")  # another organisation's: never read from here
    client = _client(cast, cast.bob)  # a contributor may ask

    page = client.get(_url(cast, "inbox")).content.decode()
    assert f'action="{_url(cast, "check_now")}"' in page and "Check now" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _check_now(client, cast, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-checking" in body
    assert "Checking your 2 accounts now: new messages will appear here in a moment." in body
    assert enqueued == [x.pk, mastodon.pk]

    # Clicked again at once: one reading is already on its way, the networks are spared.
    with django_capture_on_commit_callbacks(execute=True):
        again = _check_now(client, cast, **HX).content.decode()
    assert "A check is already on its way" in again and "data-checking" in again
    assert enqueued == [x.pk, mastodon.pk]

    # Without JavaScript: back to the inbox, which says it.
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _check_now(client, cast, follow=True)
    assert response.redirect_chain == [(_url(cast, "inbox"), 302)]
    assert "new messages will appear here in a moment" in response.content.decode()
    assert enqueued == [x.pk, mastodon.pk] * 2


def test_check_now_roles_method_and_nothing_to_read(
    cast: Cast, new_account: Any, enqueued: list[int]
) -> None:
    from parvis.accounts.models import Membership

    client = _client(cast)
    response = _check_now(client, cast, **HX).content.decode()
    assert "No connected account to check" in response
    assert reverse("networks:accounts", kwargs={"org": cast.org.slug}) in response
    assert "data-checking" not in response
    assert client.get(_url(cast, "check_now")).status_code == 405

    demo = demo_create(owner=cast.alice)
    demo_url = reverse("inbox:check_now", kwargs={"org": demo.slug})
    response = client.post(demo_url, **HX).content.decode()
    assert "Demo accounts have nothing new to read." in response

    new_account("x")
    Membership.objects.filter(user=cast.bob).update(role="viewer")
    viewer = _client(cast, cast.bob)
    assert _check_now(viewer, cast, **HX).status_code == 403
    assert "Check now" not in viewer.get(_url(cast, "inbox")).content.decode()
    outsider = _client(cast, cast.charlie)
    assert _check_now(outsider, cast, **HX).status_code == 404
    assert enqueued == []
