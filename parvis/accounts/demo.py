"""Demo data of the accounts app: the invented team of Menuiserie Martin."""

from __future__ import annotations

from parvis.accounts.models import Membership, Organisation, User
from parvis.accounts.roles import Role

# Invented people. The .invalid domain (RFC 2606) guarantees no e-mail ever reaches anyone.
DEMO_TEAM = (
    ("claire.martin", "Claire Martin", Role.MANAGER),
    ("yann.le-goff", "Yann Le Goff", Role.CONTRIBUTOR),
    ("sophie.riou", "Sophie Riou", Role.VIEWER),
)


def fill_team(organisation: Organisation, owner: User) -> None:
    for local_part, full_name, role in DEMO_TEAM:
        email = f"{local_part}@{organisation.slug}.demo.invalid"
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "is_active": False}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
