"""LinkedIn Images API and Videos API upload sessions.

Images: initializeUpload -> PUT the bytes to ``uploadUrl`` -> wait for ``AVAILABLE``.
Videos: initializeUpload (with the size) -> PUT each part to its ``uploadUrl`` and keep its
``ETag`` -> finalizeUpload with the ETags in order -> wait for ``AVAILABLE``.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
"""

from __future__ import annotations

from typing import Any

from parvis.networks import jsonread
from parvis.networks.base import Connector
from parvis.networks.contracts import Draft, MediaFile
from parvis.networks.errors import Rejected, Transient
from parvis.networks.linkedin import client as api

_OCTETS = {"Content-Type": "application/octet-stream"}


def post_content(
    connector: Connector, draft: Draft, *, owner: str, max_polls: int
) -> dict[str, Any] | None:
    """The Posts API ``content`` of ``draft``: one video, one picture, several pictures
    (``multiImage``) or a link (``article``); None for a text post. Uploads media first."""
    videos = [m for m in draft.media if m.is_video]
    if videos:
        urn = upload_video(connector, videos[0], owner=owner, max_polls=max_polls)
        return {"media": {"id": urn, "title": draft.title or ""}}
    images = [
        {"id": upload_image(connector, m, owner=owner, max_polls=max_polls), "altText": m.alt_text}
        for m in draft.media
    ]
    if len(images) == 1:
        return {"media": images[0]}
    if images:
        return {"multiImage": {"images": images}}
    if draft.link:  # LinkedIn does not scrape previews: the title travels with the link
        return {"article": {"source": draft.link, "title": draft.title or draft.link}}
    return None


def upload_image(connector: Connector, media: MediaFile, *, owner: str, max_polls: int) -> str:
    """Upload one picture for ``owner`` and return its ``urn:li:image:...`` once available."""
    init = {"initializeUploadRequest": {"owner": owner}}
    # Retrying initializeUpload at worst leaves an unused image URN, which LinkedIn expires.
    answer = connector.request(
        "POST", api.IMAGES + api.query(action="initializeUpload"), json=init, idempotent=True
    )
    value = api.value_of(answer.body)
    upload_url, urn = jsonread.text(value, "uploadUrl"), jsonread.text(value, "image")
    if not upload_url or not urn:
        raise Transient("initializeUpload answered without uploadUrl/image", network="linkedin")
    connector.request("PUT", upload_url, content=media.read_bytes(), headers=_OCTETS)
    _wait_available(connector, api.IMAGE.format(urn=api.encode(urn)), max_polls)
    return urn


def upload_video(connector: Connector, media: MediaFile, *, owner: str, max_polls: int) -> str:
    """Upload a video in the parts LinkedIn assigns and return its ``urn:li:video:...``."""
    content = media.read_bytes()
    init = {
        "initializeUploadRequest": {
            "owner": owner,
            "fileSizeBytes": len(content),
            "uploadCaptions": False,
            "uploadThumbnail": False,
        }
    }
    answer = connector.request(
        "POST", api.VIDEOS + api.query(action="initializeUpload"), json=init, idempotent=True
    )
    value = api.value_of(answer.body)
    urn = jsonread.text(value, "video")
    parts = _instructions(value)
    if not urn or not parts:
        raise Transient("initializeUpload answered without video/parts", network="linkedin")
    etags: list[str] = []
    for upload_url, first, last in parts:
        # PUT is idempotent: re-sending a part replaces it, so transport may retry it.
        sent = connector.request("PUT", upload_url, content=content[first : last + 1])
        etag = sent.headers.get("etag", "")
        if not etag:
            raise Transient("a video part was stored without an ETag", network="linkedin")
        etags.append(etag)
    finalize = {
        "finalizeUploadRequest": {
            "video": urn,
            "uploadToken": jsonread.text(value, "uploadToken"),
            "uploadedPartIds": etags,
        }
    }
    connector.request(
        "POST", api.VIDEOS + api.query(action="finalizeUpload"), json=finalize, idempotent=True
    )
    _wait_available(connector, api.VIDEO.format(urn=api.encode(urn)), max_polls)
    return urn


def _instructions(value: dict[str, Any]) -> list[tuple[str, int, int]]:
    raw = value.get("uploadInstructions")
    parts: list[tuple[str, int, int]] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        url, first, last = item.get("uploadUrl"), item.get("firstByte"), item.get("lastByte")
        if isinstance(url, str) and isinstance(first, int) and isinstance(last, int):
            parts.append((url, first, last))
    return sorted(parts, key=lambda part: part[1])


def _wait_available(connector: Connector, path: str, max_polls: int) -> None:
    for _ in range(max_polls):
        status = jsonread.text(connector.request("GET", path).object(), "status")
        if status == "AVAILABLE":
            return
        if status in ("PROCESSING_FAILED", "FAILED"):
            raise Rejected("LinkedIn n’a pas pu traiter le média", network="linkedin")
        connector.sleep(1.0)
    raise Transient(f"{path} still processing", network="linkedin")
