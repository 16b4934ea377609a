"""The stalled-publishing banner: ``publishing_alert`` for the current organisation's pages.

Templates show it with ``{% include "publishing/_alert_banner.html" %}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from parvis.publishing.watchdog import open_alert


def publishing(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"publishing_alert": open_alert(membership.organisation)}
