"""Links that people type and others click: only ``http://`` and ``https://``.

A ``javascript:`` or ``data:`` link stored in a post would run in the browser of whoever clicks
it in Parvis, or be sent to a network as is. Every way in (the composer, the API, the CSV
import) accepts a web address only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

WEB_SCHEMES = ("http", "https")
MAX_LINK_LENGTH = 1000  # Post.link


def web_link(value: str) -> str:
    """``value`` stripped, when empty or a web address; else a ``ValueError`` saying why."""
    value = value.strip()
    if not value:
        return value
    if len(value) > MAX_LINK_LENGTH:
        raise ValueError(
            _("The link is too long (at most %(count)d characters).") % {"count": MAX_LINK_LENGTH}
        )
    try:
        URLValidator(schemes=list(WEB_SCHEMES))(value)
    except ValidationError:
        raise ValueError(
            _("Only web links are accepted: an address starting with http:// or https://.")
        ) from None
    return value
