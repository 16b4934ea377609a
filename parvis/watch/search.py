"""Full-text search over collected items: FTS5 on SQLite, ``tsvector`` on PostgreSQL.

The query syntax is the inbox's (:mod:`parvis.inbox.search`): every word required, as a
prefix, quoted so no search syntax comes from the user. Returns item ids, newest match first,
capped so a very common word stays cheap.
"""

from __future__ import annotations

from django.db import connection

from parvis.inbox.search import _pg_query as pg_query
from parvis.inbox.search import fts5_query

MAX_MATCHES = 1000


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
            cursor.execute(
                "SELECT i.id FROM watch_item AS i WHERE i.organisation_id = %s"
                " AND i.search_vector @@ to_tsquery('french', %s) ORDER BY i.id DESC LIMIT %s",
                [organisation_id, pg_query(query), limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return []  # pragma: no cover - Parvis supports these two databases
