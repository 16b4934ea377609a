"""REST endpoints of the accounts app."""

# No ``from __future__ import annotations``: ``@paginate`` wraps the view, and ninja reads the
# wrapper's annotations in the pagination module, where names such as ``OrgSlug`` are unknown.

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from parvis.accounts.api_auth import org_access
from parvis.accounts.roles import Role
from parvis.accounts.selectors import members_of
from parvis.core.api_pagination import BoundedPagination
from parvis.core.api_schemas import OrgSlug, responses
from parvis.core.models import AuditEvent

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    name: str
    slug: str
    timezone: str
    is_demo: bool
    approval_required: bool
    role: str


class MemberOut(Schema):
    email: str
    full_name: str
    role: str


class AuditEventOut(Schema):
    created_at: datetime
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str


@router.get(
    "/o/{org}/",
    response=responses({200: OrganisationOut}),
    summary="The organisation and your role in it",
)
def organisation_detail(request: HttpRequest, org: OrgSlug) -> OrganisationOut:
    access = org_access(request, org, Role.VIEWER)
    o = access.organisation
    return OrganisationOut(
        name=o.name,
        slug=o.slug,
        timezone=o.timezone,
        is_demo=o.is_demo,
        approval_required=o.approval_required,
        role=access.role,
    )


@router.get(
    "/o/{org}/members/",
    response=responses({200: list[MemberOut]}),
    summary="Members and their roles",
)
def member_list(request: HttpRequest, org: OrgSlug) -> list[MemberOut]:
    access = org_access(request, org, Role.VIEWER)
    return [
        MemberOut(email=m.user.email, full_name=m.user.full_name, role=m.role)
        for m in members_of(access.organisation)
    ]


@router.get(
    "/o/{org}/audit/",
    response=responses({200: list[AuditEventOut]}),
    summary="Activity log, newest first",
)
@paginate(BoundedPagination)
def audit_list(request: HttpRequest, org: OrgSlug) -> object:
    access = org_access(request, org, Role.MANAGER)
    return AuditEvent.objects.for_organisation(access.organisation)
