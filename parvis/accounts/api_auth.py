"""REST API authentication: an organisation API key, or a logged-in browser session.

Every organisation endpoint resolves the caller's access through :func:`org_access`, the API's
counterpart of ``org_view``: an API key reaches only its own organisation, a session user only
the organisations they belong to; anything else is a 404. An organisation a gate closes (its
deletion has started: ``gates``) refuses every request (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import ApiKey, Organisation, User
from parvis.accounts.roles import at_least
from parvis.accounts.selectors import membership_in
from parvis.accounts.services import api_key_authenticate


class ApiKeyBearer(HttpBearer):
    openapi_description = "Organisation API key: `Authorization: Bearer pvk_...`"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        api_key = api_key_authenticate(token)
        if api_key is not None:
            request.api_key = api_key  # type: ignore[attr-defined]
        return api_key


class ApiKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        api_key = api_key_authenticate(key or "")
        if api_key is not None:
            request.api_key = api_key  # type: ignore[attr-defined]
        return api_key


# Session auth checks CSRF on unsafe methods, as the pages do.
API_AUTH = [ApiKeyBearer(), ApiKeyHeader(), SessionAuth(csrf=True)]


@dataclass(frozen=True)
class OrgAccess:
    organisation: Organisation
    role: str
    user: User | None
    api_key: ApiKey | None


def org_access(request: HttpRequest, slug: str, minimum: str) -> OrgAccess:
    api_key: ApiKey | None = getattr(request, "api_key", None)
    if api_key is not None:
        if api_key.organisation.slug != slug:
            raise Http404
        access = OrgAccess(api_key.organisation, api_key.role, None, api_key)
    else:
        user: Any = request.user
        membership = membership_in(user, slug) if user.is_authenticated else None
        if membership is None:
            raise Http404
        access = OrgAccess(membership.organisation, membership.role, membership.user, None)
    closed = organisation_closed(access.organisation)
    if closed is not None:
        # Reads too: the rows are going. A 403 (declared on every operation), not a 410 the
        # OpenAPI document does not promise; the detail says why.
        raise HttpError(403, str(closed.api_detail))
    if not at_least(access.role, minimum):
        raise HttpError(403, _("Your role does not allow this."))
    return access
