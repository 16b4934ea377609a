"""Uploaded pictures and videos: recognise, measure and refuse clearly.

The original is kept as uploaded; each network later gets its own copy when the original does
not fit its limits (:mod:`parvis.publishing.renditions`). Images are opened with Pillow (type
from the content, never from the file name) and measured upright (EXIF orientation applied), as
the networks show them. Videos are MP4/QuickTime only: their duration and size are read from the
``mvhd`` and ``tkhd`` boxes of the file itself, so no ffmpeg is needed; another video container
is refused with a message.
Messages are translated (``gettext``) because they are shown at the moment of the upload.

A picture is measured from its header before any pixel is decoded: more than
``settings.MEDIA_MAX_PIXELS`` pixels is refused (a small file can claim 50,000×50,000 pixels and
take gigabytes once decoded), and ``PIL.Image.MAX_IMAGE_PIXELS`` is kept at the same value so
that Pillow's own check, everywhere in the process, says the same.

One change is made to what is kept: where the picture or video was taken is removed at upload
(:mod:`parvis.publishing.location`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MB = 1024 * 1024
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_IMAGE_BYTES = 30 * MB
MIN_IMAGE_SIDE = 200
MAX_IMAGE_SIDE = 12_000
MAX_VIDEO_BYTES = 512 * MB
MAX_VIDEO_SECONDS = 60 * 60
# EXIF orientations that turn the picture a quarter: the upright picture swaps width and height.
QUARTER_TURNS = {5, 6, 7, 8}
EXIF_ORIENTATION = 0x0112


class MediaRejected(ValueError):
    """The file cannot be used; the message says why and what to do, in the user's language."""


@dataclass(frozen=True)
class Measured:
    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def pixel_limit() -> int:
    """The most pixels a picture may have (``settings.MEDIA_MAX_PIXELS``), applied to Pillow
    too: past it Pillow warns, past twice it raises ``DecompressionBombError`` when opening."""
    limit = int(settings.MEDIA_MAX_PIXELS)
    Image.MAX_IMAGE_PIXELS = limit
    return limit


def _too_many_pixels(limit: int) -> MediaRejected:
    megapixels = f"{limit / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return MediaRejected(
        _("This image has too many pixels (%(max)s megapixels at most): reduce it first.")
        % {"max": megapixels}
    )


def measure(handle: BinaryIO, size: int) -> Measured:
    """Recognise and check one upload; raise :class:`MediaRejected` with the reason."""
    head = handle.read(16)
    handle.seek(0)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _measure_video(handle, size)
    return _measure_image(handle, size)


