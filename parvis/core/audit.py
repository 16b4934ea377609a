"""Write the audit log: the one function services call after they change something."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import models

from parvis.core.models import AuditEvent

if TYPE_CHECKING:
    from parvis.accounts.models import ApiKey, Organisation, User

log = logging.getLogger("parvis.audit")


def audit_record(
    *,
    action: str,
    organisation: Organisation | None,
    actor: User | None = None,
    api_key: ApiKey | None = None,
    target: models.Model | None = None,
    ip_address: str | None = None,
    **data: Any,
) -> AuditEvent:
    """Record that ``actor`` (a user or an API key) did ``action`` to ``target``.

    ``action`` is a dotted verb such as ``member.invited``; ``data`` holds plain JSON facts,
    never secrets.
    """
    if api_key is not None:
        actor_label = f"API key {api_key.name}"
    elif actor is not None:
        actor_label = actor.email
    else:
        actor_label = "Parvis"
    event = AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_label=actor_label,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=data,
        ip_address=ip_address,
    )
    log.info(
        "audit",
        extra={"action": action, "actor_label": actor_label, "target": event.target_type},
    )
    return event
