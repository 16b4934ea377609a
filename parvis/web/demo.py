"""The demo organisation: "Menuiserie Martin", invented data, labelled as demo everywhere.

Each app that has something to show adds a filler to ``DEMO_FILLERS``: a function
``fill(organisation, owner)`` that creates that app's invented rows. Fillers run in order, in
one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Organisation, User
from parvis.accounts.selectors import memberships_of
from parvis.accounts.services import organisation_create, user_switch_organisation
from parvis.core.audit import audit_record

DEMO_NAME = "Menuiserie Martin (démo)"

DEMO_FILLERS: tuple[str, ...] = (
    "parvis.accounts.demo.fill_team",
    "parvis.strategy.demo.fill",
    "parvis.publishing.demo.fill",
    "parvis.inbox.demo.fill",
    "parvis.watch.demo.fill",
    # Last: adopting the plan sets up its tools on the accounts the fillers above created.
    "parvis.strategy.demo.set_up_tools",
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


def demo_of(user: User) -> Organisation | None:
    """The demo organisation ``user`` already belongs to and may enter, if any."""
    for membership in memberships_of(user).filter(organisation__is_demo=True):
        if organisation_closed(membership.organisation) is None:
            return membership.organisation
    return None


def demo_open(*, user: User) -> Organisation:
    """The demo, in one click from anywhere: the user's own demo organisation when they have
    one (a second click never piles up copies), else a fresh one. It becomes the user's
    current organisation, so « Parvis » in the top bar brings them back to it."""
    organisation = demo_of(user) or demo_create(owner=user)
    user_switch_organisation(user=user, organisation=organisation)
    return organisation
