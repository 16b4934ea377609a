"""Pictures and videos as blobs on the account's PDS.

https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob — the raw bytes with their real
``Content-Type``; the answer's blob is what the record's embed points at (a blob no record uses
is garbage-collected). Videos go up the same way: bsky.social's video service
(``app.bsky.video.uploadVideo``, transcoding, quotas) is not used, see docs/connectors.md.
"""

from __future__ import annotations

from typing import Any

from parvis.networks.base import Connector
from parvis.networks.bluesky import client as api
from parvis.networks.contracts import MediaFile
from parvis.networks.errors import Rejected


def upload_blob(connector: Connector, media: MediaFile) -> dict[str, Any]:
    """Upload ``media`` and return its blob; larger than the lexicon allows is Rejected before
    anything is sent."""
    capabilities = connector.capabilities
    rules = capabilities.videos if media.is_video else capabilities.images
    content = media.read_bytes()
    if rules is not None and len(content) > rules.max_bytes:
        raise Rejected(f"file larger than {rules.max_bytes} bytes", network="bluesky")
    answer = connector.request(
        "POST",
        api.UPLOAD_BLOB,
        idempotent=True,  # blobs are content-addressed: the same bytes, the same blob
        content=content,
        headers={"Content-Type": media.mime},
    )
    return api.obj(api.obj(answer.body).get("blob"), "blob")
