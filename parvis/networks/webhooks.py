"""Webhook authenticity, the part every network shares: HMAC-SHA256 over the *raw* body.

Each network's endpoint (``<net>/webhooks.py``) says which secret, which header and which
encoding; the receiving view (:mod:`parvis.networks.webhook_views`) answers 403 on False.
Every comparison is constant-time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def b64_hmac(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def same(given: str, expected: str) -> bool:
    """Constant-time equality of two signatures."""
    return hmac.compare_digest(given.encode(), expected.encode())


def prefixed_matches(header: str | None, expected: str) -> bool:
    """``header`` is ``sha256=<expected>``."""
    if not header or not header.startswith("sha256="):
        return False
    return same(header[len("sha256=") :], expected)
