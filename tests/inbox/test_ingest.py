"""Ingestion: dedup, threading, classification by parvis.insight, routing, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parvis.inbox.ingest import inbox_ingest, inbox_settings_for
from parvis.inbox.models import Conversation, Message
from parvis.inbox.selectors import InboxFilters, inbox_page
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item

COMPLAINT = "Ma commande n'est toujours pas livrée après trois semaines, c'est inadmissible !"
QUOTE = "Bonjour, je voudrais un devis pour un escalier en chêne, quel est le prix ?"
SPAM = "Gagnez 10 000 abonnés en 24 h !!! Cliquez ici http://bit.ly/abonnes-gratuits"
JOB = "Bonjour, je cherche un apprentissage en menuiserie, voici ma candidature et mon CV."
PRAISE = "Superbe travail sur notre cuisine, merci à toute l'équipe !"


def test_same_items_twice_are_stored_once(cast: Cast, account: SocialAccount) -> None:
    batch = [item(COMPLAINT, remote_id="a"), item(PRAISE, remote_id="b", author="other")]
    first = inbox_ingest(account, batch + [batch[0]])
    second = inbox_ingest(account, batch)
    assert (first.stored, first.duplicates) == (2, 1)
    assert (second.stored, second.duplicates) == (0, 2)
    assert Message.objects.filter(account=account).count() == 2
    assert Conversation.objects.filter(account=account).count() == 2


def test_messages_thread_by_post_and_person(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item("Bonjour", author="anne", thread="p1", hours_ago=3)])
    inbox_ingest(account, [item("Vous êtes là ?", author="anne", thread="p1", hours_ago=1)])
    inbox_ingest(account, [item("Et moi ?", author="bruno", thread="p1")])
    dm = InboundItem(
        kind=InboundKind.DM,
        remote_id="dm-1",
        text="Message privé",
        created_at=datetime.now(UTC),
        author_id="id-anne",
    )
    inbox_ingest(account, [dm])
    anne = Conversation.objects.get(account=account, participant_handle="anne", kind="comment")
    assert anne.message_count == 2
    assert anne.subject_remote_id == "p1"
    assert anne.snippet == "Vous êtes là ?"
    assert Conversation.objects.filter(account=account).count() == 3  # anne, bruno, the DM


def test_classification_and_routing(cast: Cast, account: SocialAccount) -> None:
    settings = inbox_settings_for(cast.org.pk)
    settings.job_applications_to = cast.bob
    settings.save()
    inbox_ingest(
        account,
        [
            item(COMPLAINT, author="c1"),
            item(QUOTE, author="c2"),
            item(SPAM, author="c3"),
            item(JOB, author="c4"),
        ],
    )
    by_author = {c.participant_handle: c for c in Conversation.objects.filter(account=account)}
    assert by_author["c1"].intent == "complaint"
    assert by_author["c1"].sentiment == "negative"
    assert by_author["c2"].is_lead is True
    assert by_author["c3"].status == Conversation.Status.SPAM
    assert by_author["c4"].assignee == cast.bob
    assert by_author["c1"].status == by_author["c2"].status == Conversation.Status.OPEN
    message = Message.objects.get(conversation=by_author["c1"])
    assert message.language == "fr"
    assert message.reasons  # French reasons from the insight package
    assert "complaint" in message.intents


def test_malformed_items_are_skipped_without_blocking_the_rest(
    cast: Cast, account: SocialAccount
) -> None:
    good = item(PRAISE)
    bad_id = InboundItem(
        kind=InboundKind.COMMENT,
        remote_id="",
        text="x",
        created_at=datetime.now(UTC),
        author_id="a",
    )
    result = inbox_ingest(account, [bad_id, "garbage", None, good])  # type: ignore[list-item]
    assert (result.received, result.skipped, result.stored) == (4, 3, 1)
    assert Message.objects.get(account=account).remote_id == good.remote_id


def test_huge_and_strange_text_is_stored_cut(cast: Cast, account: SocialAccount) -> None:
    result = inbox_ingest(account, [item("é\x00" + "a" * 100_000 + "\u202e")])
    assert result.stored == 1
    stored = Message.objects.get(account=account).text
    assert stored.startswith("éa") and len(stored) == 19_999  # NUL dropped, cut at 20,000


def test_a_new_message_reopens_a_done_conversation(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item("Bonjour", author="anne", hours_ago=5)])
    conversation = Conversation.objects.get(account=account)
    conversation.status = Conversation.Status.DONE
    conversation.first_response_at = datetime.now(UTC) - timedelta(hours=4)
    conversation.awaiting_since = None
    conversation.save()
    inbox_ingest(account, [item("Encore une question ?", author="anne", hours_ago=1)])
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.awaiting_since is not None


def test_priority_order_raises_complaints_and_leads_over_the_goal(
    cast: Cast, account: SocialAccount
) -> None:
    inbox_ingest(
        account,
        [
            item(PRAISE, author="fan", hours_ago=1),
            item("Vous êtes ouverts le samedi ?", author="curious", hours_ago=30),
            item(COMPLAINT, author="angry", hours_ago=26),
            item(QUOTE, author="buyer", hours_ago=25),
            item(QUOTE, author="fresh-buyer", hours_ago=1),
        ],
    )
    page = inbox_page(organisation=cast.org, user=cast.alice, filters=InboxFilters())
    order = [c.participant_handle for c in page.conversations]
    assert order[:2] == ["angry", "buyer"]  # over the 24 h goal, oldest first
    assert order.index("fresh-buyer") < order.index("fan")
    assert {c.participant_handle for c in page.conversations if c.pk in page.over_goal_ids} == {
        "angry",
        "buyer",
        "curious",
    }
    newest = inbox_page(
        organisation=cast.org, user=cast.alice, filters=InboxFilters(order="newest")
    )
    assert newest.conversations[0].participant_handle in {"fan", "fresh-buyer"}
    paged = inbox_page(
        organisation=cast.org, user=cast.alice, filters=InboxFilters(), offset=1, limit=2
    )
    assert [c.participant_handle for c in paged.conversations] == order[1:3]
    assert paged.has_more


def test_filters(cast: Cast, account: SocialAccount, new_account: object) -> None:
    other = new_account("instagram")  # type: ignore[operator]
    inbox_ingest(account, [item(COMPLAINT, author="a")])
    inbox_ingest(other, [item(PRAISE, author="b")])
    conversation = Conversation.objects.get(participant_handle="a")
    conversation.assignee = cast.bob
    conversation.save()

    def handles(**kw: object) -> set[str]:
        page = inbox_page(organisation=cast.org, user=cast.alice, filters=InboxFilters(**kw))  # type: ignore[arg-type]
        return {c.participant_handle for c in page.conversations}

    assert handles(network="instagram") == {"b"}
    assert handles(account=account.pk) == {"a"}
    assert handles(intent="complaint") == {"a"}
    assert handles(sentiment="positive") == {"b"}
    assert handles(assignee=str(cast.bob.pk)) == {"a"}
    assert handles(assignee="none") == {"b"}
    assert handles(status="done") == set()
    assert handles(over_goal=True) == set()
    assert handles(q="livrée") == {"a"}


def test_another_organisation_never_sees_these_messages(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item(COMPLAINT)])
    page = inbox_page(
        organisation=cast.other_org, user=cast.charlie, filters=InboxFilters(q="livrée")
    )
    assert page.conversations == []
    assert (
        inbox_page(
            organisation=cast.other_org, user=cast.charlie, filters=InboxFilters()
        ).conversations
        == []
    )
