"""Compile gettext catalogues into the .mo files Django reads, with Python alone.

    python scripts/compile_messages.py                           every catalogue of parvis/locale
    python scripts/compile_messages.py CATALOGUE.po [CATALOGUE.mo]

The Makefile's ``%.mo: %.po`` rule runs this instead of ``django-admin compilemessages``, which
needs GNU gettext's ``msgfmt``: ``make run`` then needs nothing but Python and make. It does
what ``msgfmt --check-format`` did: fuzzy, untranslated and obsolete entries are left out (polib
writes translated entries only), and an entry whose ``python-format`` placeholders differ from
its ``msgid``'s stops the build, because Django would raise at render time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "parvis" / "locale"

# A printf-style directive: %(name)s, %s, %5.2f... ("%%" is a literal percent sign).
_DIRECTIVE = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([a-zA-Z%])")


def _placeholders(text: str) -> list[str]:
    """The directives of ``text``: names for ``%(name)s``, conversion letters otherwise."""
    return sorted(
        name or f"#{conversion}"
        for name, conversion in _DIRECTIVE.findall(text)
        if conversion != "%"
    )


def format_errors(catalogue: polib.POFile) -> list[str]:
    """Translated ``python-format`` entries whose placeholders differ from the source's."""
    errors: list[str] = []
    for entry in catalogue.translated_entries():
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            # A language's singular may leave out the count (« une heure »), never add one.
            allowed = set(_placeholders(entry.msgid) + _placeholders(entry.msgid_plural))
            wrong = [
                text
                for text in entry.msgstr_plural.values()
                if not set(_placeholders(text)) <= allowed
            ]
        else:
            wrong = (
                [entry.msgstr] if _placeholders(entry.msgstr) != _placeholders(entry.msgid) else []
            )
        errors.extend(f"line {entry.linenum}: {entry.msgid!r} -> {text!r}" for text in wrong)
    return errors


def compile_catalogue(source: Path, target: Path) -> list[str]:
    """Write ``target`` from ``source``; return the format errors instead when there are any."""
    catalogue = polib.pofile(str(source))
    errors = format_errors(catalogue)
    if not errors:
        catalogue.save_as_mofile(str(target))
    return errors


def main(argv: list[str]) -> int:
    if len(argv) > 2:
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    if argv:
        pairs = [(Path(argv[0]), Path(argv[-1]) if len(argv) == 2 else Path(argv[0]))]
    else:
        pairs = [(po, po) for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))]
    failed = False
    for source, target in pairs:
        errors = compile_catalogue(source, target.with_suffix(".mo"))
        for error in errors:
            print(f"{source}: placeholders differ, {error}", file=sys.stderr)  # noqa: T201
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
