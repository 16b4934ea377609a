"""Writes the publishing services do not offer yet (media upload, alt text, queue slot removal,
notifications read). Same contract as ``services.py``: keyword-only, role checked, audited.
They belong in ``parvis/publishing/services.py`` once its author takes them over.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.accounts.models import User
from parvis.accounts.roles import Role
from parvis.publishing.models import MediaAsset, Notification, QueueSlot
from parvis.publishing.ui.mediafiles import Measured, measure

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}


@transaction.atomic
def media_upload(
    *, actor: Actor, upload: UploadedFile, alt_text: str = ""
) -> tuple[MediaAsset, Measured]:
    """Check and store one picture or video (a lighter copy replaces a too heavy picture).

    Raises :class:`~parvis.publishing.ui.mediafiles.MediaRejected` with the reason.
    """
    actor.require(Role.CONTRIBUTOR)
    size = upload.size or 0
    upload.seek(0)
    measured = measure(upload, size)  # type: ignore[arg-type]
    stem = (upload.name or "media").rsplit("/", 1)[-1].rsplit(".", 1)[0][:60] or "media"
    name = f"{stem}.{EXTENSIONS[measured.mime]}"
    asset = MediaAsset(
        organisation=actor.organisation,
        mime=measured.mime,
        size=measured.size,
        width=measured.width,
        height=measured.height,
        duration=measured.duration,
        alt_text=alt_text.strip()[:1500],
        uploaded_by=actor.user,
    )
    if measured.rendition is not None:
        asset.file.save(name, ContentFile(measured.rendition), save=False)
    else:
        upload.seek(0)
        asset.file.save(name, upload, save=False)
    asset.save()
    actor.audit("media.uploaded", asset, mime=asset.mime, size=asset.size)
    return asset, measured


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
    """Remove a file no planned post uses (a post keeps what it was scheduled with)."""
    actor.require(Role.CONTRIBUTOR)
    if asset.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    actor.audit("media.deleted", asset)
    name = asset.file.name
    storage = asset.file.storage
    asset.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@transaction.atomic
def queue_slot_remove(*, actor: Actor, slot: QueueSlot) -> None:
    actor.require(Role.MANAGER)
    if slot.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    actor.audit("queue_slot.removed", slot)
    slot.delete()


def notifications_mark_read(*, user: User, organisation: object) -> int:
    """Mark every unread notification of ``user`` in ``organisation`` read; returns how many."""
    return (
        Notification.objects.for_organisation(organisation)  # type: ignore[arg-type]
        .filter(user=user, read_at=None)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def post_media_set(*, actor: Actor, post: object, media_ids: list[int]) -> None:
    """Attach exactly ``media_ids`` (this organisation's files) to ``post``."""
    from parvis.publishing.models import Post

    assert isinstance(post, Post)
    actor.require(Role.CONTRIBUTOR)
    if post.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    wanted = list(MediaAsset.objects.for_organisation(actor.organisation).filter(pk__in=media_ids))
    current = set(post.media.values_list("pk", flat=True))
    if current != {m.pk for m in wanted}:
        post.media.set(wanted)
