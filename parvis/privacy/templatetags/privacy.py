"""``{{ post.author|member_name }}``: a member's name, or « ancien membre » once their account
is deleted (foreign keys to users are SET_NULL, so what they wrote stays without them)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def member_name(user: object) -> str:
    if user is None:
        return _("former member")
    return str(getattr(user, "display_name", "") or user)
