"""X chunked media upload: initialize, append, finalize, then poll until processed.

https://docs.x.com/x-api/media/quickstart/media-upload-chunked
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import MediaFile
from parvis.networks.errors import Rejected, Transient
from parvis.networks.x import client as api


def upload_media(
    connector: Connector, media: MediaFile, *, chunk_bytes: int, max_polls: int
) -> str:
    """Upload ``media`` through ``connector`` and return X's media id, ready to attach."""
    content = media.read_bytes()
    init = {
        "media_type": media.mime,
        "total_bytes": len(content),
        "media_category": api.media_category(media.mime),
    }
    # Retrying initialize at worst leaves an unused media id, which X expires by itself.
    answer = connector.request("POST", api.MEDIA_INITIALIZE, json=init, idempotent=True)
    media_id = jsonread.text(api.data_of(answer.body), "id")
    for index, start in enumerate(range(0, len(content), chunk_bytes)):
        connector.request(
            "POST",
            api.MEDIA_APPEND.format(id=media_id),
            idempotent=True,  # re-sending a segment index replaces it
            data={"segment_index": str(index)},
            files={"media": ("chunk", content[start : start + chunk_bytes], media.mime)},
        )
    done = api.data_of(connector.request("POST", api.MEDIA_FINALIZE.format(id=media_id)).body)
    _wait_for_processing(connector, media_id, done, max_polls)
    if media.alt_text:
        metadata = {"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}}
        connector.request("POST", api.MEDIA_METADATA, json=metadata, idempotent=True)
    return media_id


def _wait_for_processing(
    connector: Connector, media_id: str, data: dict[str, Any], max_polls: int
) -> None:
    for _ in range(max_polls):
        info = data.get("processing_info")
        if not isinstance(info, dict):
            return  # images: no processing step
        state = info.get("state")
        if state == "succeeded":
            return
        if state == "failed":
            error = info.get("error")
            reason = error.get("message") if isinstance(error, dict) else None
            raise Rejected(str(reason or "traitement du média échoué"), network="x")
        wait = info.get("check_after_secs", 1)
        connector.sleep(float(wait) if isinstance(wait, int | float) else 1.0)
        params = {"media_id": media_id, "command": "STATUS"}
        data = api.data_of(connector.request("GET", api.MEDIA_STATUS, params=params).body)
    raise Transient(f"media {media_id} still processing", network="x")
