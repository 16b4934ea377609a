"""Nothing typed in a conversation is lost: each action answers HTMX with only its own part of
the pane (never the reply or the note box it did not change), an empty or refused reply or note
says why next to the field and keeps what was typed, and without JavaScript the drafts posted
with an action come back on the page after its redirect."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Reply
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item

HX = {"HTTP_HX_REQUEST": "true"}
REPLY_BOX = "data-reply-box"
NOTE_BOX = "data-note-box"
DRAFT = "Bonjour Anne, nous regardons votre commande « 1234 » dès ce matin."
NOTE_DRAFT = "Vérifier avec l’atelier avant de répondre."


def _client(cast: Cast, language: str = "fr") -> Client:
    client = Client()
    client.force_login(cast.alice)
    cast.alice.language = language
    cast.alice.save(update_fields=["language"])
    return client


def _url(cast: Cast, name: str, conversation: Conversation) -> str:
    return reverse(
        f"inbox:{name}", kwargs={"org": cast.org.slug, "conversation_id": conversation.pk}
    )


def _conversation(account: SocialAccount) -> Conversation:
    inbox_ingest(account, [item("Bonjour, où en est ma commande ?", author="anne")])
    return Conversation.objects.get()


def _root_ids(html: str) -> list[str]:
    """The ids of the fragments in an answer, in order (each fragment's first element)."""
    return re.findall(r'^<\w+ [^>]*?id="(conv-[\w-]+)"', html, flags=re.MULTILINE)


def _posted(**fields: str) -> dict[str, str]:
    """What a browser posts from the pane: the whole form, drafts included."""
    return {"text": DRAFT, "note": NOTE_DRAFT, "assignee": "", "labels": "", **fields}


def test_assigning_answers_only_the_assignment_and_refreshes_the_list(
    cast: Cast, account: SocialAccount
) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    response = client.post(
        _url(cast, "assign", conversation), _posted(assignee=str(cast.bob.pk)), **HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "inbox-changed"
    assert _root_ids(html) == ["conv-assign"]
    assert REPLY_BOX not in html and NOTE_BOX not in html and DRAFT not in html
    assert "Attribution enregistrée." in html
    assert f'<option value="{cast.bob.pk}" selected>' in html
    conversation.refresh_from_db()
    assert conversation.assignee == cast.bob


def test_status_and_labels_answer_their_own_part(cast: Cast, account: SocialAccount) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    done = client.post(_url(cast, "status", conversation), _posted(status="done"), **HX)
    html = done.content.decode()
    # The status buttons, and out of band the head whose badge shows the status.
    assert _root_ids(html) == ["conv-status", "conv-head"]
    assert 'id="conv-head" hx-swap-oob="true"' in html
    assert 'data-conversation-status="done"' in html and 'value="open"' in html
    assert REPLY_BOX not in html and NOTE_BOX not in html
    assert done["HX-Trigger"] == "inbox-changed"

    labelled = client.post(
        _url(cast, "labels", conversation), _posted(labels="devis, urgent"), **HX
    )
    html = labelled.content.decode()
    assert _root_ids(html) == ["conv-labels"] and 'value="devis, urgent"' in html
    assert REPLY_BOX not in html and NOTE_BOX not in html
    assert "Étiquettes enregistrées." in html


def test_a_note_answers_the_note_box_and_the_notes_not_the_reply(
    cast: Cast, account: SocialAccount
) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    response = client.post(_url(cast, "note", conversation), _posted(), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert _root_ids(html) == ["conv-note", "conv-notes"]
    assert REPLY_BOX not in html and DRAFT not in html
    assert InternalNote.objects.get().text == NOTE_DRAFT
    # The box is emptied, the note is listed.
    assert re.search(rf"<textarea[^>]*{NOTE_BOX}[^>]*></textarea>", html)
    assert html.count(NOTE_DRAFT) == 1


def test_a_sent_reply_empties_its_box_and_adds_to_the_thread_not_the_note(
    cast: Cast, account: SocialAccount
) -> None:
    conversation = _conversation(account)
    account.is_demo = True  # recorded, not sent: no network in this test
    account.save(update_fields=["is_demo"])
    conversation.is_demo = True
    conversation.save(update_fields=["is_demo"])
    client = _client(cast)
    response = client.post(_url(cast, "reply", conversation), _posted(), **HX)
    html = response.content.decode()
    assert _root_ids(html) == ["conv-reply", "conv-thread"]
    assert NOTE_BOX not in html and NOTE_DRAFT not in html
    assert re.search(rf"<textarea[^>]*{REPLY_BOX}[^>]*></textarea>", html)
    assert Reply.objects.get().text == DRAFT


def test_an_empty_reply_says_why_and_keeps_nothing_sent(cast: Cast, account: SocialAccount) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    response = client.post(_url(cast, "reply", conversation), _posted(text="   "), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and not Reply.objects.exists()
    assert _root_ids(html) == ["conv-reply"]
    assert "Écrivez une réponse avant d’envoyer." in html
    assert 'aria-invalid="true" aria-describedby="conv-reply-error"' in html
    assert NOTE_BOX not in html  # the note being typed is not touched


def test_an_empty_note_says_why_and_keeps_the_reply(cast: Cast, account: SocialAccount) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    response = client.post(_url(cast, "note", conversation), _posted(note=""), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and not InternalNote.objects.exists()
    assert _root_ids(html) == ["conv-note"] and "Écrivez une note avant de l’ajouter." in html
    assert REPLY_BOX not in html
    # Without JavaScript: the whole page, the reply draft still in its box.
    page = client.post(_url(cast, "note", conversation), _posted(note=""))
    text = page.content.decode()
    assert page.status_code == 422 and "Écrivez une note avant de l’ajouter." in text
    assert "Bonjour Anne, nous regardons votre commande « 1234 » dès ce matin." in text


def test_a_reply_over_the_limit_keeps_its_text(cast: Cast, account: SocialAccount) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    long = "Merci " * 1000  # 6,000 characters: over the box's 5,000
    response = client.post(_url(cast, "reply", conversation), _posted(text=long), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and not Reply.objects.exists()
    assert "au plus 5000 caractères" in html and long.strip() in html


def test_without_javascript_an_assignment_keeps_the_drafts(
    cast: Cast, account: SocialAccount
) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    response = client.post(_url(cast, "assign", conversation), _posted(assignee=str(cast.bob.pk)))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Attribution enregistrée." in page
    assert re.search(rf"<textarea[^>]*{REPLY_BOX}[^>]*>{re.escape(DRAFT)}</textarea>", page)
    assert re.search(rf"<textarea[^>]*{NOTE_BOX}[^>]*>{re.escape(NOTE_DRAFT)}</textarea>", page)
    # Shown once: a later visit starts from the saved state, not from an old draft.
    again = client.get(response["Location"]).content.decode()
    assert DRAFT not in again


def test_without_javascript_every_tool_posts_the_one_form(
    cast: Cast, account: SocialAccount
) -> None:
    """The drafts reach an action only if its button belongs to the form holding them."""
    conversation = _conversation(account)
    page = _client(cast).get(_url(cast, "conversation", conversation)).content.decode()
    form = re.search(r'<form method="post" id="conv-form".*?</form>', page, flags=re.DOTALL)
    assert form is not None
    body = form.group(0)
    for name in ("reply", "status", "assign", "labels", "note"):
        assert f'formaction="{_url(cast, name, conversation)}"' in body, name
    assert REPLY_BOX in body and NOTE_BOX in body
    # Enter in the one-line labels field presses the form's first button: it saves the labels.
    first = re.search(r"<button [^>]*>", body)
    assert (
        first is not None and f'formaction="{_url(cast, "labels", conversation)}"' in first.group(0)
    )
    assert "Retour à la liste" in page


def test_the_conversation_page_opened_with_htmx_is_the_pane(
    cast: Cast, account: SocialAccount, django_assert_max_num_queries: Any
) -> None:
    conversation = _conversation(account)
    client = _client(cast)
    client.get(_url(cast, "conversation", conversation), **HX)
    with django_assert_max_num_queries(20):
        html = client.get(_url(cast, "conversation", conversation), **HX).content.decode()
    assert "<html" not in html and 'id="conv-form"' in html
