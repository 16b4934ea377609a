"""Facebook photos and videos, always sent as bytes (direct upload).

Graph also takes ``url=`` / ``file_url=`` and downloads the file itself, but then a Parvis behind
a home router (no public address) could not publish a picture: the bytes always work, so Parvis
never asks Facebook to fetch. Photos: ``POST /{page-id}/photos`` with a multipart ``source``;
several photos are uploaded unpublished, then attached to one feed post (``attached_media``).
Videos: the Resumable Upload API (``/{app-id}/uploads``, bytes with ``file_offset``, then
``fbuploader_video_file_chunk``). social-apis.md §1.2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parvis.networks.contracts import MediaFile
from parvis.networks.errors import Rejected
from parvis.networks.facebook import client as api
from parvis.networks.meta import graph

if TYPE_CHECKING:
    from parvis.networks.meta.connector import MetaConnector


def upload_photo(
    connector: MetaConnector, page_id: str, media: MediaFile, form: dict[str, str]
) -> tuple[str, str]:
    """Send one photo with ``form`` (caption, published...); returns (photo id, post id)."""
    path = api.PHOTOS.format(page_id=page_id)
    files = {"source": ("photo", media.read_bytes(), media.mime)}
    body = connector.request("POST", path, data=form, files=files).body
    return graph.id_of(body), graph.id_of(body, "post_id")


def upload_video(
    connector: MetaConnector,
    page_id: str,
    media: MediaFile,
    form: dict[str, str],
    *,
    video_base_url: str,
    chunk_bytes: int,
) -> str:
    """Publish one video on the Page; returns the video id."""
    form = {
        **form,
        "fbuploader_video_file_chunk": _resumable_upload(connector, media, chunk_bytes),
    }
    return connector.create(video_base_url + api.VIDEOS.format(page_id=page_id), form)


def _resumable_upload(connector: MetaConnector, media: MediaFile, chunk_bytes: int) -> str:
    if connector.app is None:
        raise Rejected("an app id is needed to upload a video", network="facebook")
    content = media.read_bytes()
    params = {
        "file_name": "video.mp4" if media.mime == "video/mp4" else "video.mov",
        "file_length": str(len(content)),
        "file_type": media.mime,
    }
    session_path = api.UPLOAD_SESSIONS.format(app_id=connector.app.client_id)
    # An unused upload session costs nothing: creating one again is harmless.
    session = connector.request("POST", session_path, params=params, idempotent=True).body
    upload_id = graph.id_of(session)
    if not upload_id.startswith("upload:"):
        raise Rejected("Graph did not open an upload session", network="facebook")
    handle = ""
    for offset in range(0, len(content), chunk_bytes):
        answer = connector.request(
            "POST",
            api.UPLOAD.format(upload_id=upload_id),
            idempotent=True,  # the same bytes at the same offset replace themselves
            headers={"file_offset": str(offset)},
            content=content[offset : offset + chunk_bytes],
        ).body
        handle = graph.id_of(answer, "h")
    if not handle:
        raise Rejected("Graph did not return an upload handle", network="facebook")
    return handle
