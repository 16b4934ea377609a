"""The French catalogue is complete: no untranslated or fuzzy entry ships."""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "parvis/locale/fr/LC_MESSAGES/django.po"


def test_every_french_message_is_translated() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    assert catalogue.percent_translated() == 100


def test_french_typography_uses_non_breaking_spaces() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for mark in (" :", " ;", " ?", " !"):
                assert mark not in text, (
                    f"{entry.msgid!r}: use a non-breaking space before {mark[1]}"
                )
