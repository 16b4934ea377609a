"""The pending-deletion banner: ``organisation_deletion`` on the current organisation's pages.

Templates show it with ``{% include "privacy/_deletion_banner.html" %}`` (base.html does).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from parvis.privacy.selectors import organisation_deletion_live


def privacy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"organisation_deletion": organisation_deletion_live(membership.organisation)}
