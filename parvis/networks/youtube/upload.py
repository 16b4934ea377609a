"""YouTube resumable upload (videos.insert ``uploadType=resumable``), resumed after interruptions.

1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the metadata
   -> 200 and ``Location: <session URI>`` (no video exists yet: a lost answer is harmless).
2. ``PUT <session URI>`` chunk by chunk (multiples of 256 KiB) with ``Content-Range: bytes
   a-b/total``; each intermediate chunk -> ``308 Resume Incomplete`` whose ``Range: bytes=0-N``
   says what the server kept; the last -> 200/201 with the video resource.
3. After a timeout, a cut connection or a 5xx: ``PUT`` with ``Content-Range: bytes */total``
   -> 308 + ``Range`` (resume from N + 1, which may be *before* the chunk we sent) or 200/201
   (the upload had completed: the answer alone was lost).

https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol

The chunk PUTs bypass :func:`transport.send` because 308 is the protocol's normal answer there;
everything else is mapped to the same taxonomy. If the final chunk's outcome stays unknown after
the status queries, the video may exist: :class:`Unconfirmed`, and the caller reconciles.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from parvis.networks.base import Connector
from parvis.networks.contracts import MediaFile
from parvis.networks.errors import (
    AuthExpired,
    ConnectorError,
    RateLimited,
    Rejected,
    Transient,
    Unconfirmed,
)
from parvis.networks.transport import retry_after
from parvis.networks.youtube import client as api

logger = logging.getLogger(__name__)


class _Interrupted(Exception):
    """The chunk's outcome is unknown (timeout, cut, 5xx, unreadable answer): ask the server."""


def upload_video(
    connector: Connector,
    media: MediaFile,
    metadata: dict[str, Any],
    *,
    chunk_bytes: int,
    max_resumes: int,
) -> dict[str, Any]:
    """Upload ``media`` with ``metadata`` (snippet + status); return the video resource."""
    content = media.read_bytes()
    total = len(content)
    started = connector.request(
        "POST",
        api.UPLOAD + "?uploadType=resumable&part=snippet,status",
        json=metadata,
        headers={"X-Upload-Content-Length": str(total), "X-Upload-Content-Type": media.mime},
    )
    session = started.headers.get("location", "")
    if not session:
        raise Transient("resumable upload started without a session URI", network="youtube")
    offset, resumes, stalls = 0, 0, 0
    while True:
        end = min(offset + chunk_bytes, total)
        try:
            outcome = _put(
                connector, session, content[offset:end], f"bytes {offset}-{end - 1}/{total}"
            )
        except _Interrupted as interrupted:
            if resumes >= max_resumes:
                raise _unknown(end == total, str(interrupted)) from interrupted
            resumes += 1
            connector.sleep(connector.policy.backoff_seconds * 2**resumes)
            try:
                outcome = _put(connector, session, b"", f"bytes */{total}")
            except _Interrupted:
                continue  # the status is unknown too: send the same chunk again
        if isinstance(outcome, dict):
            return outcome
        # A server that keeps answering 308 without taking bytes must not loop us forever.
        stalls = stalls + 1 if outcome <= offset else 0
        if stalls > max_resumes:
            raise Transient("the upload makes no progress", network="youtube")
        offset = outcome


def _unknown(final: bool, detail: str) -> ConnectorError:
    if final:  # the last bytes may have landed: the video may exist
        return Unconfirmed(f"upload outcome unknown: {detail}", network="youtube")
    return Transient(f"upload interrupted: {detail}", network="youtube")


def _put(connector: Connector, url: str, body: bytes, content_range: str) -> int | dict[str, Any]:
    """One PUT of the session: the next offset (308) or the finished video resource."""
    headers = {**connector.auth_headers(), "Content-Range": content_range}
    policy = connector.policy
    timeout = httpx.Timeout(policy.timeout, connect=policy.connect_timeout)
    try:
        response = connector.http.request(
            "PUT", url, content=body, headers=headers, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise _Interrupted(type(exc).__name__) from exc
    status = response.status_code
    logger.info("network call PUT %s -> %s", httpx.URL(url).path, status)
    if status == 308:
        return _next_offset(response.headers.get("range", ""))
    if status in (200, 201):
        try:
            resource = (
                response.json() if len(response.content) <= policy.max_response_bytes else None
            )
        except ValueError:
            resource = None
        if not isinstance(resource, dict) or not isinstance(resource.get("id"), str):
            raise _Interrupted("unreadable answer to the last chunk")
        return resource
    if status >= 500 or status == 408:
        raise _Interrupted(f"HTTP {status}")
    raise _error(connector, response)


def _next_offset(range_header: str) -> int:
    """``bytes=0-524287`` -> 524288; no header: the server kept nothing yet."""
    _, _, last = range_header.partition("-")
    return int(last) + 1 if last.strip().isdigit() else 0


def _error(connector: Connector, response: httpx.Response) -> ConnectorError:
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    status, now = response.status_code, connector.clock()
    specific = connector.classify_error(status, payload, response.headers, now)
    if specific is not None:
        return specific
    reason = connector.error_reason(payload) or f"HTTP {status}"
    if status == 401:
        return AuthExpired(reason, network="youtube", status=status)
    if status == 429:
        return RateLimited(reason, retry_at=retry_after(response.headers, now), network="youtube")
    if status in (404, 410):  # the session expired: nothing was created, start again later
        return Transient(f"upload session gone: {reason}", network="youtube", status=status)
    return Rejected(reason, network="youtube", status=status)
