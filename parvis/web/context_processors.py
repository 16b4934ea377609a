from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from parvis.accounts.selectors import memberships_of
from parvis.web.navigation import MENU


def parvis(request: HttpRequest) -> dict[str, Any]:
    """Navigation for the current organisation (set by ``org_view``) and the org switcher."""
    context: dict[str, Any] = {"LANGUAGES": settings.LANGUAGES, "EMBEDDED": settings.EMBEDDED}
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        memberships = list(memberships_of(user))
        context["my_memberships"] = memberships
        # The switcher offers the demo only to whoever has none yet (web/_org_switcher_items).
        context["has_demo"] = any(m.organisation.is_demo for m in memberships)
    if membership is None:
        return context
    slug = membership.organisation.slug
    menu = []
    for item in MENU:
        if not membership.can(item.minimum_role):
            continue
        try:
            url = reverse(item.url_name, kwargs={"org": slug})
        except NoReverseMatch:
            continue
        menu.append({"label": item.label, "url": url, "active": request.path == url})
    context.update(
        {
            "organisation": membership.organisation,
            "membership": membership,
            "menu": menu,
        }
    )
    return context
