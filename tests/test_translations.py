"""The French catalogue is complete (no untranslated or fuzzy entry ships) and compiles, with
Python alone, into the .mo file Django reads."""

from __future__ import annotations

import gettext
import importlib.util
from pathlib import Path
from types import ModuleType

import polib
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "parvis/locale/fr/LC_MESSAGES/django.po"
SCRIPT = ROOT / "scripts/compile_messages.py"


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


def _compile_messages() -> ModuleType:
    """scripts/compile_messages.py, what `make` runs to build the .mo files (no GNU gettext)."""
    spec = importlib.util.spec_from_file_location("compile_messages", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_catalogue_holds_every_translated_message(tmp_path: Path) -> None:
    target = tmp_path / "django.mo"
    assert _compile_messages().compile_catalogue(CATALOGUE, target) == []
    with target.open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[1]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr


def test_a_translation_with_other_placeholders_stops_the_build(tmp_path: Path) -> None:
    source, target = tmp_path / "django.po", tmp_path / "django.mo"
    source.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Bonjour %(nom)s"\n',
        encoding="utf-8",
    )
    errors = _compile_messages().compile_catalogue(source, target)
    assert len(errors) == 1 and "%(nom)s" in errors[0]
    assert not target.exists()


def test_django_reads_the_compiled_french_catalogue() -> None:
    with translation.override("fr"):
        assert translation.gettext("Create your account") == "Créez votre compte"
    with translation.override("en"):
        assert translation.gettext("Create your account") == "Create your account"
