"""Connecting a Bluesky account with an app password: the calls made before any connector
exists. The password opens a session once and is never kept; the session's two JWTs are stored
and renewed with the refresh JWT (which rotates: store the answer at once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from parvis.networks import jsonread
from parvis.networks.bluesky import client
from parvis.networks.contracts import AccountInfo, TokenSet
from parvis.networks.errors import AuthExpired, ConnectorError, Transient
from parvis.networks.provider import Session
from parvis.networks.transport import PlainDialect, generic_error_reason, send

# Refusals of a refresh JWT that mean « reconnect », not « try again ».
DEAD_TOKEN = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})


class RenewalDialect(PlainDialect):
    def classify_error(
        self, status: int, payload: Any, headers: httpx.Headers, now: datetime
    ) -> ConnectorError | None:
        code = payload.get("error") if isinstance(payload, dict) else None
        if status in (400, 401) and code in DEAD_TOKEN:
            return AuthExpired(generic_error_reason(payload), network=self.network_name)
        return None


def _required(body: dict[str, Any], key: str) -> str:
    value = jsonread.text_or_number(body, key)
    if not value:
        raise Transient(f"answer without {key!r}", network="bluesky")
    return value


def _session(body: dict[str, Any]) -> Session:
    access, refresh = _required(body, "accessJwt"), _required(body, "refreshJwt")
    handle = _required(body, "handle")
    info = AccountInfo(
        remote_id=_required(body, "did"),
        handle=handle,
        url=f"https://bsky.app/profile/{handle}",
    )
    tokens = TokenSet(
        access_token=access, refresh_token=refresh, expires_at=client.jwt_expiry(access)
    )
    return Session(info=info, tokens=tokens, refresh_expires_at=client.jwt_expiry(refresh))


# https://docs.bsky.app/docs/api/com-atproto-server-create-session
def create_session(http: httpx.Client, base_url: str, *, identifier: str, password: str) -> Session:
    """Open a session with an app password. The password is sent once and never kept."""
    body = send(
        http,
        PlainDialect("bluesky"),
        "POST",
        base_url + "/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
    ).object()
    return _session(body)


# https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
def refresh_session(http: httpx.Client, base_url: str, refresh_jwt: str) -> Session:
    """New JWTs from the refresh JWT."""
    body = send(
        http,
        RenewalDialect("bluesky"),
        "POST",
        base_url + client.REFRESH_SESSION,
        headers={"Authorization": f"Bearer {refresh_jwt}"},
        idempotent=False,
    ).object()
    return _session(body)
