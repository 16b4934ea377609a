"""What every REST endpoint shares: the error shapes, strict input bodies and bounded values.

The OpenAPI document must declare every answer the API really gives, so that a client generated
from it handles them (``tests/test_api_fuzz.py`` checks it). Every refusal is an
:class:`ErrorOut` (``detail`` for people, ``code`` for programs), except ninja's own validation
refusals: a 422 :class:`ValidationErrorOut` listing each problem with its location. Endpoints
declare their answers with :func:`responses`, which adds these refusals to the successes.

Input bodies derive from :class:`InputSchema`: an unknown field is refused (a typo such as
``lables`` must not silently leave the labels as they were, nor wipe them), and so is the NUL
character, which PostgreSQL cannot store. Integers that reach the database are bounded by
:data:`Id` and :data:`Offset`, so that neither SQLite nor PostgreSQL sees a value it cannot hold.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.parser import Parser
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, field_validator, model_validator

from parvis.core.links import MAX_LINK_LENGTH, web_link

# The largest integer both databases store (a signed 64-bit ``bigint``).
MAX_DB_INT = 2**63 - 1
# Offsets beyond this are not a page anyone reads; the bound keeps them a 422, not a crash.
MAX_OFFSET = 2**31 - 1
MAX_PAGE_SIZE = 100

NUL = "\x00"

# A row id: positive and small enough for a ``bigint`` column.
Id = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
# A list offset.
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
# An organisation's slug in a path (``SlugField``, 60 characters).
OrgSlug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60)]


class TimeChoiceOut(Schema):
    """A valid instant offered instead of a local time that does not exist or happens twice."""

    utc: datetime
    label: str
    fold: int | None


class ErrorOut(Schema):
    """Every refusal of the API (400, 401, 403, 404, 409, 413): ``detail`` says why in the
    request's language, ``code`` is stable for programs (``not_found``, ``forbidden``,
    ``invalid_json``, ``conflict``...). ``choices`` is filled only when the refusal offers valid
    alternatives (a scheduling time that does not exist or is ambiguous)."""

    detail: str
    code: str
    choices: list[TimeChoiceOut] = []


class ValidationIssueOut(Schema):
    """One problem of a request that does not match the documented shape."""

    # Open: pydantic adds ``ctx`` (the bound that was broken...) to some problems.
    model_config = ConfigDict(extra="allow")

    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """A 422: the request does not match the documented shape (a missing or unknown field, a
    value of the wrong type or out of its range); each problem with where it is."""

    detail: list[ValidationIssueOut]


# Answers any endpoint may give besides its successes.
STANDARD_ERRORS: dict[int, Any] = {
    400: ErrorOut,  # a body that is not JSON, a value the database cannot hold
    401: ErrorOut,  # no valid API key or session
    403: ErrorOut,  # the role does not allow it
    404: ErrorOut,  # no such organisation (for this caller) or object
    409: ErrorOut,  # two requests racing for the same unique row: try again
    413: ErrorOut,  # a body larger than the server accepts
    422: ValidationErrorOut,
}


def refusal(status: int, code: str, detail: str) -> Status[ErrorOut]:
    """An endpoint's own refusal: ``detail`` for people (translated), ``code`` for programs."""
    return Status(status, ErrorOut(code=code, detail=detail))


def refused(exc: ValidationError, *, status: int = 400) -> Status[ErrorOut]:
    """A service's ``ValidationError``: its code, its messages, and the valid instants it
    offers when it has some (a local time that does not exist or happens twice)."""
    choices = getattr(exc, "choices", ())
    return Status(
        status,
        ErrorOut(
            code=str(exc.code or "invalid"),
            detail=" ".join(exc.messages),
            choices=[TimeChoiceOut(utc=c.utc, label=c.label, fold=c.fold) for c in choices],
        ),
    )


def responses(successes: Mapping[int, Any]) -> dict[int, Any]:
    """An endpoint's ``response=``: its own answers, plus :data:`STANDARD_ERRORS` for the codes
    it does not declare itself (an endpoint that answers 422 with its own shape declares the
    union, e.g. ``DiagnosticOut | ValidationErrorOut``)."""
    declared: dict[int, Any] = dict(STANDARD_ERRORS)
    declared.update(successes)
    return declared


def unstorable(value: object) -> bool:
    """Whether a parsed JSON value hides, anywhere (keys included), text that no database
    stores: the NUL character (PostgreSQL refuses it) or a lone surrogate such as ``"\\ud800"``
    (not UTF-8 at all)."""
    if isinstance(value, str):
        if NUL in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, Mapping):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(unstorable(item) for item in value)
    return False


def _refuse_unstorable(value: Any) -> Any:
    if unstorable(value):
        raise ValueError(_("Text cannot contain the NUL character (U+0000) nor invalid Unicode."))
    return value


class InputSchema(Schema):
    """The base of every request body: unknown fields and text no database stores (NUL,
    lone surrogates) are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text_only(cls, data: Any) -> Any:
        return _refuse_unstorable(data)


class QuerySchema(Schema):
    """The base of query-string models: NUL characters are refused (422). Unknown parameters
    are ignored, as HTTP caches and proxies expect."""

    # Per field: ninja hands a model validator its values wrapped, not as a mapping.
    @field_validator("*", mode="after")
    @classmethod
    def _storable_text_only(cls, value: Any) -> Any:
        return _refuse_unstorable(value)


# A text parameter of the query string that reaches the database.
QueryText = Annotated[str, AfterValidator(_refuse_unstorable)]
# A link people will click: empty, or an http(s) address (``core.links``).
WebLink = Annotated[str, Field(max_length=MAX_LINK_LENGTH), AfterValidator(web_link)]


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


class StrictJSONParser(Parser):
    """JSON as RFC 8259 defines it: Python's ``NaN`` and ``Infinity`` extensions are refused
    (PostgreSQL's ``jsonb`` cannot store them), like any body that is not JSON (a 400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_constant=_refuse_constant)
