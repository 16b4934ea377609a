"""``avatar_token``: the signed reference the avatar view accepts (see watch/avatars.py)."""

from __future__ import annotations

from django import template

from parvis.watch.avatars import avatar_token as sign

register = template.Library()


@register.filter
def avatar_token(url: str) -> str:
    return sign(url) if url.startswith("https://") else ""
