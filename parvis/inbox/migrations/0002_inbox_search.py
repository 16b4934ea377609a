"""Full-text search over messages, per database.

SQLite: an FTS5 table with the message table as external content, kept in step by triggers
(so bulk inserts, imports and deletes by cascade are all indexed without the ORM's help).
``unicode61 remove_diacritics 2`` makes « livrée » match « livree »; French has no stemmer in
FTS5, so the search adds prefix matching instead (see ``parvis/inbox/search.py``).
Cost to remember: SQLite rebuilds a table on many ALTERs and drops its triggers; a later
migration that alters ``inbox_message`` on SQLite must run ``SQLITE_TRIGGERS`` again.

PostgreSQL: a generated ``tsvector`` column with the French configuration (stemming) over the
text with its accents folded, and a GIN index.
The ORM model does not declare it: it is only read by the search query.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS inbox_message_fts USING fts5(
    text, author_handle, author_name,
    content='inbox_message', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS inbox_message_fts_ai AFTER INSERT ON inbox_message BEGIN
      INSERT INTO inbox_message_fts(rowid, text, author_handle, author_name)
      VALUES (new.id, new.text, new.author_handle, new.author_name);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inbox_message_fts_ad AFTER DELETE ON inbox_message BEGIN
      INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text, author_handle, author_name)
      VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS inbox_message_fts_au
    AFTER UPDATE OF text, author_handle, author_name ON inbox_message BEGIN
      INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text, author_handle, author_name)
      VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
      INSERT INTO inbox_message_fts(rowid, text, author_handle, author_name)
      VALUES (new.id, new.text, new.author_handle, new.author_name);
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS inbox_message_fts_ai",
    "DROP TRIGGER IF EXISTS inbox_message_fts_ad",
    "DROP TRIGGER IF EXISTS inbox_message_fts_au",
    "DROP TABLE IF EXISTS inbox_message_fts",
]
# Accents are folded with translate() (immutable, unlike the unaccent extension, which a
# generated column cannot use and which needs a superuser to install): « chene » finds « chêne ».
ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY"
POSTGRES = [
    f"""
    ALTER TABLE inbox_message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('french'::regconfig, translate(
        coalesce(text, '') || ' ' || coalesce(author_handle, '') || ' ' || coalesce(author_name, ''),
        '{ACCENTED}', '{PLAIN}'))
    ) STORED
    """,
    "CREATE INDEX inbox_message_search ON inbox_message USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS inbox_message_search",
    "ALTER TABLE inbox_message DROP COLUMN IF EXISTS search_vector",
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
    dependencies = [("inbox", "0001_inbox_models")]

    operations = [migrations.RunPython(forwards, backwards)]
