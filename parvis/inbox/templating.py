"""Saved replies filled in for one conversation: ``{first_name}``, ``{order_number}``…

A regular expression, not ``str.format``: saved replies are written by users and ``format``
would let ``{0.__class__}`` reach into Python objects.
"""

from __future__ import annotations

import re

from parvis.inbox.models import Conversation, Message

_VARIABLE = re.compile(r"\{(\w+)\}")
_ORDER_NUMBER = re.compile(
    r"(?:commande|cde|order|dossier|facture)\s*(?:n[°o]\.?|num[ée]ro|#)?\s*:?\s*#?([A-Z0-9-]{3,20})",
    re.IGNORECASE,
)


def reply_variables(conversation: Conversation, last_inbound: Message | None) -> dict[str, str]:
    """What saved replies may use: first name, handle, order number found in the message…"""
    name = conversation.participant_name or ""
    text = last_inbound.text if last_inbound is not None else ""
    order = _ORDER_NUMBER.search(text)
    return {
        "first_name": name.split()[0] if name.split() else conversation.participant_handle,
        "name": name or conversation.participant_handle,
        "handle": conversation.participant_handle,
        "order_number": order.group(1) if order else "",
        "organisation": conversation.organisation.name,
    }


def render_saved_reply(text: str, variables: dict[str, str]) -> str:
    """Fill ``{variable}``; an unknown or empty one stays visible for the person to complete."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1)) or m.group(0), text)
