"""Full-text search over collected items: FTS5 on SQLite, ``tsvector`` on PostgreSQL.

The query syntax is the inbox's (:mod:`parvis.inbox.search`): every word required, as a
prefix, quoted so no search syntax comes from the user. Returns item ids, newest match first,
capped so a very common word stays cheap.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from parvis.inbox.search import COMMON_MATCHES, RECENT_WINDOW, fts5_query, pg_estimate
from parvis.inbox.search import _pg_query as pg_query
from parvis.inbox.search import _terms as terms_of

# A search lists its newest 200 matches (about seven pages): past them people refine the words;
# asking for more made a walk of the newest items read hundreds of thousands of rows.
MAX_MATCHES = 200

# PostgreSQL: the inbox's choice of plan (``parvis.inbox.search``), for items. Two common words
# together (« escalier Rennes ») read every match from the GIN index and sorted them: 100-400 ms
# at 5,000,000 items (``parvis bench watch``); walking the newest items first stops early.
_NEWEST_FIRST = (
    "SELECT i.id FROM watch_item AS i"
    " WHERE i.organisation_id = %s AND i.id > %s"
    "   AND i.search_vector @@ to_tsquery('french', %s)"
    " ORDER BY i.id DESC LIMIT %s"
)
_FROM_INDEX = (
    "SELECT i.id FROM watch_item AS i WHERE i.organisation_id = %s"
    " AND i.search_vector @@ to_tsquery('french', %s) ORDER BY i.id DESC LIMIT %s"
)


def _postgres_ids(cursor: Any, organisation_id: int, query: str, limit: int) -> list[int]:
    tsquery = pg_query(query)
    if pg_estimate(cursor, tsquery, "watch_item") > COMMON_MATCHES:
        cursor.execute(_NEWEST_FIRST, [organisation_id, 0, tsquery, limit])
        return [row[0] for row in cursor.fetchall()]
    words = terms_of(query)
    if len(words) > 1 and all(
        pg_estimate(cursor, pg_query(w), "watch_item") > COMMON_MATCHES for w in words
    ):
        cursor.execute("SELECT coalesce(max(id), 0) FROM watch_item")
        recent_from = int(cursor.fetchone()[0]) - RECENT_WINDOW
        cursor.execute(_NEWEST_FIRST, [organisation_id, recent_from, tsquery, limit])
        found = [row[0] for row in cursor.fetchall()]
        if len(found) >= limit // 4:  # enough among the newest: that is the answer
            return found
    cursor.execute(_FROM_INDEX, [organisation_id, tsquery, limit])
    return [row[0] for row in cursor.fetchall()]


def matching_item_ids(organisation_id: int, query: str, limit: int = MAX_MATCHES) -> list[int]:
    """Ids of the organisation's items matching ``query`` (none for a query without words)."""
    match = fts5_query(query)
    if not match:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT i.id FROM watch_item_fts AS f JOIN watch_item AS i ON i.id = f.rowid"
                " WHERE watch_item_fts MATCH %s AND i.organisation_id = %s"
                " ORDER BY f.rowid DESC LIMIT %s",
                [match, organisation_id, limit],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "postgresql":
            return _postgres_ids(cursor, organisation_id, query, limit)
    return []  # pragma: no cover - Parvis supports these two databases
