"""French full-text search over messages: FTS5 on SQLite, ``tsvector`` on PostgreSQL.

Both return the ids of conversations whose messages match, most recently stored match first,
capped: the inbox shows the newest matching conversations, and the cap bounds the cost of a
search for a very common word in a million messages: FTS5 walks its index newest first and
stops early; PostgreSQL picks, from its own estimate, between walking messages newest first
(common words) and reading the GIN index (rarer ones).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from django.db import connection

MAX_MATCHES = 200
_TERM = re.compile(r"[^\W_]+", re.UNICODE)


def _terms(query: str) -> list[str]:
    return _TERM.findall(query)[:8]


def fts5_query(query: str) -> str:
    """Every word required, as a prefix (FTS5 has no French stemmer: « livr » finds
    « livraison » and « livrée »). Words are quoted, so no FTS5 syntax from the user runs."""
    return " ".join(f'"{term}"*' for term in _terms(query))


def matching_conversation_ids(
    organisation_id: int, query: str, limit: int = MAX_MATCHES
) -> list[int]:
    """Ids of the organisation's conversations with a message matching ``query``."""
    if not _terms(query):
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # FTS5 walks its index by rowid, newest first, and stops at the LIMIT. (A DISTINCT
            # over an ordered subquery lost the order: SQLite flattens it.)
            cursor.execute(
                "SELECT m.conversation_id FROM inbox_message_fts AS f"
                " JOIN inbox_message AS m ON m.id = f.rowid"
                " WHERE inbox_message_fts MATCH %s AND m.organisation_id = %s"
                " ORDER BY f.rowid DESC LIMIT %s",
                [fts5_query(query), organisation_id, limit * 4],
            )
            return list(dict.fromkeys(row[0] for row in cursor.fetchall()))[:limit]
        if connection.vendor == "postgresql":
            return _postgres_ids(cursor, organisation_id, query, limit)
    return []  # pragma: no cover - Parvis supports these two databases


# Above this many estimated matches, walking messages newest first and stopping at the limit
# beats reading every match from the GIN index and sorting them (measured at 1,000,000
# messages: a common word took 170-350 ms the GIN way, 4-16 ms newest first); below it, the
# newest-first walk could read the whole table for a rare word, and the GIN way is cheap.
COMMON_MATCHES = 20_000
# PostgreSQL multiplies the words' frequencies as if independent; « Saint-Malo » is two
# common words that always come together, estimated rare and matched 40,000 times. When every
# word is common, the newest messages are searched first, within this many ids.
RECENT_WINDOW = 100_000

_NEWEST_FIRST = (
    "SELECT m.conversation_id FROM inbox_message AS m"
    " WHERE m.organisation_id = %s AND m.id > %s"
    "   AND m.search_vector @@ to_tsquery('french', %s)"
    " ORDER BY m.id DESC LIMIT %s"
)
_FROM_INDEX = (
    "SELECT m.conversation_id FROM inbox_message AS m"
    " WHERE m.organisation_id = %s AND m.search_vector @@ to_tsquery('french', %s)"
    " GROUP BY m.conversation_id ORDER BY max(m.id) DESC LIMIT %s"
)


def pg_estimate(cursor: Any, tsquery: str, table: str = "inbox_message") -> float:
    """PostgreSQL's estimate of the rows of ``table`` (a constant of ours, never input)
    matching ``tsquery`` (about 1 ms)."""
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table}"  # noqa: S608 - a table name of ours
        " WHERE search_vector @@ to_tsquery('french', %s)",
        [tsquery],
    )
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def _newest_first(
    cursor: Any, organisation_id: int, tsquery: str, after: int, limit: int
) -> list[int]:
    cursor.execute(_NEWEST_FIRST, [organisation_id, after, tsquery, limit * 4])
    return list(dict.fromkeys(row[0] for row in cursor.fetchall()))[:limit]


def _postgres_ids(cursor: Any, organisation_id: int, query: str, limit: int) -> list[int]:
    """Conversation ids, newest match first, choosing the plan from PostgreSQL's estimates."""
    tsquery = _pg_query(query)
    if pg_estimate(cursor, tsquery) > COMMON_MATCHES:
        return _newest_first(cursor, organisation_id, tsquery, 0, limit)
    terms = _terms(query)
    if len(terms) > 1 and all(pg_estimate(cursor, _pg_query(t)) > COMMON_MATCHES for t in terms):
        cursor.execute("SELECT coalesce(max(id), 0) FROM inbox_message")
        recent_from = int(cursor.fetchone()[0]) - RECENT_WINDOW
        found = _newest_first(cursor, organisation_id, tsquery, recent_from, limit)
        if len(found) >= limit // 4:  # a page and more among the newest: that is the answer
            return found
    cursor.execute(_FROM_INDEX, [organisation_id, tsquery, limit])
    return [row[0] for row in cursor.fetchall()]


def _fold(term: str) -> str:
    """Lower case without accents, as the indexed column is (migration 0002)."""
    decomposed = unicodedata.normalize("NFKD", term.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pg_query(query: str) -> str:
    """``to_tsquery`` text: each word (letters and digits only, so nothing of the tsquery
    syntax comes from the user) folded and as a prefix, all required."""
    return " & ".join(f"{_fold(term)}:*" for term in _terms(query))
