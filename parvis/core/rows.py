"""Model values handed to the database driver as they are.

The ingestion paths (inbox messages, watch items) write thousands of rows a second; converting
each value through its field's ``get_db_prep_save`` was a fifth to a third of their time. The
field types below hold values the drivers of SQLite and PostgreSQL take unchanged (str, int,
float, bool, None); every other type (dates, JSON, encrypted fields…) still goes through its
field.
"""

from __future__ import annotations

PLAIN_FIELD_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
