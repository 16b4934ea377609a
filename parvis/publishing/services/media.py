"""Media writes: upload, alternative text, removal, and the per-network copies of pictures.

Same contract as the other workflows of this package: keyword-only, role checked, audited.
The original is stored as uploaded, less where it was taken
(:mod:`~parvis.publishing.location`), under a random name
(:func:`~parvis.publishing.models.private_media_name`; the name it had is kept in the row); a
network whose limits it exceeds gets its own copy (:class:`MediaRendition`), made the first
time a post needs it and reused afterwards. :func:`media_for_network` is what the
validation and the dispatcher read: the picture as that network will receive it.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.networks.capabilities import Capabilities, ImageRules
from parvis.networks.contracts import MediaFile
from parvis.networks.models import SocialAccount
from parvis.publishing import renditions
from parvis.publishing.capabilities import capabilities_for
from parvis.publishing.location import picture_without_location, video_strip_location
from parvis.publishing.media_urls import signed_media_url
from parvis.publishing.mediafiles import MediaRejected, measure
from parvis.publishing.models import MediaAsset, MediaRendition, Post

log = logging.getLogger(__name__)

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
# A file used by a post in one of these states stays: the post keeps what it was written with.
IN_USE = (
    Post.Status.PENDING_APPROVAL,
    Post.Status.APPROVED,
    Post.Status.SCHEDULED,
    Post.Status.PUBLISHING,
    Post.Status.FAILED,
    Post.Status.PARTIALLY_FAILED,
)


class MediaInUse(ValidationError):
    """The file is attached to a planned post; the message says so (translated)."""


@dataclass(frozen=True)
class Uploaded:
    asset: MediaAsset
    note: str  # which networks will get an adapted copy; "" when the original fits everywhere


def original_name(name: str, extension: str) -> str:
    """The uploader's file name as it may be shown and offered as a download name: no folder,
    no control characters, at most 255 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 250 - len(ext)]}.{ext}" if dot and len(ext) <= 5 else name[:255]
    return name or f"media.{extension}"


def _video_without_location(upload: UploadedFile, size: int) -> UploadedFile | File[bytes]:
    """The video with its location metadata blanked in place (same length). The uploaded
    temporary file is patched when it can be written, else a temporary copy."""
    handle: BinaryIO = upload.file  # type: ignore[assignment]
    content: UploadedFile | File[bytes] = upload
    if not (hasattr(handle, "writable") and handle.writable()):
        copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the File that wraps it
        upload.seek(0)
        shutil.copyfileobj(upload, copy)
        handle, content = copy, File(copy)
    try:
        video_strip_location(handle, size)
    except ValueError:
        raise MediaRejected(
            _("Parvis cannot read this video's metadata: export it again as MP4 (H.264).")
        ) from None
    # The storage may move the temporary file by its path: the writes must be on disk first.
    handle.flush()
    return content


@transaction.atomic
def media_upload(*, actor: Actor, upload: UploadedFile, alt_text: str = "") -> Uploaded:
    """Check, measure and store one picture or video as it was uploaded, less where it was
    taken, under a random name (the uploader's file name is kept in ``original_name``).

    Raises :class:`~parvis.publishing.mediafiles.MediaRejected` with the reason; nothing is
    stored then.
    """
    actor.require(Role.CONTRIBUTOR)
    size = upload.size or 0
    upload.seek(0)
    measured = measure(upload, size)  # type: ignore[arg-type]
    content: UploadedFile | File[bytes] = upload
    if measured.mime.startswith("image/"):
        upload.seek(0)
        try:
            cleaned = picture_without_location(upload.read())
        except ValueError:
            raise MediaRejected(
                _(
                    "Parvis cannot remove where this picture was taken from the file: export "
                    "it again as JPEG or PNG."
                )
            ) from None
        if cleaned is not None:
            content = ContentFile(cleaned)
            # Measured again: what is stored is what the networks will get.
            measured = measure(io.BytesIO(cleaned), len(cleaned))
    else:
        content = _video_without_location(upload, size)
    extension = EXTENSIONS[measured.mime]
    asset = MediaAsset(
        organisation=actor.organisation,
        original_name=original_name(upload.name or "", extension),
        mime=measured.mime,
        size=measured.size,
        width=measured.width,
        height=measured.height,
        duration=measured.duration,
        alt_text=alt_text.strip()[:1500],
        uploaded_by=actor.user,
    )
    content.seek(0)
    asset.file.save(f"upload.{extension}", content, save=False)
    asset.save()
    actor.audit("media.uploaded", asset, mime=asset.mime, size=asset.size)
    return Uploaded(asset, adaptation_note(asset))


