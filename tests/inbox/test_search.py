"""French full-text search: FTS5 on SQLite, tsvector on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import pytest

from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, Message
from parvis.inbox.search import fts5_query, matching_conversation_ids
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account


def _ids(cast: Cast, query: str) -> set[str]:
    found = matching_conversation_ids(cast.org.pk, query)
    return set(
        Conversation.objects.filter(pk__in=found).values_list("participant_handle", flat=True)
    )


@pytest.mark.parametrize("common_matches", [20_000, -1], ids=["gin", "newest-first"])
def test_words_accents_and_prefixes(
    cast: Cast, account: SocialAccount, common_matches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL chooses its plan from the estimated matches; -1 forces the other plan.
    monkeypatch.setattr("parvis.inbox.search.COMMON_MATCHES", common_matches)
    inbox_ingest(
        account,
        [
            item("Ma livraison est en retard depuis une semaine", author="a"),
            item("Un devis pour un escalier en chêne ?", author="b"),
            item("Merci pour les volets", author="marcelline"),
        ],
    )
    assert _ids(cast, "livraison") == {"a"}
    assert _ids(cast, "LIVRAISON retard") == {"a"}
    assert _ids(cast, "livr") == {"a"}  # a prefix finds the word
    assert _ids(cast, "escalier chene") == {"b"}  # without the accent
    assert _ids(cast, "escalier volets") == set()  # every word is required
    assert _ids(cast, "marcelline") == {"marcelline"}  # the author's handle is searchable


def test_search_syntax_from_the_user_is_inert(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item("Bonjour, une question", author="a")])
    for query in ['"', "bonjour OR *", "NEAR(", "') ; DROP TABLE inbox_message; --", "&|!:*", ""]:
        matching_conversation_ids(cast.org.pk, query)  # must not raise
    assert _ids(cast, "bonjour *") == {"a"}
    assert Message.objects.count() == 1
    assert fts5_query('a"b c') == '"a"* "b"* "c"*'


def test_search_is_scoped_and_follows_updates(cast: Cast, account: SocialAccount) -> None:
    inbox_ingest(account, [item("parquet massif", author="ours")])
    foreign = make_account(cast.other_org)
    inbox_ingest(foreign, [item("parquet flottant", author="theirs")])
    assert _ids(cast, "parquet") == {"ours"}
    message = Message.objects.get(account=account)
    message.text = "lambris"
    message.save()
    assert _ids(cast, "parquet") == set()
    assert _ids(cast, "lambris") == {"ours"}
    message.conversation.delete()
    assert _ids(cast, "lambris") == set()


def test_words_that_always_come_together(
    cast: Cast, account: SocialAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """« Saint-Malo »: PostgreSQL estimates two common words together as rare; the newest
    messages are searched first then (the estimate is forced here, the small test table
    would not produce it)."""
    monkeypatch.setattr(
        "parvis.inbox.search.pg_estimate",
        lambda cursor, tsquery, table="": 10 if "&" in tsquery else 1e6,
    )
    monkeypatch.setattr("parvis.inbox.search.MAX_MATCHES", 4)
    inbox_ingest(
        account,
        [item(f"Livraison à Saint-Malo {n}", author=f"client{n}", thread=f"p{n}") for n in range(6)]
        + [item("Livraison à Saint-Brieuc", author="other")],
    )
    found = matching_conversation_ids(cast.org.pk, "Saint-Malo", limit=4)
    handles = set(
        Conversation.objects.filter(pk__in=found).values_list("participant_handle", flat=True)
    )
    assert handles == {"client5", "client4", "client3", "client2"}  # the newest four
