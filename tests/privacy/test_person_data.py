"""A person's data (a commenter in the inbox), found, exported and erased in one place."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parvis.accounts.models import Organisation
from parvis.core.models import AuditEvent
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Message, Reply
from parvis.inbox.search import matching_conversation_ids
from parvis.networks.contracts import InboundKind
from parvis.networks.models import SocialAccount
from parvis.privacy import registry, services
from parvis.privacy.registry import ExportedFile, PersonExport, PersonMatch
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account
from tests.privacy.conftest import client_in


@pytest.fixture
def inbox(cast: Cast) -> dict[str, Any]:
    """Jean Dupont wrote twice on Alice's page (alone in his thread) and once in Marie's
    direct-message thread; Marie wrote too; a Jean with the same handle wrote to Charlie."""
    account = make_account(cast.org, "facebook")
    inbox_ingest(
        account,
        [
            item("Ma commande 4521 est en retard, Jean Dupont", author="jdupont", thread="p1"),
            item("Toujours rien reçu à Quimper", author="jdupont", thread="p1", hours_ago=0.5),
            item("J'adore vos chaises", author="marie.k", thread="p1"),
        ],
    )
    dm = make_account(cast.org, "x")
    inbox_ingest(
        dm,
        [
            item("Marie ici, en privé", author="marie.k", kind=InboundKind.DM, thread="group"),
            item("Jean dans le groupe", author="jdupont", kind=InboundKind.DM, thread="group"),
        ],
    )
    jean_alone = Conversation.objects.get(account=account, participant_handle="jdupont")
    InternalNote.objects.create(
        organisation=cast.org, conversation=jean_alone, author=cast.alice, text="Rappeler Jean"
    )
    Reply.objects.create(
        organisation=cast.org,
        conversation=jean_alone,
        author=cast.alice,
        text="Nous regardons, Jean",
        status=Reply.Status.SENT,
    )
    other = make_account(cast.other_org, "facebook")
    inbox_ingest(other, [item("Chez Charlie aussi, Jean Dupont", author="jdupont")])
    return {"account": account, "dm": dm, "jean_alone": jean_alone, "other": other}


def _references(cast: Cast, query: str) -> list[str]:
    return [
        m.reference for m in services.person_find(membership=cast.alice_membership, query=query)
    ]


def test_find_by_handle_name_or_network_id_only_in_the_organisation(
    cast: Cast, inbox: dict[str, Any]
) -> None:
    by_handle = services.person_find(membership=cast.alice_membership, query="@jdupont")
    assert {m.source for m in by_handle} == {"inbox"}
    # One person per account: the comments and the direct-message group.
    assert len(by_handle) == 2
    assert all("jdupont" in m.label and "Jdupont" in m.label for m in by_handle)
    assert {m.key.split(":")[0] for m in by_handle} == {
        str(inbox["account"].pk),
        str(inbox["dm"].pk),
    }
    assert len(_references(cast, "id-jdupont")) == 2  # the network's author id
    assert len(_references(cast, "Jdupont")) == 2  # part of the name
    assert _references(cast, "nobody") == []
    assert services.person_find(membership=cast.alice_membership, query="   ") == []
    # Charlie's Jean is found by Charlie only.
    charlie = services.person_find(membership=cast.charlie_membership, query="jdupont")
    assert [m.key.split(":")[0] for m in charlie] == [str(inbox["other"].pk)]


def test_export_holds_their_messages_and_nothing_of_another_person(
    cast: Cast, inbox: dict[str, Any]
) -> None:
    references = _references(cast, "jdupont")
    client = client_in(cast.alice)
    response = client.post(
        reverse("privacy:people_export", kwargs={"org": cast.org.slug}), {"person": references}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["person.json"]
    text = archive.read("person.json").decode()
    document = json.loads(text)
    people = document["sources"]["inbox"]
    texts = [m["text"] for person in people for m in person["messages"]]
    assert sorted(texts) == sorted(
        [
            "Ma commande 4521 est en retard, Jean Dupont",
            "Toujours rien reçu à Quimper",
            "Jean dans le groupe",
        ]
    )
    # Nothing of Marie (same post, same group), nothing of Charlie's Jean.
    assert "marie" not in text.lower() and "chaises" not in text and "Charlie" not in text
    # In the thread with Jean alone, what the team wrote to or about him is his too.
    alone = next(c for p in people for c in p["conversations"] if c["id"] == inbox["jean_alone"].pk)
    assert [n["text"] for n in alone["internal_notes"]] == ["Rappeler Jean"]
    assert [r["text"] for r in alone["our_replies"]] == ["Nous regardons, Jean"]
    group = next(c for p in people for c in p["conversations"] if c["kind"] == "dm")
    assert "internal_notes" not in group  # shared with Marie: left out
    # The audit log says an export happened, not whose.
    event = AuditEvent.objects.get(action="person.exported")
    assert event.organisation_id == cast.org.pk and event.actor_id == cast.alice.pk
    assert event.data == {"people": 2, "sources": {"inbox": 2}, "files": 0}
    assert "jdupont" not in json.dumps(event.data) + event.target_label


def test_erase_leaves_no_text_of_theirs_and_spares_everyone_else(
    cast: Cast, inbox: dict[str, Any]
) -> None:
    references = _references(cast, "jdupont")
    client = client_in(cast.alice)
    response = client.post(
        reverse("privacy:people_erase", kwargs={"org": cast.org.slug}),
        {"person": references, "confirm": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Erased: 3 message(s); 1 conversation(s) made anonymous." in response.content.decode()

    ours = Message.objects.filter(organisation=cast.org)
    for message in ours:
        values = " ".join(
            [message.text, message.author_handle, message.author_name, message.author_id]
        )
        assert "Jean" not in values and "jdupont" not in values and "Quimper" not in values
        assert "4521" not in values
    for conversation in Conversation.objects.filter(organisation=cast.org):
        values = " ".join(
            [
                conversation.snippet,
                conversation.participant_handle,
                conversation.participant_name,
                conversation.participant_id,
                conversation.thread_key,
            ]
        )
        assert "jdupont" not in values and "Quimper" not in values
    # The tombstones keep their remote id: polling does not bring the text back.
    erased = ours.filter(text="")
    assert erased.count() == 3
    erased = erased.filter(account=inbox["account"])
    again = [item("Toujours rien reçu à Quimper", remote_id=m.remote_id) for m in erased]
    inbox_ingest(inbox["account"], again[:2])
    assert not ours.filter(text__contains="Quimper").exists()
    # The search index forgot them.
    assert matching_conversation_ids(cast.org.pk, "Quimper") == []
    # Marie's words stay, in the shared group and on the post.
    assert ours.filter(author_handle="marie.k").count() == 2
    group = Conversation.objects.get(account=inbox["dm"])
    assert group.snippet == "Marie ici, en privé"
    # Notes and the team's replies stay; the conversation with Jean alone is anonymous.
    jean_alone = Conversation.objects.get(pk=inbox["jean_alone"].pk)
    assert jean_alone.thread_key == f"erased:{jean_alone.pk}"
    assert InternalNote.objects.filter(conversation=jean_alone).exists()
    assert Reply.objects.filter(conversation=jean_alone).exists()
    # Charlie's Jean is untouched.
    assert Message.objects.get(organisation=cast.other_org).text == (
        "Chez Charlie aussi, Jean Dupont"
    )
    event = AuditEvent.objects.get(action="person.erased")
    assert event.data == {
        "people": 2,
        "erased": {"inbox.messages": 3, "inbox.conversations": 1},
    }
    # Safe to run twice.
    assert services.person_erase(membership=cast.alice_membership, references=references) == {
        "inbox.messages": 0,
        "inbox.conversations": 0,
    }
    assert _references(cast, "jdupont") == []


def test_erase_needs_the_confirmation_box_and_a_person(cast: Cast, inbox: dict[str, Any]) -> None:
    client = client_in(cast.alice)
    url = reverse("privacy:people_erase", kwargs={"org": cast.org.slug})
    response = client.post(url, {"person": _references(cast, "jdupont")}, follow=True)
    assert "Tick the box to confirm the erasure." in response.content.decode()
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "Tick at least one person." in response.content.decode()
    for bad in ["inbox", "nope|1:id:x", "inbox|", "inbox|abc", "inbox|1:id:\x00"]:
        response = client.post(url, {"confirm": "on", "person": [bad]}, follow=True)
        assert response.status_code == 200, bad
    assert not Message.objects.filter(text="").exists()


def test_charlie_cannot_export_or_erase_alices_people(cast: Cast, inbox: dict[str, Any]) -> None:
    alice_people = _references(cast, "jdupont")
    charlie = client_in(cast.charlie)
    # Through Alice's organisation: not found.
    for name in ("people_export", "people_erase", "people"):
        url = reverse(f"privacy:{name}", kwargs={"org": cast.org.slug})
        assert charlie.post(url, {"person": alice_people, "confirm": "on"}).status_code in {
            404,
            405,
        }
        assert charlie.get(url).status_code in {404, 405}
    # Through his own organisation, with Alice's references: nothing of hers is reached.
    response = charlie.post(
        reverse("privacy:people_export", kwargs={"org": cast.other_org.slug}),
        {"person": alice_people},
    )
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("person.json"))
    assert document["sources"] == {}
    charlie.post(
        reverse("privacy:people_erase", kwargs={"org": cast.other_org.slug}),
        {"person": alice_people, "confirm": "on"},
    )
    assert Message.objects.filter(organisation=cast.org, author_handle="jdupont").count() == 3


def test_only_managers_and_owners(cast: Cast, inbox: dict[str, Any]) -> None:
    bob = client_in(cast.bob)  # a contributor
    assert bob.get(reverse("privacy:people", kwargs={"org": cast.org.slug})).status_code == 403
    url = reverse("privacy:people_erase", kwargs={"org": cast.org.slug})
    assert (
        bob.post(url, {"person": _references(cast, "jdupont"), "confirm": "on"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.person_find(membership=cast.bob_membership, query="jdupont")


def test_search_page_lists_people_to_tick(cast: Cast, inbox: dict[str, Any]) -> None:
    client = client_in(cast.alice)
    url = reverse("privacy:people", kwargs={"org": cast.org.slug})
    assert client.get(url).status_code == 200
    page = client.get(url, {"q": "jdupont"}).content.decode()
    assert page.count('name="person"') == 2
    assert "Facebook" in page and "2 message(s)" in page
    assert "Searched in: Inbox, Watch." in page
    assert "Nobody found." in client.get(url, {"q": "personne"}).content.decode()
    assert client.get(url, {"q": "x" * 500}).status_code == 400
    assert client.get(url, {"q": "a\x00b"}).status_code in {200, 400}
    french = client_in(cast.alice, "fr").get(url, {"q": "jdupont"}).content.decode()
    assert "Données personnelles" in french


class _Contacts:
    """A module to come (contacts) registering its people, with a file each."""

    name = "contacts"
    label = "Contacts"

    def find(self, organisation: Organisation, query: str, *, limit: int) -> list[PersonMatch]:
        if query != "jdupont":
            return []
        return [PersonMatch(self.name, f"{organisation.pk}:1", "Jean Dupont", "fiche")]

    def export(self, organisation: Organisation, key: str) -> PersonExport:
        if not key.startswith(f"{organisation.pk}:"):
            return PersonExport()
        return PersonExport(
            data={"email": "jean@example.org"},
            files=[ExportedFile("../../cv jean.pdf", b"%PDF-1.4 cv")],
        )

    def erase(self, organisation: Organisation, key: str) -> dict[str, int]:
        return {"contacts": 1 if key.startswith(f"{organisation.pk}:") else 0}


def test_a_later_module_registers_and_is_exported_and_erased_with_the_inbox(
    cast: Cast, inbox: dict[str, Any]
) -> None:
    registry.register(_Contacts())
    try:
        matches = services.person_find(membership=cast.alice_membership, query="jdupont")
        assert {m.source for m in matches} == {"inbox", "contacts"}
        references = [m.reference for m in matches]
        archive = zipfile.ZipFile(
            io.BytesIO(
                services.person_export(membership=cast.alice_membership, references=references)
            )
        )
        names = archive.namelist()
        assert "person.json" in names
        cv = [n for n in names if n.startswith("files/contacts/")]
        assert cv == ["files/contacts/1-cv jean.pdf"]  # no path from the source survives
        assert archive.read(cv[0]) == b"%PDF-1.4 cv"
        document = json.loads(archive.read("person.json"))
        assert document["sources"]["contacts"] == [{"email": "jean@example.org", "files": cv}]
        totals = services.person_erase(membership=cast.alice_membership, references=references)
        assert totals["contacts.contacts"] == 1 and totals["inbox.messages"] == 3
    finally:
        registry.unregister("contacts")


def test_registry_refuses_bad_names_and_references() -> None:
    class Bad(_Contacts):
        name = "a|b"

    with pytest.raises(ValueError):
        registry.register(Bad())
    assert registry.parse_reference("inbox") is None
    assert registry.parse_reference("unknown|x") is None
    assert registry.parse_reference("inbox|" + "x" * 600) is None


def test_too_many_people_or_a_malformed_reference_is_a_clear_refusal(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="au plus 50 personnes"):
        services.person_export(
            membership=cast.alice_membership, references=[f"inbox|1:id:{n}" for n in range(51)]
        )
    with pytest.raises(ValidationError, match="introuvable"):
        services.person_erase(membership=cast.alice_membership, references=["nope|zz"])


def test_account_of_another_network_is_a_different_person(cast: Cast) -> None:
    first = make_account(cast.org, "mastodon", api_base_url="https://a.example")
    second = make_account(cast.org, "mastodon", api_base_url="https://b.example")
    inbox_ingest(first, [item("sur A", author="same")])
    inbox_ingest(second, [item("sur B", author="same")])
    matches = services.person_find(membership=cast.alice_membership, query="same")
    assert len(matches) == 2
    services.person_erase(membership=cast.alice_membership, references=[matches[0].reference])
    assert Message.objects.filter(text="").count() == 1
    assert SocialAccount.objects.count() == 2
