"""Write the audit log: the one function services call after they change something."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from parvis.core.client_ip import client_ip
from parvis.core.models import AuditEvent

if TYPE_CHECKING:
    from parvis.accounts.models import ApiKey, Organisation, User

log = logging.getLogger("parvis.audit")

# The client address of the request being served, for the entries it writes (None outside a
# request: tasks and commands act as Parvis, from no address).
_request_ip: ContextVar[str | None] = ContextVar("audit_request_ip", default=None)


class AuditRequestMiddleware:
    """Remember the client's address (``core.client_ip``: proxies only when trusted) while a
    request is served, so that every audit entry it writes records it without each service
    having to be handed the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


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
    never secrets. ``ip_address`` defaults to the address of the request being served (see
    :class:`AuditRequestMiddleware`); entries are deleted after ``RETENTION_AUDIT_DAYS``.
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
        ip_address=ip_address or _request_ip.get(),
    )
    log.info(
        "audit",
        extra={"action": action, "actor_label": actor_label, "target": event.target_type},
    )
    return event
