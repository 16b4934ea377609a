"""Bluesky sessions: the refresh JWT buys a new pair of JWTs (both rotate).

https://docs.bsky.app/docs/api/com-atproto-server-refresh-session — the access JWT lives
2 hours, the refresh JWT 90 days; a rotated refresh JWT stays usable for a short grace period
on the PDS, so a refresh whose answer was lost can be repeated.
"""

from __future__ import annotations

from parvis.networks.base import Connector
from parvis.networks.bluesky import client as api
from parvis.networks.contracts import TokenSet
from parvis.networks.errors import AuthExpired
from parvis.networks.transport import send


def refresh_session(connector: Connector, tokens: TokenSet) -> TokenSet:
    """New tokens from ``tokens.refresh_token``; a refused refresh is :class:`AuthExpired`
    (the connector's dialect maps ``ExpiredToken``/``InvalidToken``)."""
    if not tokens.refresh_token:
        raise AuthExpired("no refresh token", network="bluesky")
    session = send(
        connector.http,
        connector,
        "POST",
        connector.base_url + api.REFRESH_SESSION,
        idempotent=False,
        policy=connector.policy,
        clock=connector.clock,
        sleep=connector.sleep,
        headers={"Authorization": f"Bearer {tokens.refresh_token}"},
    ).object()
    access = api.required(session, "accessJwt")
    return TokenSet(
        access_token=access,
        refresh_token=api.required(session, "refreshJwt"),
        expires_at=api.jwt_expiry(access),
    )


def delete_session(connector: Connector, tokens: TokenSet) -> None:
    """Sign the app-password session out: the PDS revokes its refresh JWT, so neither it nor
    the access JWTs it buys can be renewed. Without a refresh JWT there is nothing to revoke."""
    if not tokens.refresh_token:
        return
    send(
        connector.http,
        connector,
        "POST",
        connector.base_url + api.DELETE_SESSION,
        idempotent=True,  # signing out twice leaves the session as signed out as once
        policy=connector.policy,
        clock=connector.clock,
        sleep=connector.sleep,
        headers={"Authorization": f"Bearer {tokens.refresh_token}"},
    )
