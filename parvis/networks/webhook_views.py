"""Webhook receivers: Meta, X and LinkedIn push events here.

Each receiver answers the network's subscription check (GET), then, for deliveries (POST),
verifies the signature over the *raw* body with :mod:`parvis.networks.webhooks` before
anything else. A delivery with no signature or a bad one is refused with 403, logged (network,
reason, client address; never the body or the headers, which may carry secrets) and never
stored. A verified delivery is stored as a :class:`WebhookEvent` for the inbox to process.

These URLs are public by nature (the networks call them): CSRF-exempt, no login, no
organisation; the signature is the only authentication.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from parvis.core.client_ip import client_ip
from parvis.core.vocabulary import Network
from parvis.networks import webhooks
from parvis.networks.models import WebhookEvent

logger = logging.getLogger(__name__)

# Real deliveries are a few kilobytes; refusing big bodies before reading them keeps a flood
# of junk from filling memory.
MAX_BODY_BYTES = 512 * 1024

Verifier = Callable[[str, bytes, str | None], bool]


def _conf(kind: Network, key: str) -> str:
    return str(settings.NETWORKS[kind.value][key] or "")


def _refuse(request: HttpRequest, network: Network, reason: str) -> HttpResponse:
    logger.warning(
        "webhook refused",
        extra={
            "network": network.value,
            "reason": reason,
            "client": client_ip(request) or "-",
        },
    )
    return HttpResponseForbidden(reason)


def _raw_body(request: HttpRequest) -> bytes | None:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        return None
    return request.read(MAX_BODY_BYTES + 1)


def _receive(
    request: HttpRequest, network: Network, secret: str, header: str, verify: Verifier
) -> HttpResponse:
    if not secret:
        return _refuse(request, network, "webhooks not configured")
    body = _raw_body(request)
    if body is None or len(body) > MAX_BODY_BYTES:
        logger.warning("webhook refused", extra={"network": network.value, "reason": "too large"})
        return HttpResponse("payload too large", status=413)
    signature = request.headers.get(header)
    if not signature:
        return _refuse(request, network, "missing signature")
    if not verify(secret, body, signature):
        return _refuse(request, network, "bad signature")
    try:
        payload: Any = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    # One Meta app, one endpoint: Instagram deliveries say so in their "object".
    if (
        network is Network.FACEBOOK
        and isinstance(payload, dict)
        and payload.get("object") == "instagram"
    ):
        network = Network.INSTAGRAM
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(network=network.value, payload=payload, body_sha256=digest)
    except IntegrityError:
        pass  # a redelivery of an event already stored
    return HttpResponse(status=200)


# https://developers.facebook.com/docs/graph-api/webhooks/getting-started
@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta(request: HttpRequest) -> HttpResponse:
    """Facebook Pages and Instagram (one Meta app): ``hub.challenge`` with the verify token
    (``PARVIS_FACEBOOK_WEBHOOK_SECRET``), deliveries signed with the app secret."""
    if request.method == "GET":
        verify_token = _conf(Network.FACEBOOK, "webhook_secret")
        params = {key: request.GET.get(key, "") for key in request.GET}
        challenge = webhooks.meta_challenge(params, verify_token) if verify_token else None
        if challenge is None:
            return _refuse(request, Network.FACEBOOK, "bad verify token")
        return HttpResponse(challenge, content_type="text/plain")
    return _receive(
        request,
        Network.FACEBOOK,
        _conf(Network.FACEBOOK, "client_secret"),
        "X-Hub-Signature-256",
        webhooks.meta_signature_valid,
    )


def _x_secret() -> str:
    # The Account Activity API signs with the OAuth 1.0a consumer secret, which differs from
    # the OAuth 2 client secret: PARVIS_X_WEBHOOK_SECRET holds it when set.
    return _conf(Network.X, "webhook_secret") or _conf(Network.X, "client_secret")


# https://docs.x.com/x-api/webhooks/quickstart
@csrf_exempt
@require_http_methods(["GET", "POST"])
def x(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        secret, crc_token = _x_secret(), request.GET.get("crc_token", "")
        if not secret or not crc_token:
            return _refuse(request, Network.X, "bad CRC request")
        return JsonResponse(webhooks.x_crc_response(secret, crc_token))
    return _receive(
        request,
        Network.X,
        _x_secret(),
        "x-twitter-webhooks-signature",
        webhooks.x_signature_valid,
    )


# https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation
@csrf_exempt
@require_http_methods(["GET", "POST"])
def linkedin(request: HttpRequest) -> HttpResponse:
    secret = _conf(Network.LINKEDIN, "client_secret")
    if request.method == "GET":
        challenge = request.GET.get("challengeCode", "")
        if not secret or not challenge:
            return _refuse(request, Network.LINKEDIN, "bad challenge request")
        return JsonResponse(webhooks.linkedin_challenge_response(secret, challenge))
    return _receive(
        request, Network.LINKEDIN, secret, "X-LI-Signature", webhooks.linkedin_signature_valid
    )
