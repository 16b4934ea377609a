"""``{{ event.action|audit_label }}``: a recorded action in words (accounts.audit_labels)."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from parvis.accounts.audit_labels import audit_label as label_of

register = template.Library()


@register.filter
def audit_label(action: str) -> str | Promise | None:
    return label_of(action)
