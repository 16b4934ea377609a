"""Page input that no database stores, stopped before it becomes a 500.

* The NUL character: PostgreSQL refuses it in text, and some pages read form fields without a
  Django form (whose ``CharField`` would refuse it), so the composer, its autosave and the
  inbox labels answered 500 on PostgreSQL. It never carries meaning in a form or a query
  string: this middleware removes it from both before any view reads them.
* Values out of the database's range (a year 9999 week, an id beyond a 64-bit integer on
  SQLite) raise ``OverflowError`` or ``DataError`` deep in a view: the page answers a 400 that
  says so in the visitor's language, and the log keeps the path so that the view gets a bound.

The REST API (``/api/``) has its own handlers (``parvis/api.py``) and is left alone here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

logger = logging.getLogger(__name__)

NUL = "\x00"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
API_PREFIX = "/api/"


def without_nul(data: QueryDict) -> QueryDict | None:
    """A copy of ``data`` without NUL characters, or ``None`` when it has none."""
    if not any(NUL in key or any(NUL in value for value in values) for key, values in data.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    cleaned._mutable = False
    return cleaned


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            cleaned = without_nul(request.GET)
            if cleaned is not None:
                request.GET = cleaned  # type: ignore[assignment]  # an immutable copy
            if request.method == "POST" and request.content_type in FORM_TYPES:
                cleaned = without_nul(request.POST)
                if cleaned is not None:
                    request.POST = cleaned  # type: ignore[assignment]  # an immutable copy
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            return None
        if not isinstance(exception, OverflowError | DataError):
            return None
        logger.warning(
            "page.value_out_of_range",
            # The database's message may quote the submitted value: its kind only.
            extra={"path": request.path, "error": type(exception).__name__},
        )
        return render(request, "core/bad_input.html", status=400)
