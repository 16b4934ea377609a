"""The REST API: one NinjaAPI, one router per app, OpenAPI at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from parvis.accounts.api import router as accounts_router
from parvis.core.api_auth import API_AUTH

api = NinjaAPI(
    title="Parvis API",
    version="1",
    description="Parvis REST API. Authenticate with an organisation API key "
    "(`Authorization: Bearer pvk_...`) or a logged-in session.",
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("/v1/", accounts_router)
