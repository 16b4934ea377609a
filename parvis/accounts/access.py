"""Who may open an organisation's pages: the one gate every organisation view goes through."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parvis.accounts.gates import organisation_closed
from parvis.accounts.models import Membership, Organisation
from parvis.accounts.roles import Role
from parvis.accounts.selectors import membership_in

View = TypeVar("View", bound=Callable[..., HttpResponse])


class OrgRequest(HttpRequest):
    """What an organisation view receives: the request plus the caller's membership."""

    organisation: Organisation
    membership: Membership


def org_view(minimum: str = Role.VIEWER) -> Callable[[View], View]:
    """Decorate a view taking ``org`` (the organisation slug) as its first URL argument.

    A non-member gets 404 (the organisation's existence does not leak); a member whose role is
    below ``minimum`` gets 403. The organisation's time zone is active for the whole request.
    While a gate closes the organisation (``gates``: once a worker has started deleting it),
    every member gets 410 and a page saying why: nothing may be written (a file uploaded now
    would outlive the deletion).
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_in(request.user, org)  # type: ignore[arg-type]
            if membership is None:
                raise Http404("No such organisation.")
            closed = organisation_closed(membership.organisation)
            if closed is not None:
                return render(request, closed.page_template, status=410)
            if not membership.can(minimum):
                raise PermissionDenied
            org_request = cast(OrgRequest, request)
            org_request.membership = membership
            org_request.organisation = membership.organisation
            timezone.activate(membership.organisation.tzinfo)
            try:
                return view(org_request, *args, **kwargs)
            finally:
                timezone.deactivate()

        return cast(View, wrapper)

    return decorator
