"""Merge new translations into a catalogue and recompile it, with Python alone.

    python scripts/add_messages.py FRAGMENT.po [LANGUAGE]      LANGUAGE defaults to fr

FRAGMENT.po is a small gettext file holding only the entries to add or correct (msgid, msgstr,
optional msgctxt, msgid_plural and flags such as ``python-format``). Each entry replaces the
catalogue's entry with the same msgid and context, or is appended. The catalogue is locked while
it is rewritten, so that several people (or editors) adding messages at once lose nothing, and
the .mo file is replaced atomically. Without GNU gettext there is no ``makemessages``: new
strings are written into a fragment by hand, and tests/test_translations.py checks the result.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "parvis" / "locale"


def merge(fragment: polib.POFile, catalogue: polib.POFile) -> tuple[int, int]:
    """Add or replace ``fragment``'s entries in ``catalogue``; return (added, replaced)."""
    added = replaced = 0
    for entry in fragment:
        existing = catalogue.find(entry.msgid, msgctxt=entry.msgctxt or False)
        if existing is None:
            catalogue.append(entry)
            added += 1
            continue
        existing.msgstr = entry.msgstr
        existing.msgstr_plural = entry.msgstr_plural
        existing.msgid_plural = entry.msgid_plural
        existing.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        replaced += 1
    return added, replaced


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    fragment = polib.pofile(argv[0])
    language = argv[1] if len(argv) == 2 else "fr"
    source = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    with source.open("r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        catalogue = polib.pofile(handle.read())
        added, replaced = merge(fragment, catalogue)
        text = catalogue.__unicode__()
        handle.seek(0)
        handle.write(text)
        handle.truncate()
        handle.flush()
        partial = source.with_suffix(".mo.partial")
        catalogue.save_as_mofile(str(partial))
        os.replace(partial, source.with_suffix(".mo"))
    print(f"{source}: {added} added, {replaced} replaced")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
