"""The REST API: one NinjaAPI, one router per app, OpenAPI at /api/docs.

Every answer the API gives is declared in its OpenAPI document (``core.api_schemas``): the
handlers below turn each refusal into an ``ErrorOut`` (``detail`` and ``code``) with the status
the document promises, and input that the database cannot hold (an integer out of range) into a
400 instead of a 500. ``tests/test_api_fuzz.py`` fuzzes every operation against the document.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError

from parvis.accounts.api import router as accounts_router
from parvis.accounts.api_auth import API_AUTH
from parvis.core.api_schemas import StrictJSONParser
from parvis.inbox.api import router as inbox_router
from parvis.networks.api import router as networks_router
from parvis.publishing.api import router as publishing_router
from parvis.strategy.api import router as strategy_router
from parvis.watch.api import router as watch_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Parvis API",
    version="1",
    description="Parvis REST API. Authenticate with an organisation API key "
    "(`Authorization: Bearer pvk_...`) or a logged-in session. Every refusal is an `ErrorOut` "
    "(`detail` for people, `code` for programs), except a request that does not match this "
    "document: a 422 `ValidationErrorOut` listing each problem.",
    auth=API_AUTH,
    urls_namespace="api",
    parser=StrictJSONParser(),
)
api.add_router("/v1/", accounts_router)
api.add_router("/v1/", networks_router)
api.add_router("/v1/", publishing_router)
api.add_router("/v1/", strategy_router)
api.add_router("/v1/", inbox_router)
api.add_router("/v1/", watch_router)

# Ninja's own messages, and the code and translated text each becomes.
NINJA_MESSAGES = {
    "Cannot parse request body": "invalid_json",
    "CSRF check Failed": "csrf",
}
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


def error(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    """An ``ErrorOut`` answer."""
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Refusals raised with ``HttpError`` (by ninja or an endpoint): the documented shape."""
    message = str(exc)
    code = NINJA_MESSAGES.get(message.split(" (")[0])
    if code == "invalid_json":
        message = _("The request body is not valid JSON.")
    elif code == "csrf":
        message = _("CSRF check failed: send an API key, or the page's CSRF token.")
    elif isinstance(exc, AuthenticationError):
        code = "unauthorized"
        message = _("Authentication required: send an API key (Authorization: Bearer pvk_...).")
    return error(
        request, exc.status_code, code or STATUS_CODES.get(exc.status_code, "error"), message
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """No such organisation for this caller, or no such object in it: the same answer, so ids
    of other organisations do not leak."""
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def role_refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A service's refusal (``org_access`` checked the minimum role before): a 403 saying why,
    for every endpoint, so none has to translate it."""
    detail = str(exc) or _("Your role does not allow this.")
    return error(request, 403, "forbidden", detail)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: a 413 in the API's shape (Django would
    answer an HTML 400)."""
    return error(request, 413, "too_large", _("The request body is too large."))


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def value_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot hold. Inputs are bounded in their schemas, so this is only a
    safety net; it is logged so that the missing bound gets declared."""
    # The database's message quotes the submitted value (personal data): log its kind only.
    logger.warning(
        "api.value_refused_by_database", extra={"path": request.path, "error": type(exc).__name__}
    )
    return error(
        request, 400, "invalid_value", _("A value is out of the range the database can store.")
    )


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """Two requests racing for the same unique row: the loser is told to try again. Logged as an
    error, since it may also reveal a missing check."""
    # PostgreSQL's DETAIL line quotes the conflicting values (personal data): log the
    # constraint's name only, never the message or the traceback's locals.
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    logger.error(
        "api.integrity_error",
        extra={"path": request.path, "error": type(exc).__name__, "constraint": constraint},
    )
    return error(request, 409, "conflict", _("This conflicts with a change made at the same time."))
