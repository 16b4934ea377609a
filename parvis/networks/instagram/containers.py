"""Instagram's asynchronous publishing: create containers (Meta downloads the media from public
URLs), poll ``status_code`` until FINISHED, then ``media_publish``. social-apis.md §2.2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parvis.networks import jsonread
from parvis.networks.contracts import Draft, MediaFile
from parvis.networks.errors import Rejected, Transient, Unconfirmed
from parvis.networks.instagram import client as api
from parvis.networks.meta import graph

if TYPE_CHECKING:
    from parvis.networks.meta.connector import MetaConnector


def create_containers(connector: MetaConnector, ig_user_id: str, draft: Draft) -> list[str]:
    """The containers to wait for; the last one is the one to publish (carousel parent).

    Creating a container twice is harmless (an unpublished container expires in 24 h), so
    creation calls may be retried."""
    path = api.MEDIA.format(ig_user_id=ig_user_id)
    caption = draft.text
    if len(draft.media) == 1:
        form = {**_media_form(connector, draft.media[0], carousel=False), "caption": caption}
        return [_create(connector, path, form)]
    children = [
        _create(connector, path, _media_form(connector, media, carousel=True))
        for media in draft.media
    ]
    parent = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": caption}
    return [*children, _create(connector, path, parent)]


def _media_form(connector: MetaConnector, media: MediaFile, *, carousel: bool) -> dict[str, str]:
    url = connector.public_url(media)
    if not url:
        raise Rejected(
            "Instagram télécharge lui-même les médias : une adresse publique est nécessaire",
            network="instagram",
        )
    if media.is_video:  # the VIDEO type is deprecated for posts: REELS (VIDEO in carousels)
        form = {"media_type": "VIDEO" if carousel else "REELS", "video_url": url}
        if not carousel:
            form["share_to_feed"] = "true"
    else:
        form = {"image_url": url}
        if media.alt_text:
            form["alt_text"] = media.alt_text
    if carousel:
        form["is_carousel_item"] = "true"
    return form


def _create(connector: MetaConnector, path: str, form: dict[str, str]) -> str:
    body = connector.request("POST", path, data=form, idempotent=True).body
    container_id = graph.id_of(body)
    if not container_id:
        raise Transient("Graph created a container without an id", network="instagram")
    return container_id


def wait_until_finished(
    connector: MetaConnector, container_id: str, *, max_polls: int, interval: float
) -> None:
    """Poll until FINISHED. ERROR is a rejection with Meta's status text; EXPIRED and a
    container still processing after ``max_polls`` are transient (a new container is made on
    the next attempt); PUBLISHED means an earlier attempt went through: reconcile."""
    params = {"fields": "status_code,status"}
    for attempt in range(max_polls):
        if attempt:
            connector.sleep(interval)
        path = api.CONTAINER.format(container_id=container_id)
        body = graph.object_of(connector.request("GET", path, params=params).body, "instagram")
        status = jsonread.text(body, "status_code")
        if status == api.FINISHED:
            return
        if status == api.ERROR:
            reason = jsonread.text(body, "status") or "le média n’a pas pu être traité"
            raise Rejected(reason, network="instagram", remote_code=api.ERROR)
        if status == api.EXPIRED:
            raise Transient("the container expired before publishing", network="instagram")
        if status == api.PUBLISHED:
            raise Unconfirmed("the container was already published", network="instagram")
        if status != api.IN_PROGRESS:
            raise Transient(f"unknown container status {status!r}", network="instagram")
    raise Transient("the media is still being processed", network="instagram")
