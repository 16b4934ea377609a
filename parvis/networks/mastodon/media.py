"""Mastodon media: upload through ``/api/v2/media``, then wait until the server processed it.

https://docs.joinmastodon.org/methods/media/#v2 — the answer is 200 when the file is ready
(usually pictures) or 202 with ``url: null`` while it is processed (videos); then
``GET /api/v1/media/:id`` answers 206 until it is ready and 200 with a ``url`` afterwards. A
status cannot attach media still in processing, hence the wait.
"""

from __future__ import annotations

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import MediaFile
from parvis.networks.errors import Transient
from parvis.networks.mastodon import client as api

_EXTENSIONS = {"image/jpeg": "jpg", "video/quicktime": "mov"}


def upload_media(connector: Connector, media: MediaFile, *, max_polls: int, wait: float) -> str:
    """Upload ``media`` (with its alt text as ``description``); return its id once processed."""
    subtype = media.mime.partition("/")[2] or "bin"
    name = f"media.{_EXTENSIONS.get(media.mime, subtype)}"
    form = {"description": media.alt_text} if media.alt_text else {}
    answer = connector.request(
        "POST",
        api.MEDIA_UPLOAD,
        # Re-sending an upload at worst leaves an unattached file, which the server deletes.
        idempotent=True,
        data=form,
        files={"file": (name, media.read_bytes(), media.mime)},
    )
    attachment = api.obj(answer.body, "media attachment")
    media_id = api.required_id(attachment)
    status = answer.status
    for _ in range(max_polls):
        if status == 200 and jsonread.text_or_number(attachment, "url"):
            return media_id
        connector.sleep(wait)
        answer = connector.request("GET", api.MEDIA.format(id=media_id))
        attachment = api.obj(answer.body, "media attachment")
        status = answer.status
    raise Transient(f"media {media_id} still processing", network="mastodon")
