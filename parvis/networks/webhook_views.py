"""Webhook receivers: one view for every network's endpoint (Meta, X, LinkedIn).

Each endpoint (``<net>/webhooks.py``) answers its network's subscription check (GET) and, for
deliveries (POST), verifies the signature over the *raw* body before anything else. A delivery
with no signature or a bad one is refused with 403, logged (network, reason, client address;
never the body or the headers, which may carry secrets) and never stored. A verified delivery
is stored as a :class:`WebhookEvent` first; then, once stored, the inbox's processing task is
sent (by name: the networks app imports no domain app) so the delivery is read within seconds,
not at the next poll. A burst of deliveries sends one task, which processes every pending
delivery; the periodic poll still processes whatever a lost message left behind.

These URLs are public by nature (the networks call them): CSRF-exempt, no login, no
organisation; the signature is the only authentication.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from parvis.core.client_ip import client_ip
from parvis.core.enqueue import task_send
from parvis.networks.models import WebhookEvent
from parvis.networks.provider import WebhookEndpoint
from parvis.networks.registry import webhook_endpoints

logger = logging.getLogger(__name__)

# Real deliveries are a few kilobytes; refusing big bodies before reading them keeps a flood
# of junk from filling memory.
MAX_BODY_BYTES = 512 * 1024
# The inbox task that reads stored deliveries (parvis/inbox/tasks.py), sent by name.
PROCESS_TASK = "inbox.webhooks_process"
# Deliveries arriving within this many seconds share one processing run: the first sends the
# task with this countdown and a cache key that long, the others see the key and send nothing.
COALESCE_SECONDS = 2
COALESCE_KEY = "networks:webhooks-process-sent"


def _endpoint(slug: str) -> WebhookEndpoint:
    for endpoint in webhook_endpoints():
        if endpoint.slug == slug:
            return endpoint
    raise Http404


def _refuse(request: HttpRequest, network: str, reason: str) -> HttpResponse:
    logger.warning(
        "webhook refused",
        extra={"network": network, "reason": reason, "client": client_ip(request) or "-"},
    )
    return HttpResponseForbidden(reason)


def _raw_body(request: HttpRequest) -> bytes | None:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        return None
    return request.read(MAX_BODY_BYTES + 1)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, slug: str) -> HttpResponse:
    endpoint = _endpoint(slug)
    network = endpoint.kind.value
    if request.method == "GET":
        params = {key: request.GET.get(key, "") for key in request.GET}
        answer = endpoint.challenge(params)
        if answer is None:
            return _refuse(request, network, "bad subscription check")
        if isinstance(answer, dict):
            return JsonResponse(answer)
        return HttpResponse(answer, content_type="text/plain")
    secret = endpoint.signing_secret()
    if not secret:
        return _refuse(request, network, "webhooks not configured")
    body = _raw_body(request)
    if body is None or len(body) > MAX_BODY_BYTES:
        logger.warning("webhook refused", extra={"network": network, "reason": "too large"})
        return HttpResponse("payload too large", status=413)
    signature = request.headers.get(endpoint.signature_header)
    if not signature:
        return _refuse(request, network, "missing signature")
    if not endpoint.signature_valid(secret, body, signature):
        return _refuse(request, network, "bad signature")
    try:
        payload: Any = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                network=endpoint.network_of(payload).value, payload=payload, body_sha256=digest
            )
            transaction.on_commit(webhook_processing_send, robust=True)
    except IntegrityError:
        pass  # a redelivery of an event already stored (and already sent for processing)
    return HttpResponse(status=200)


def webhook_processing_send() -> bool:
    """Send the inbox's processing task, once for a burst of deliveries; True when sent.

    Runs after the delivery is committed, so the delivery is never lost; a broker that does
    not answer costs the network's HTTP answer nothing (no retries here) and leaves the
    delivery to the periodic poll.
    """
    try:
        if not cache.add(COALESCE_KEY, 1, timeout=COALESCE_SECONDS):
            return False  # a run is already on its way and will read this delivery too
    except Exception:  # noqa: BLE001 - no cache: send anyway, the task is safe to run twice
        logger.warning("webhook processing: cache unavailable", exc_info=True)
    try:
        task_send(PROCESS_TASK, countdown=COALESCE_SECONDS, retry=False)
    except Exception:  # noqa: BLE001 - whatever the broker raises, the poll is the safety net
        logger.warning("webhook processing not sent; the periodic poll will", exc_info=True)
        try:
            cache.delete(COALESCE_KEY)  # let the next delivery try again
        except Exception:  # noqa: BLE001
            logger.debug("webhook processing: cache unavailable", exc_info=True)
        return False
    return True
