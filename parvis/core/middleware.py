"""Cross-cutting HTTP middleware: request ids, the health endpoint, the Content Security Policy."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest, HttpResponse, JsonResponse

from parvis.core.health import run_health_checks
from parvis.core.logging import request_id_var

Handler = Callable[[HttpRequest], HttpResponse]

# No inline script or style anywhere: htmx is configured through a <meta> tag and its indicator
# styles live in our stylesheet, so the policy can stay strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class RequestIdMiddleware:
    """Tag each request (and every log line it writes) with an id, echoed in ``X-Request-ID``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isprintable() else ""
        request_id = request_id or secrets.token_hex(8)
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before sessions and authentication, which need the database.

    Anonymous callers get up/down per component; a signed-in staff user (``is_staff``) gets the
    details. HTTP 503 when anything is down, either way.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            report = run_health_checks()
            body = report.as_dict() if _is_staff(request) else report.as_public_dict()
            response = JsonResponse(body, status=200 if report.healthy else 503)
            response["Cache-Control"] = "no-store"
            response["Vary"] = "Cookie"
            return response
        return self.get_response(request)


def _is_staff(request: HttpRequest) -> bool:
    """Whether the session cookie belongs to an active staff user.

    This middleware runs before the session and authentication middleware (so that a dead
    database still gets an answer): the session is read here, and any failure to read it — the
    database or the cache being the very thing that is down — means « not staff ».
    """
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return False
    try:
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
        user = get_user(request)
        return bool(user.is_active and user.is_staff)
    except Exception:  # noqa: BLE001 - whatever is broken, the caller simply is not staff
        return False


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
