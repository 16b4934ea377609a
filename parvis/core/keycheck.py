"""Which configured key decrypts the stored secrets: the census behind ``parvis doctor``,
``parvis backup`` and ``parvis restore``.

Fernet tokens do not record which key made them, so each stored value is tried key by key
(:func:`parvis.core.crypto.decrypting_key`). Keys are only ever named by their fingerprint.
The census reads the raw column (not through the field, which would decrypt), from Django's
connection or from any DB-API cursor (the SQLite copy inside a backup archive).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.core import crypto
from parvis.core.fields import encrypted_fields

log = logging.getLogger("parvis.crypto")

# How many values per encrypted column `parvis doctor` reads (the newest first).
DOCTOR_SAMPLE = 500
# Where `parvis restore` leaves what it restored (its manifest), for `parvis doctor` to name the
# key a restored archive needs.
LAST_RESTORE_FILE = "last-restore.json"


@dataclass(frozen=True)
class ColumnCensus:
    """One encrypted column: how many values each configured key decrypts, how many none."""

    label: str  # app.Model.field
    read: int
    by_key: dict[int, int]
    unreadable: int


@dataclass(frozen=True)
class KeyCensus:
    fingerprints: list[str]  # of PARVIS_ENCRYPTION_KEYS, in order
    columns: list[ColumnCensus] = field(default_factory=list)
    complete: bool = True  # every value was read, not a sample

    @property
    def read(self) -> int:
        return sum(column.read for column in self.columns)

    @property
    def unreadable(self) -> int:
        return sum(column.unreadable for column in self.columns)

    def decrypted_by(self, index: int) -> int:
        return sum(column.by_key.get(index, 0) for column in self.columns)

    @property
    def needed_fingerprints(self) -> list[str]:
        """Fingerprints of the keys that decrypt at least one stored value."""
        return [fp for i, fp in enumerate(self.fingerprints) if self.decrypted_by(i)]

    @property
    def unused_keys(self) -> list[int]:
        return [i for i in range(len(self.fingerprints)) if not self.decrypted_by(i)]

    def unreadable_where(self) -> str:
        return ", ".join(f"{c.label}: {c.unreadable}" for c in self.columns if c.unreadable)


Quote = Callable[[str], str]


def _raw_values(
    cursor: Any, quote: Quote, table: str, column: str, pk: str, limit: int | None
) -> list[str]:
    sql = (
        f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608 - names from the models
        f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> '' ORDER BY {quote(pk)} DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cursor.execute(sql)
    return [str(row[0]) for row in cursor.fetchall()]


def key_census(*, limit: int | None = None, cursor: Any = None) -> KeyCensus:
    """Try every stored encrypted value (at most ``limit`` per column, newest first) against
    each configured key. ``cursor`` reads another SQLite database than Django's (a backup)."""
    columns = []
    own_cursor = cursor is None
    active = connection.cursor() if own_cursor else cursor
    quote: Quote = connection.ops.quote_name
    try:
        for model, encrypted in encrypted_fields():
            values = _raw_values(
                active,
                quote,
                model._meta.db_table,
                encrypted.column,
                model._meta.pk.column if model._meta.pk is not None else "id",
                limit,
            )
            by_key: dict[int, int] = {}
            unreadable = 0
            for value in values:
                index = crypto.decrypting_key(value)
                if index is None:
                    unreadable += 1
                else:
                    by_key[index] = by_key.get(index, 0) + 1
            columns.append(ColumnCensus(encrypted.column_label, len(values), by_key, unreadable))
    finally:
        if own_cursor:
            active.close()
    complete = limit is None or all(column.read < limit for column in columns)
    return KeyCensus(crypto.configured_fingerprints(), columns, complete)


def last_restore() -> dict[str, Any] | None:
    """The manifest of the archive ``parvis restore`` last restored here, if any."""
    path = Path(settings.VAR_DIR) / LAST_RESTORE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def doctor_lines(census: KeyCensus) -> list[tuple[bool, str]]:
    """(ok, sentence) pairs for ``parvis doctor``: which key decrypts what, which is missing,
    which is unused. Sentences name keys by position and fingerprint, never by value."""
    fingerprints = census.fingerprints
    lines: list[tuple[bool, str]] = [
        (
            True,
            _(
                "Encryption keys: %(count)d configured, fingerprints %(fingerprints)s (the "
                "first one encrypts; fingerprints identify keys without revealing them)."
            )
            % {"count": len(fingerprints), "fingerprints": ", ".join(fingerprints)},
        )
    ]
    if not census.read:
        lines.append((True, _("No encrypted value is stored yet.")))
        return lines
    for index, fingerprint in enumerate(fingerprints):
        count = census.decrypted_by(index)
        if count:
            lines.append(
                (
                    True,
                    ngettext(
                        "Key %(position)d (%(fingerprint)s) decrypts %(count)d stored value.",
                        "Key %(position)d (%(fingerprint)s) decrypts %(count)d stored values.",
                        count,
                    )
                    % {"position": index + 1, "fingerprint": fingerprint, "count": count},
                )
            )
    if census.unreadable:
        lines.append(
            (
                False,
                ngettext(
                    "%(count)d token cannot be decrypted with any configured key: the key used "
                    "to encrypt it is missing from PARVIS_ENCRYPTION_KEYS (%(where)s). Put that "
                    "key back in the list, or reconnect the accounts concerned.",
                    "%(count)d tokens cannot be decrypted with any configured key: the key used "
                    "to encrypt them is missing from PARVIS_ENCRYPTION_KEYS (%(where)s). Put that "
                    "key back in the list, or reconnect the accounts concerned.",
                    census.unreadable,
                )
                % {"count": census.unreadable, "where": census.unreadable_where()},
            )
        )
        restored = last_restore()
        needed = restored.get("keys", {}).get("needed", []) if restored else []
        missing = [fp for fp in needed if isinstance(fp, str) and fp not in fingerprints]
        if restored and missing:
            lines.append(
                (
                    False,
                    _(
                        "The missing key is the one with fingerprint %(fingerprints)s: the "
                        "archive %(archive)s (made on %(date)s), restored here, was encrypted "
                        "with it."
                    )
                    % {
                        "fingerprints": ", ".join(missing),
                        "archive": restored.get("archive", "?"),
                        "date": restored.get("created_at", "?"),
                    },
                )
            )
        lines.append(
            (
                False,
                _(
                    "To test a candidate key: PARVIS_ENCRYPTION_KEYS=<key> parvis doctor shows its "
                    "fingerprint and how many tokens it decrypts."
                ),
            )
        )
    for index in census.unused_keys:
        values = {"position": index + 1, "fingerprint": fingerprints[index]}
        if index == 0 and census.unreadable:
            continue  # the missing key is the news, not an unused first key
        if index == 0:
            sentence = _(
                "Key 1 (%(fingerprint)s) encrypts new values but decrypts no stored value yet: "
                "`parvis rotate_keys` re-encrypts them with it."
            )
        elif census.complete:
            sentence = _(
                "Key %(position)d (%(fingerprint)s) decrypts no stored value: it can be removed "
                "from the list."
            )
        else:
            sentence = _(
                "Key %(position)d (%(fingerprint)s) decrypts none of the values read (a sample): "
                "after `parvis rotate_keys`, it can be removed from the list."
            )
        lines.append((True, sentence % values))
    return lines
