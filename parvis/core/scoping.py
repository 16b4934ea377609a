"""Reach organisation-owned rows only through the organisation that owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.http import Http404

from parvis.core.models import OrganisationOwned

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation

M = TypeVar("M", bound=OrganisationOwned)


def get_scoped_or_404(model: type[M], organisation: Organisation, **lookup: object) -> M:
    """The row of ``model`` matching ``lookup`` inside ``organisation``, else 404.

    A row of another organisation answers exactly like a missing one, so ids do not leak.
    """
    try:
        return model.objects.for_organisation(organisation).get(**lookup)  # type: ignore[no-any-return]
    except model.DoesNotExist:
        raise Http404(f"No {model._meta.verbose_name} here.") from None
