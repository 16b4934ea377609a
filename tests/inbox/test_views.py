"""The inbox pages: list, conversation pane, actions, escaping, and a query count that does not
grow with the rows shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.core.demo import demo_create
from parvis.core.models import AuditEvent
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Message, Reply
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item


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
    client.post(_url(cast, "note", conversation), {"text": "Rappeler demain"})
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
    assert response.status_code == 400 and not Reply.objects.exists()
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