def adaptation_note(asset: MediaAsset) -> str:
    """Tell the uploader which of the organisation's networks will get an adapted copy."""
    networks: set[Network] = set()
    measured = _measured(asset)
    for account in SocialAccount.objects.for_organisation(asset.organisation):
        caps = capabilities_for(account)
        if caps is None or caps.images is None:
            continue
        if renditions.plan(measured, caps.network.value, caps.images) is not None:
            networks.add(caps.network)
    if not networks:
        return ""
    names = ", ".join(sorted(NETWORK_LABELS[n] for n in networks))
    return _(
        "File added. Parvis will send an adapted copy (weight, format or proportions) to: "
        "%(networks)s."
    ) % {"networks": names}


@transaction.atomic
def media_alt_text_set(*, actor: Actor, asset: MediaAsset, alt_text: str) -> MediaAsset:
    actor.require(Role.CONTRIBUTOR)
    if asset.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    asset.alt_text = alt_text.strip()[:1500]
    asset.save(update_fields=["alt_text"])
    actor.audit("media.alt_text_set", asset)
    return asset


@transaction.atomic
def media_delete(*, actor: Actor, asset: MediaAsset) -> None:
    """Remove a file no planned post uses (a post keeps what it was scheduled with), with its
    copies. A contributor removes their own uploads; managers any."""
    actor.require(Role.CONTRIBUTOR)
    if asset.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    own = actor.user is not None and asset.uploaded_by_id == actor.user.pk
    if not own and not actor.can(Role.MANAGER):
        raise PermissionDenied(_("Only the person who added this file or a manager can remove it."))
    if asset.posts.filter(status__in=IN_USE).exists():
        raise MediaInUse(
            _("A planned post uses this file: remove it from the post first."), code="in_use"
        )
    actor.audit("media.deleted", asset)
    names = [asset.file.name, *(r.file.name for r in asset.renditions.all())]
    storage = asset.file.storage
    asset.delete()

    def _remove_files() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(_remove_files)


def _measured(asset: MediaAsset) -> MediaFile:
    """The original as measured at upload, without its bytes."""
    return MediaFile(
        mime=asset.mime,
        size=asset.size,
        width=asset.width,
        height=asset.height,
        duration=asset.duration,
        alt_text=asset.alt_text,
    )


def _read(field_file: object) -> bytes:
    with field_file.open("rb") as handle:  # type: ignore[attr-defined]
        data: bytes = handle.read()
    return data


def media_rendition(asset: MediaAsset, network: str, rules: ImageRules) -> MediaRendition | None:
    """The copy of ``asset`` for ``rules``, made and stored the first time; None when the
    original is sent as it is. Two workers making the same copy at once keep the first one."""
    copy = renditions.plan(_measured(asset), network, rules)
    if copy is None:
        return None
    existing: MediaRendition | None = MediaRendition.objects.filter(
        asset=asset, profile=copy.profile
    ).first()
    if existing is not None:
        return existing
    made = renditions.render(io.BytesIO(_read(asset.file)), rules, size=asset.size)
    rendition = MediaRendition(
        organisation_id=asset.organisation_id,
        asset=asset,
        profile=copy.profile,
        mime=made.mime,
        size=len(made.data),
        width=made.width,
        height=made.height,
    )
    rendition.file.save(f"copy.{EXTENSIONS[made.mime]}", ContentFile(made.data), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        rendition.file.storage.delete(rendition.file.name)
        theirs: MediaRendition = MediaRendition.objects.get(asset=asset, profile=copy.profile)
        return theirs
    log.info(
        "rendition made",
        extra={"asset": asset.pk, "profile": copy.profile, "bytes": rendition.size},
    )
    return rendition


def media_for_network(
    asset: MediaAsset, caps: Capabilities | None, *, make: bool, now: datetime | None = None
) -> MediaFile:
    """``asset`` as the network of ``caps`` receives it.

    With ``make``, the copy is made (or found) and its bytes and signed address are those the
    dispatcher sends. Without, it is only planned: measured as it will be, but without bytes or
    address when a copy is needed (the composer and scheduling validate from it).
    """
    original = _measured(asset)
    now = now or timezone.now()
    rules = caps.images if caps is not None else None
    network = caps.network.value if caps is not None else ""
    if rules is not None and not make:
        sent = renditions.planned(original, network, rules)
        if sent is not original:
            return sent
    rendition = media_rendition(asset, network, rules) if rules is not None and make else None
    if rendition is None:
        return MediaFile(
            mime=original.mime,
            size=original.size,
            width=original.width,
            height=original.height,
            duration=original.duration,
            alt_text=original.alt_text,
            data=lambda: _read(asset.file),
            # Networks that download media themselves (Instagram, Facebook) get a signed,
            # expiring address; the others read the bytes.
            url=signed_media_url(asset, now=now),
        )
    return MediaFile(
        mime=rendition.mime,
        size=rendition.size,
        width=rendition.width,
        height=rendition.height,
        alt_text=asset.alt_text,
        data=lambda: _read(rendition.file),
        url=signed_media_url(asset, now=now, rendition=rendition),
    )
