"""Whether an organisation is closed to its members for now, asked by both doors.

Pages (``access.org_view``) and the API (``api_auth.org_access``) let a member in only when no
registered gate closes the organisation. The app that knows why an organisation closes
registers its gate from its ``AppConfig.ready`` (privacy: a deletion a worker has started), so
that accounts asks without importing the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    # Names only: apps register their gate from ``AppConfig.ready``, whose module is read
    # before the models exist.
    from parvis.accounts.models import Organisation


@dataclass(frozen=True)
class OrganisationClosed:
    """What members are told while the organisation is closed."""

    # The page every member gets, with status 410 (Gone).
    page_template: str
    # The API's refusal (403, declared on every operation): lazy, said in the caller's language.
    api_detail: str | Promise


OrganisationGate = Callable[["Organisation"], OrganisationClosed | None]

_gates: list[OrganisationGate] = []


def organisation_gate_register(gate: OrganisationGate) -> None:
    """Ask ``gate`` on every request to an organisation's pages and API (once per gate)."""
    if gate not in _gates:
        _gates.append(gate)


def organisation_closed(organisation: Organisation) -> OrganisationClosed | None:
    """Why ``organisation`` refuses every request now, or None while it is open."""
    for gate in _gates:
        closed = gate(organisation)
        if closed is not None:
            return closed
    return None
