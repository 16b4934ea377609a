"""Where each app declares how to find, export and erase one person's data.

A *person* here is someone outside the team whose data Parvis holds: a commenter in the inbox
today; a contact, a candidate or a lead in the modules to come. The « Données personnelles »
page searches every registered source at once, and exports or erases what the manager ticked,
so a new module is covered by registering one object from its ``AppConfig.ready``::

    from parvis.privacy import registry
    registry.register(ContactsPersonData())

Contract of a source (see :class:`PersonDataSource`):

* every method receives the organisation and must read and write only that organisation's
  rows (a key made up by a caller, or one from another organisation, finds nothing);
* ``key`` is the source's own opaque identifier of one person, as returned by ``find``; it
  may hold identifiers (a network id), so it is never written to the audit log;
* ``export`` returns JSON-ready data and the person's files; nothing of another person;
* ``erase`` is safe to run twice and returns counts only (they go to the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

# A reference to one person in one source, as the page's forms carry it: "<source>|<key>".
SEPARATOR = "|"


@dataclass(frozen=True)
class PersonMatch:
    """One person a search found in one source."""

    source: str
    key: str
    label: str  # who: « @jdupont (Jean Dupont) »
    detail: str  # where and how much: « Facebook · Menuiserie A · 3 messages »

    @property
    def reference(self) -> str:
        return f"{self.source}{SEPARATOR}{self.key}"


@dataclass(frozen=True)
class ExportedFile:
    name: str  # a plain file name, placed under files/<source>/ in the archive
    content: bytes


@dataclass
class PersonExport:
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable
    files: list[ExportedFile] = field(default_factory=list)


class PersonDataSource(Protocol):
    """What a module registers to make its people's data exportable and erasable."""

    @property
    def name(self) -> str:
        """Short and stable: it is part of the references the page posts."""
        ...

    @property
    def label(self) -> str | Promise:
        """Shown on the page: « Messagerie »."""
        ...

    def find(self, organisation: Organisation, query: str, *, limit: int) -> list[PersonMatch]:
        """People matching ``query`` (a handle, a network id, a name), at most ``limit``."""
        ...

    def export(self, organisation: Organisation, key: str) -> PersonExport:
        """Everything this source holds about the person ``key``; empty if unknown."""
        ...

    def erase(self, organisation: Organisation, key: str) -> dict[str, int]:
        """Erase the person ``key``'s data; return what was erased, as counts."""
        ...


_SOURCES: dict[str, PersonDataSource] = {}


def register(source: PersonDataSource) -> None:
    """Add ``source``; registering the same name again replaces it (app reloads in tests)."""
    if not source.name or SEPARATOR in source.name:
        raise ValueError(f"A source name must be non-empty and without {SEPARATOR!r}.")
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[PersonDataSource]:
    return list(_SOURCES.values())


def get_source(name: str) -> PersonDataSource | None:
    return _SOURCES.get(name)


def parse_reference(reference: str) -> tuple[PersonDataSource, str] | None:
    """The source and key named by a "<source>|<key>" reference, or None if malformed."""
    name, separator, key = reference.partition(SEPARATOR)
    source = _SOURCES.get(name)
    if not separator or source is None or not key or len(key) > 500 or "\x00" in key:
        return None
    return source, key
