"""The demo organisation: "Menuiserie Martin", invented data, labelled as demo everywhere.

Each app that has something to show adds a filler to ``DEMO_FILLERS``: a function
``fill(organisation, owner)`` that creates that app's invented rows. Fillers run in order, in
one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string

from parvis.accounts.models import Organisation, User
from parvis.accounts.services import organisation_create
from parvis.core.audit import audit_record

DEMO_NAME = "Menuiserie Martin (démo)"

DEMO_FILLERS: tuple[str, ...] = (
    "parvis.accounts.demo.fill_team",
    "parvis.strategy.demo.fill",
    "parvis.publishing.demo.fill",
    "parvis.inbox.demo.fill",
)


@transaction.atomic
def demo_create(*, owner: User) -> Organisation:
    """Create a fresh demo organisation owned by ``owner`` and let every app fill it."""
    organisation = organisation_create(
        name=DEMO_NAME, owner=owner, timezone_name="Europe/Paris", is_demo=True
    )
    for dotted_path in DEMO_FILLERS:
        import_string(dotted_path)(organisation, owner)
    audit_record(action="demo.created", organisation=organisation, actor=owner, target=organisation)
    return organisation
