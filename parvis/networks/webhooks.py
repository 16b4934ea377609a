"""Webhook authenticity checks, as pure functions over the *raw* request body.

The Django views (later) read the raw bytes and headers, call these, and answer 403 on False.
Every comparison is constant-time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _b64_hmac(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _prefixed_matches(header: str | None, expected: str) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(header[len("sha256=") :].encode(), expected.encode())


# --- Meta (Facebook Pages, Instagram, Messenger) ------------------------------------------------
# https://developers.facebook.com/docs/graph-api/webhooks/getting-started


def meta_signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>``."""
    return _prefixed_matches(header, _hex_hmac(app_secret, body))


def meta_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo for a subscription check, or None to refuse (403)."""
    if params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge")


# --- X ------------------------------------------------------------------------------------------
# https://docs.x.com/x-api/webhooks/quickstart


def x_crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The JSON to answer X's CRC check ``GET <url>?crc_token=…``."""
    return {"response_token": "sha256=" + _b64_hmac(consumer_secret, crc_token.encode())}


def x_signature_valid(consumer_secret: str, body: bytes, header: str | None) -> bool:
    """``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>``."""
    return _prefixed_matches(header, _b64_hmac(consumer_secret, body))


# --- LinkedIn -----------------------------------------------------------------------------------
# https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation


def linkedin_signature_valid(client_secret: str, body: bytes, header: str | None) -> bool:
    """``X-LI-Signature: <hex HMAC-SHA256(client secret, body)>`` (no prefix)."""
    if not header:
        return False
    expected = _hex_hmac(client_secret, body)
    candidate = header.removeprefix("hmacsha256=")
    return hmac.compare_digest(candidate.encode(), expected.encode())


def linkedin_challenge_response(client_secret: str, challenge_code: str) -> dict[str, str]:
    """The JSON to answer LinkedIn's ``GET <url>?challengeCode=…`` validation."""
    return {
        "challengeCode": challenge_code,
        "challengeResponse": _hex_hmac(client_secret, challenge_code.encode()),
    }


# --- Mastodon (admin webhooks only) -------------------------------------------------------------
# https://docs.joinmastodon.org/admin/webhooks/


def mastodon_signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>``."""
    return _prefixed_matches(header, _hex_hmac(secret, body))
