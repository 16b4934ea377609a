"""One copy of a picture per network profile, made only when the original does not fit.

A *profile* is what one network (or one Mastodon instance) accepts for pictures: formats,
weight, width, pixels, proportions (``networks.capabilities.ImageRules``). :func:`plan`
decides from the measured original alone whether it fits as is and, if not, what the copy
will be (format, crop, size). It is cheap and needs no file, so the composer and scheduling
validate what will really be sent. :func:`render` makes the copy with Pillow; the services
store it once per (asset, profile) and the dispatcher sends it.

Choices, in order: proportions outside the accepted range are cropped around the centre to the
nearest accepted ratio (what the networks' own apps do); too wide or too many pixels are scaled
down, too narrow scaled up; a format the network refuses becomes JPEG; too heavy lowers the JPEG
quality, then the dimensions by steps. Copies are upright (EXIF orientation applied) and carry
no metadata, so no GPS position leaves with them. GIFs (maybe animated) and videos are never
re-encoded: validation tells the author what to change.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass, fields, replace
from typing import BinaryIO

from PIL import Image, ImageOps

from parvis.networks.capabilities import ImageRules
from parvis.networks.contracts import MediaFile
from parvis.publishing.mediafiles import pixel_limit

# Bump when the way copies are made changes: stored copies then no longer match any profile
# and are made again.
RENDERING_VERSION = 1
# The same tolerance as ``networks.validation``: a ratio within it is accepted there.
RATIO_TOLERANCE = 1e-3
JPEG = "image/jpeg"
PNG = "image/png"
JPEG_QUALITIES = (90, 84, 78, 72, 66, 60)
SHRINK_STEP = 0.85  # dimensions kept at each step once the lowest quality is still too heavy


@dataclass(frozen=True)
class Plan:
    """What the copy for one profile will be."""

    profile: str
    mime: str
    width: int
    height: int
    max_bytes: int
    cropped: bool


@dataclass(frozen=True)
class Rendered:
    data: bytes
    mime: str
    width: int
    height: int


@dataclass(frozen=True)
class _Geometry:
    box: tuple[int, int, int, int]  # what to keep of the upright original
    width: int
    height: int
    cropped: bool


def profile_of(network: str, rules: ImageRules) -> str:
    """A stable name for ``rules`` on ``network``: equal rules (two Mastodon instances with the
    same limits) share copies; changed limits make new ones. Sets are sorted because their
    order changes from one process to the next."""
    parts: list[object] = [RENDERING_VERSION]
    for spec in fields(rules):
        value = getattr(rules, spec.name)
        parts.append(sorted(value) if isinstance(value, frozenset) else value)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return f"{network}-{digest}"


def byte_limit(media: MediaFile, rules: ImageRules) -> int:
    return rules.gif_max_bytes if media.is_gif and rules.gif_max_bytes else rules.max_bytes


def fits(media: MediaFile, rules: ImageRules) -> bool:
    """True when ``networks.validation`` would accept the picture as it is."""
    if media.mime not in rules.mime_types or media.size > byte_limit(media, rules):
        return False
    width, height = media.width, media.height
    if not width or not height:
        return True  # nothing measured, nothing the network's rules can be checked against
    if rules.min_width is not None and width < rules.min_width:
        return False
    if rules.max_width is not None and width > rules.max_width:
        return False
    if rules.max_pixels is not None and width * height > rules.max_pixels:
        return False
    ratio = width / height
    if rules.min_ratio is not None and ratio < rules.min_ratio - RATIO_TOLERANCE:
        return False
    return rules.max_ratio is None or ratio <= rules.max_ratio + RATIO_TOLERANCE


def _output_mime(source_mime: str, rules: ImageRules, *, too_heavy: bool) -> str | None:
    # PNG stays PNG (transparency, sharp text) unless weight is the problem; the rest is JPEG.
    if source_mime == PNG and PNG in rules.mime_types and not too_heavy:
        return PNG
    if JPEG in rules.mime_types:
        return JPEG
    return PNG if PNG in rules.mime_types else None


def _ratio_ok(width: int, height: int, rules: ImageRules) -> bool:
    ratio = width / height
    if rules.min_ratio is not None and ratio < rules.min_ratio:
        return False
    return rules.max_ratio is None or ratio <= rules.max_ratio


def _height_for(width: int, ratio: float, rules: ImageRules) -> int:
    """The height giving ``width`` the ``ratio``, nudged by a pixel if rounding left the
    accepted range."""
    height = max(1, round(width / ratio))
    if rules.min_ratio is not None and width / height < rules.min_ratio:
        height = max(1, math.floor(width / rules.min_ratio))
    if rules.max_ratio is not None and width / height > rules.max_ratio:
        height = max(1, math.ceil(width / rules.max_ratio))
    return height


def _geometry(width: int, height: int, rules: ImageRules) -> _Geometry:
    ratio = width / height
    target = ratio
    if rules.min_ratio is not None and ratio < rules.min_ratio - RATIO_TOLERANCE:
        target = rules.min_ratio
    if rules.max_ratio is not None and ratio > rules.max_ratio + RATIO_TOLERANCE:
        target = rules.max_ratio
    box = (0, 0, width, height)
    if target < ratio:  # too wide: keep the whole height, cut both sides
        kept = max(1, min(width, round(height * target)))
        left = (width - kept) // 2
        box = (left, 0, left + kept, height)
    elif target > ratio:  # too tall: keep the whole width, cut top and bottom
        kept = max(1, min(height, round(width / target)))
        top = (height - kept) // 2
        box = (0, top, width, top + kept)
    kept_w, kept_h = box[2] - box[0], box[3] - box[1]
    scale = 1.0
    if rules.max_width is not None and kept_w > rules.max_width:
        scale = rules.max_width / kept_w
    if rules.max_pixels is not None and kept_w * kept_h * scale * scale > rules.max_pixels:
        scale = min(scale, math.sqrt(rules.max_pixels / (kept_w * kept_h)))
    if rules.min_width is not None and kept_w * scale < rules.min_width:
        scale = rules.min_width / kept_w
    out_w = max(1, math.floor(kept_w * scale))
    out_h = _height_for(out_w, kept_w / kept_h, rules)
    while rules.max_pixels is not None and out_w * out_h > rules.max_pixels and out_w > 1:
        out_w -= 1
        out_h = _height_for(out_w, kept_w / kept_h, rules)
    return _Geometry(box, out_w, out_h, cropped=box != (0, 0, width, height))


def plan(media: MediaFile, network: str, rules: ImageRules) -> Plan | None:
    """The copy ``network`` needs, or None when the original is sent as it is (it fits, or it
    is a video or a GIF, or it cannot be measured: validation then reports what is wrong)."""
    if media.is_video or media.is_gif or fits(media, rules):
        return None
    if not media.width or not media.height:
        return None
    limit = byte_limit(media, rules)
    mime = _output_mime(media.mime, rules, too_heavy=media.size > limit)
    if mime is None:
        return None
    shape = _geometry(media.width, media.height, rules)
    return Plan(
        profile=profile_of(network, rules),
        mime=mime,
        width=shape.width,
        height=shape.height,
        max_bytes=limit,
        cropped=shape.cropped,
    )


def planned(media: MediaFile, network: str, rules: ImageRules | None) -> MediaFile:
    """``media`` as ``network`` will receive it, measured from the plan (no file read): what
    the composer previews and scheduling validates. The copy's weight is at most the limit."""
    if rules is None:
        return media
    copy = plan(media, network, rules)
    if copy is None:
        return media
    return replace(
        media,
        mime=copy.mime,
        width=copy.width,
        height=copy.height,
        size=min(media.size, copy.max_bytes),
        url=None,
        data=None,
    )


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white rather than black."""
    if picture.mode in {"RGBA", "LA"} or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def _jpeg(picture: Image.Image, max_bytes: int) -> bytes:
    while True:
        for quality in JPEG_QUALITIES:
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= max_bytes:
                return out.getvalue()
        if picture.width <= 1 and picture.height <= 1:
            raise ValueError("cannot make the picture light enough")
        smaller = (
            max(1, int(picture.width * SHRINK_STEP)),
            max(1, int(picture.height * SHRINK_STEP)),
        )
        picture = picture.resize(smaller, Image.Resampling.LANCZOS)


def render(handle: BinaryIO, rules: ImageRules, *, size: int) -> Rendered:
    """Make the copy of the picture in ``handle`` (``size`` bytes) for ``rules``. The geometry
    is computed again from the decoded picture itself, so a size measured differently (older
    uploads were measured before EXIF rotation) still gives a copy that fits. Pillow's pixel
    limit is the upload's (``settings.MEDIA_MAX_PIXELS``): no file is decoded past it."""
    pixel_limit()
    with Image.open(handle) as original:
        source_mime = Image.MIME.get(original.format or "", JPEG)
        picture = ImageOps.exif_transpose(original)
        shape = _geometry(picture.width, picture.height, rules)
        if shape.box != (0, 0, picture.width, picture.height):
            picture = picture.crop(shape.box)
        if picture.size != (shape.width, shape.height):
            picture = picture.resize((shape.width, shape.height), Image.Resampling.LANCZOS)
        picture.load()
    limit = rules.max_bytes
    mime = _output_mime(source_mime, rules, too_heavy=size > limit)
    if mime == PNG:
        out = io.BytesIO()
        picture.save(out, "PNG", optimize=True)
        if out.tell() <= limit:
            return Rendered(out.getvalue(), PNG, picture.width, picture.height)
        if JPEG not in rules.mime_types:
            raise ValueError("the picture is too heavy as PNG and JPEG is not accepted")
    data = _jpeg(_flatten(picture), limit)
    with Image.open(io.BytesIO(data)) as check:
        width, height = check.size
    return Rendered(data, JPEG, width, height)
