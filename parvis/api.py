"""The REST API: one NinjaAPI, one router per app, OpenAPI at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from parvis.accounts.api import router as accounts_router
from parvis.core.api_auth import API_AUTH
from parvis.inbox.api import router as inbox_router
from parvis.networks.api import router as networks_router
from parvis.publishing.api import router as publishing_router
from parvis.strategy.api import router as strategy_router

api = NinjaAPI(
    title="Parvis API",
    version="1",
    description="Parvis REST API. Authenticate with an organisation API key "
    "(`Authorization: Bearer pvk_...`) or a logged-in session.",
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("/v1/", accounts_router)
api.add_router("/v1/", networks_router)
api.add_router("/v1/", publishing_router)
api.add_router("/v1/", strategy_router)
api.add_router("/v1/", inbox_router)


@api.exception_handler(PermissionDenied)
def role_refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A service's refusal (``org_access`` checked the minimum role before): a 403 saying why,
    for every endpoint, so none has to translate it."""
    detail = str(exc) or "Your role does not allow this."
    return api.create_response(request, {"detail": detail}, status=403)
