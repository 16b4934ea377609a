"""Render untrusted message text: escaped, line breaks kept, web links made safe."""

from __future__ import annotations

import re

from django import template
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
SAFE_REL = "nofollow noopener noreferrer ugc"
NBSP = "\u00a0"
NNBSP = "\u202f"


@register.filter
def safe_text(text: str) -> SafeString:
    """Escape everything; turn http(s) links into anchors that open in a new tab without
    referrer or opener, and that search engines ignore. Nothing is fetched (no preview)."""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text or ""):
        url = match.group(0).rstrip(".,;:!?)»")
        end = match.start() + len(url)
        parts.append(escape(text[position : match.start()]))
        parts.append(f'<a href="{escape(url)}" rel="{SAFE_REL}" target="_blank">{escape(url)}</a>')
        position = end
    parts.append(escape((text or "")[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part escaped


@register.filter
def hours(value: float | None) -> str:
    """« 27,1 h », « 45 min »: the active language's decimal mark, a non-breaking space before
    the unit (so the figure and its unit never sit on two lines)."""
    if value is None:
        return "—"
    if value < 1:
        return f"{round(value * 60)}{NBSP}min"
    return f"{number_format(value, 1)}{NBSP}h"


@register.filter
def percent(value: float) -> str:
    # French sets a narrow non-breaking space before %; English sets none.
    space = NNBSP if (get_language() or "").startswith("fr") else ""
    return f"{round(value * 100)}{space}%"