def _measure_image(handle: BinaryIO, size: int) -> Measured:
    if size > MAX_IMAGE_BYTES:
        raise MediaRejected(
            _("This image weighs %(size)s MB, %(max)s MB at most: compress it first.")
            % {"size": _mb(size), "max": _mb(MAX_IMAGE_BYTES)}
        )
    limit = pixel_limit()
    try:
        # open() reads the header only; the size is checked before verify() reads the data.
        with Image.open(handle) as probe:
            kind = probe.format or ""
            width, height = probe.size
            if width * height > limit:
                raise _too_many_pixels(limit)
            probe.verify()
        handle.seek(0)
        with Image.open(handle) as probe:  # verify() leaves the image unusable: open again
            if probe.getexif().get(EXIF_ORIENTATION) in QUARTER_TURNS:
                width, height = height, width
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own check (when warnings are errors, its warning too): the same refusal.
        raise _too_many_pixels(limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise MediaRejected(
            _(
                "This file is neither a picture Parvis can read (JPEG, PNG, GIF, WebP) nor an MP4 "
                "video: convert it first."
            )
        ) from None
    mime = IMAGE_TYPES.get(kind)
    if mime is None:
        raise MediaRejected(
            _("Pictures in %(format)s are not accepted: convert it to JPEG or PNG.")
            % {"format": kind or "?"}
        )
    if min(width, height) < MIN_IMAGE_SIDE:
        raise MediaRejected(
            _("This image is %(w)s×%(h)s px, too small to look sharp: use at least %(min)s px.")
            % {"w": width, "h": height, "min": MIN_IMAGE_SIDE}
        )
    if max(width, height) > MAX_IMAGE_SIDE:
        raise MediaRejected(
            _("This image is %(w)s×%(h)s px, %(max)s px at most: reduce it first.")
            % {"w": width, "h": height, "max": MAX_IMAGE_SIDE}
        )
    return Measured(mime=mime, size=size, width=width, height=height)


# --- MP4 / QuickTime ------------------------------------------------------------------------


def mp4_boxes(handle: BinaryIO, start: int, end: int) -> Iterator[tuple[int, bytes, int, int]]:
    """(box start, type, payload start, box end) of the boxes between ``start`` and ``end``.

    A damaged or truncated last box may claim more than is left: its end is then past ``end``
    and nothing follows it. Readers clamp it; writers (``publishing.location``) stop before it.
    """
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        header = handle.read(8)
        if len(header) < 8:
            return
        box_size, kind = struct.unpack(">I4s", header)
        payload = offset + 8
        if box_size == 1:
            large = handle.read(8)
            if len(large) < 8:
                return
            box_size = struct.unpack(">Q", large)[0]
            payload = offset + 16
        elif box_size == 0:
            box_size = end - offset
        if box_size < payload - offset:
            return
        yield offset, kind, payload, offset + box_size
        offset += box_size


def _boxes(handle: BinaryIO, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between ``start`` and ``end``, a
    truncated last box cut at ``end``."""
    return [
        (kind, payload, min(box_end, end))
        for _offset, kind, payload, box_end in mp4_boxes(handle, start, end)
    ]


def read_mp4(handle: BinaryIO, size: int) -> tuple[float, int | None, int | None]:
    """Duration (seconds) from ``moov/mvhd`` and the video size from the first ``tkhd`` with
    one. Raises ValueError when the file has no readable ``moov``."""
    moov = next((b for b in _boxes(handle, 0, size) if b[0] == b"moov"), None)
    if moov is None:
        raise ValueError("no moov box")
    duration: float | None = None
    width = height = None
    for kind, start, end in _boxes(handle, moov[1], moov[2]):
        if kind == b"mvhd":
            handle.seek(start)
            version = handle.read(1)[0]
            handle.read(3)
            if version == 1:
                handle.read(16)
                scale, length = struct.unpack(">IQ", handle.read(12))
            else:
                handle.read(8)
                scale, length = struct.unpack(">II", handle.read(8))
            duration = length / scale if scale else None
        elif kind == b"trak" and width is None:
            for inner, istart, _iend in _boxes(handle, start, end):
                if inner != b"tkhd":
                    continue
                handle.seek(istart)
                version = handle.read(1)[0]
                skip = 3 + (32 if version == 1 else 20) + 8 + 8 + 36
                handle.read(skip)
                w, h = struct.unpack(">II", handle.read(8))
                if w and h:
                    width, height = w >> 16, h >> 16
    if duration is None:
        raise ValueError("no mvhd box")
    return duration, width, height


def _measure_video(handle: BinaryIO, size: int) -> Measured:
    handle.seek(8)
    brand = handle.read(4)
    mime = "video/quicktime" if brand == b"qt  " else "video/mp4"
    if size > MAX_VIDEO_BYTES:
        raise MediaRejected(
            _("This video weighs %(size)s MB, %(max)s MB at most: compress or shorten it.")
            % {"size": _mb(size), "max": _mb(MAX_VIDEO_BYTES)}
        )
    try:
        duration, width, height = read_mp4(handle, size)
    except (ValueError, struct.error, IndexError):
        raise MediaRejected(
            _("Parvis cannot read this video's length: export it again as MP4 (H.264).")
        ) from None
    if duration > MAX_VIDEO_SECONDS:
        raise MediaRejected(
            _("This video lasts %(minutes)s minutes, 60 at most: shorten it.")
            % {"minutes": int(duration // 60)}
        )
    return Measured(mime=mime, size=size, width=width, height=height, duration=duration)
