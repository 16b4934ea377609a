"""Mastodon admin webhooks (https://docs.joinmastodon.org/admin/webhooks/): a server's
administrator may point them at Parvis; accounts of ordinary users have none, so the inbox reads
Mastodon by polling."""

from __future__ import annotations

from parvis.networks.webhooks import hex_hmac, prefixed_matches


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>``."""
    return prefixed_matches(header, hex_hmac(secret, body))
