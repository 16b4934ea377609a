"""Full-text search over collected items, per database (the inbox's approach: see
``parvis/inbox/migrations/0002_inbox_search.py``).

SQLite: an FTS5 table with the item table as external content, kept in step by triggers.
A later migration that alters ``watch_item`` on SQLite must run ``SQLITE_TRIGGERS`` again.
PostgreSQL: a generated French ``tsvector`` over the accent-folded text, with a GIN index.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMNS = "title, text, author_handle, author_name"
SQLITE_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS watch_item_fts USING fts5(
    {COLUMNS},
    content='watch_item', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""
_NEW = "new.title, new.text, new.author_handle, new.author_name"
_OLD = "old.title, old.text, old.author_handle, old.author_name"
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS watch_item_fts_ai AFTER INSERT ON watch_item BEGIN
      INSERT INTO watch_item_fts(rowid, {COLUMNS}) VALUES (new.id, {_NEW});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS watch_item_fts_ad AFTER DELETE ON watch_item BEGIN
      INSERT INTO watch_item_fts(watch_item_fts, rowid, {COLUMNS})
      VALUES ('delete', old.id, {_OLD});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS watch_item_fts_au
    AFTER UPDATE OF {COLUMNS} ON watch_item BEGIN
      INSERT INTO watch_item_fts(watch_item_fts, rowid, {COLUMNS})
      VALUES ('delete', old.id, {_OLD});
      INSERT INTO watch_item_fts(rowid, {COLUMNS}) VALUES (new.id, {_NEW});
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS watch_item_fts_ai",
    "DROP TRIGGER IF EXISTS watch_item_fts_ad",
    "DROP TRIGGER IF EXISTS watch_item_fts_au",
    "DROP TABLE IF EXISTS watch_item_fts",
]
ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY"
POSTGRES = [
    f"""
    ALTER TABLE watch_item ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('french'::regconfig, translate(
        coalesce(title, '') || ' ' || coalesce(text, '') || ' ' || coalesce(author_handle, '')
        || ' ' || coalesce(author_name, ''),
        '{ACCENTED}', '{PLAIN}'))
    ) STORED
    """,
    "CREATE INDEX watch_item_search ON watch_item USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS watch_item_search",
    "ALTER TABLE watch_item DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, [SQLITE_TABLE, *SQLITE_TRIGGERS])
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES)


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_watch_models")]

    operations = [migrations.RunPython(forwards, backwards)]
