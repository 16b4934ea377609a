"""Who performs an action inside an organisation: a member, or one of its API keys.

Services take an ``Actor`` so that pages (a membership), the REST API (a session or a key) and
background code all go through the same permission check and leave the same audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parvis.accounts.models import ApiKey, Membership, Organisation, User
from parvis.accounts.roles import at_least
from parvis.core.audit import audit_record

if TYPE_CHECKING:
    from parvis.accounts.api_auth import OrgAccess


@dataclass(frozen=True)
class Actor:
    organisation: Organisation
    role: str
    user: User | None = None
    api_key: ApiKey | None = None

    @classmethod
    def of(cls, membership: Membership) -> Actor:
        return cls(membership.organisation, membership.role, membership.user)

    @classmethod
    def of_access(cls, access: OrgAccess) -> Actor:
        return cls(access.organisation, access.role, access.user, access.api_key)

    def can(self, minimum: str) -> bool:
        return at_least(self.role, minimum)

    def require(self, minimum: str) -> None:
        if not self.can(minimum):
            raise PermissionDenied(_("Your role does not allow this."))

    def audit(self, action: str, target: Any, **data: Any) -> None:
        audit_record(
            action=action,
            organisation=self.organisation,
            actor=self.user,
            api_key=self.api_key,
            target=target,
            **data,
        )
