"""Uploads that could hurt: pictures claiming more pixels than allowed are refused from their
header, before any decoding, with a clear message and nothing stored; where a picture or a
video was taken (EXIF GPS, XMP, IPTC, MP4/QuickTime location atoms and keys) is removed
without touching the pixels; a refused upload loses nothing of the post being written.

Every file here is real: made by Pillow, then given its metadata byte by byte as cameras,
phones and editors write it."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, PngImagePlugin

from parvis.accounts.models import User
from parvis.publishing.location import picture_without_location, video_strip_location
from parvis.publishing.mediafiles import read_mp4
from parvis.publishing.models import MediaAsset, Post
from tests.conftest import Cast

GPS_XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    b'exif:GPSLatitude="47,13.0833N" exif:GPSLongitude="1,33.2167W" '
    b'photoshop:City="Rez\xc3\xa9"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
# What must not survive anywhere in a stored file.
LOCATION_TRACES = (b"GPSLatitude", b"GPSLongitude", b"47,13", b"Rez", b"Nantes", b"+47.2")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def english(user: User) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def library(cast: Cast) -> str:
    return reverse("posts:media", kwargs={"org": cast.org.slug})


def stored_files(root: str) -> list[str]:
    return [name for _dir, _subdirs, names in os.walk(root) for name in names]


def exif_with_gps(orientation: int | None = 6) -> Image.Exif:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "Fairphone"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (47.0, 13.0, 5.0), "W", (1.0, 33.0, 13.0)
    return exif


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header announcing width×height pixels, and a few bytes of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def located_jpeg(xmp: bytes = GPS_XMP, orientation: int | None = 6) -> bytes:
    """A photo as a phone and an editor leave it: EXIF with GPS, an XMP packet with GPS and a
    city, an IPTC block naming the place."""
    out = io.BytesIO()
    noisy = Image.effect_noise((800, 400), 40).convert("RGB")
    noisy.save(out, "JPEG", exif=exif_with_gps(orientation), quality=88)
    data = out.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0b\x1c\x02\x5a\x00\x06Nantes\x00"
    return data[:2] + jpeg_segment(0xE1, XMP_JPEG + xmp) + jpeg_segment(0xED, iptc) + data[2:]


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as picture:
        return picture.convert("RGB").tobytes()


def assert_no_location(data: bytes) -> None:
    for trace in LOCATION_TRACES:
        assert trace not in data, trace
    with Image.open(io.BytesIO(data)) as picture:
        exif = picture.getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825)
        assert b"GPS" not in picture.info.get("xmp", b"")


# --- Decompression bombs --------------------------------------------------------------------


def test_a_picture_claiming_50000_by_50000_pixels_is_refused_and_nothing_is_stored(
    cast: Cast, settings: Any
) -> None:
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 200  # tiny on disk, 7.5 GB once decoded
    response = english(cast.alice).post(
        library(cast), {"file": SimpleUploadedFile("bomb.png", bomb), "alt_text": "Escalier"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This image has too many pixels (40 megapixels at most): reduce it first." in page
    assert not MediaAsset.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    # The same refusal in French, the interface's first language.
    french = cast.client_for(cast.alice)
    cast.alice.language = "fr"
    cast.alice.save(update_fields=["language"])
    refused = french.post(library(cast), {"file": SimpleUploadedFile("bomb.png", bomb)})
    assert "Cette image a trop de pixels (40 mégapixels au maximum)" in refused.content.decode()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [
        (1100, 1000),  # above the limit: refused by Parvis from the header
        (2000, 1100),  # above twice the limit: Pillow's own DecompressionBombError
    ],
)
def test_the_pixel_limit_is_a_setting_and_pillow_follows_it(
    cast: Cast, settings: Any, width: int, height: int
) -> None:
    settings.MEDIA_MAX_PIXELS = 1_000_000
    client = english(cast.alice)
    response = client.post(
        library(cast), {"file": SimpleUploadedFile("big.png", png_claiming(width, height))}
    )
    assert response.status_code == 400
    assert "too many pixels (1 megapixels at most)" in response.content.decode()
    assert Image.MAX_IMAGE_PIXELS == 1_000_000
    out = io.BytesIO()
    Image.new("RGB", (1000, 1000)).save(out, "PNG")  # exactly the limit: accepted
    ok = client.post(library(cast), {"file": SimpleUploadedFile("ok.png", out.getvalue())})
    assert ok.status_code == 302
    assert MediaAsset.objects.count() == 1


def test_a_refused_upload_loses_nothing_of_the_post_being_written(cast: Cast) -> None:
    alice = english(cast.alice)
    org = cast.org.slug
    alice.post(reverse("posts:autosave", kwargs={"org": org}), {"body": "Notre escalier"})
    post = Post.objects.get(organisation=cast.org)
    refused = alice.post(
        library(cast),
        {"file": SimpleUploadedFile("bomb.png", png_claiming(50_000, 50_000)), "alt_text": "Un"},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "too many pixels" in page
    assert "Un</textarea>" in page  # what was typed with the file is still in the form
    post.refresh_from_db()
    assert post.body == "Notre escalier" and post.status == Post.Status.DRAFT
    edit = alice.get(reverse("posts:edit", kwargs={"org": org, "post_id": post.pk}))
    assert edit.status_code == 200 and "Notre escalier" in edit.content.decode()


# --- Location in pictures -------------------------------------------------------------------


def test_a_jpeg_loses_its_exif_gps_its_xmp_and_its_iptc_but_not_a_pixel(cast: Cast) -> None:
    original = located_jpeg()
    with Image.open(io.BytesIO(original)) as check:  # the file says where, as crafted
        assert b"GPSLatitude" in check.info["xmp"]
        assert check.getexif().get_ifd(0x8825)
    english(cast.alice).post(library(cast), {"file": SimpleUploadedFile("atelier.jpg", original)})
    asset = MediaAsset.objects.get(organisation=cast.org)
    with asset.file.open("rb") as handle:
        stored = handle.read()
    assert_no_location(stored)
    assert XMP_JPEG not in stored and b"Photoshop 3.0" not in stored
    assert pixels(stored) == pixels(original)  # the container was rewritten, not the image
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.getexif()[0x0112] == 6 and kept.getexif()[0x010F] == "Fairphone"
    assert (asset.width, asset.height, asset.size) == (400, 800, len(stored))


def test_an_orientation_given_only_in_xmp_is_kept(cast: Cast) -> None:
    xmp = GPS_XMP.replace(
        b'photoshop:City="Rez\xc3\xa9"',
        b'tiff:Orientation="6" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"',
    )
    original = located_jpeg(xmp=xmp, orientation=None)
    english(cast.alice).post(library(cast), {"file": SimpleUploadedFile("a.jpg", original)})
    asset = MediaAsset.objects.get(organisation=cast.org)
    with asset.file.open("rb") as handle:
        stored = handle.read()
    assert_no_location(stored)
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.getexif()[0x0112] == 6  # read from the XMP left: orientation only
        assert kept.info["xmp"].count(b"tiff:Orientation") == 1
    assert (asset.width, asset.height) == (400, 800)


def test_a_png_loses_its_exif_gps_its_xmp_and_imagemagick_profiles() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", GPS_XMP.decode())
    info.add_text("Raw profile type iptc", "\nIPTC\n      12\n4e616e746573\n")
    info.add_text("Comment", "Fait à l’atelier")
    out = io.BytesIO()
    picture = Image.effect_noise((300, 200), 40).convert("RGB")
    picture.save(out, "PNG", exif=exif_with_gps(), pnginfo=info)
    original = out.getvalue()
    with Image.open(io.BytesIO(original)) as check:
        assert b"GPSLatitude" in check.info["xmp"] and check.getexif().get_ifd(0x8825)
    cleaned = picture_without_location(original)
    assert cleaned is not None
    assert_no_location(cleaned)
    assert b"Raw profile type" not in cleaned and b"XML:com.adobe.xmp" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as kept:
        assert kept.info["Comment"] == "Fait à l’atelier"  # other text is not location: kept
    assert pixels(cleaned) == pixels(original)
    with Image.open(io.BytesIO(cleaned)) as kept:
        kept.load()  # every chunk's CRC is checked while reading
        assert kept.getexif()[0x010F] == "Fairphone"


def test_a_webp_loses_its_exif_gps_and_its_xmp() -> None:
    out = io.BytesIO()
    picture = Image.effect_noise((300, 200), 40).convert("RGB")
    picture.save(out, "WEBP", exif=exif_with_gps(), xmp=GPS_XMP, lossless=True)
    original = out.getvalue()
    with Image.open(io.BytesIO(original)) as check:
        assert b"GPSLatitude" in check.info["xmp"] and check.getexif().get_ifd(0x8825)
    cleaned = picture_without_location(original)
    assert cleaned is not None
    assert_no_location(cleaned)
    assert b"XMP " not in cleaned
    assert cleaned[20] & 0x04 == 0 and cleaned[20] & 0x08  # VP8X: no XMP, EXIF still there
    assert struct.unpack("<I", cleaned[4:8])[0] == len(cleaned) - 8
    assert pixels(cleaned) == pixels(original)
    with Image.open(io.BytesIO(cleaned)) as kept:
        assert "xmp" not in kept.info and kept.getexif()[0x0112] == 6


def test_a_gif_loses_its_xmp_and_keeps_its_frames() -> None:
    frames = [Image.new("RGB", (240, 240), (i * 90, 40, 200 - i * 60)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    data = out.getvalue()
    # An XMP application extension as Adobe writes it: the packet, then the "magic trailer"
    # that lets a reader walk it as data sub-blocks.
    trailer = bytes([1]) + bytes(range(255, -1, -1)) + b"\x00"
    xmp = b"\x21\xff\x0bXMP DataXMP" + GPS_XMP + trailer
    flags = data[10]
    start = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    original = data[:start] + xmp + data[start:]
    with Image.open(io.BytesIO(original)) as check:
        assert getattr(check, "n_frames", 1) == 3
    cleaned = picture_without_location(original)
    assert cleaned == data  # exactly the GIF without the extension
    with Image.open(io.BytesIO(cleaned)) as kept:
        assert getattr(kept, "n_frames", 1) == 3


def test_a_picture_without_location_is_kept_byte_for_byte() -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 3
    Image.new("RGB", (300, 200), (1, 2, 3)).save(out, "JPEG", exif=exif)
    assert picture_without_location(out.getvalue()) is None


def test_an_unwalkable_jpeg_is_saved_again_without_location() -> None:
    original = located_jpeg()
    # Garbage between two segments (after the XMP one): Pillow skips it, a strict walker cannot.
    after_xmp = 4 + struct.unpack(">H", original[4:6])[0]
    broken = original[:after_xmp] + b"\x00\x00garbage" + original[after_xmp:]
    with Image.open(io.BytesIO(broken)) as check:
        check.load()
    cleaned = picture_without_location(broken)
    assert cleaned is not None
    assert_no_location(cleaned)
    with Image.open(io.BytesIO(cleaned)) as kept:
        assert kept.getexif()[0x0112] == 6 and kept.size == (800, 400)


def test_a_picture_that_can_be_neither_walked_nor_saved_again_is_refused(cast: Cast) -> None:
    original = located_jpeg()
    after_xmp = 4 + struct.unpack(">H", original[4:6])[0]
    # Junk between segments, and the compressed data cut short: Pillow reads the header (and
    # verify() passes) but cannot decode it to save it again.
    broken = original[:after_xmp] + b"junk" + original[after_xmp : len(original) // 2]
    response = english(cast.alice).post(
        library(cast), {"file": SimpleUploadedFile("cut.jpg", broken)}
    )
    assert response.status_code == 400
    assert "cannot remove where this picture was taken" in response.content.decode()
    assert not MediaAsset.objects.exists()


# --- Location in videos ---------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, payload: bytes) -> bytes:
    return box(kind, bytes(4) + payload)


def phone_video() -> bytes:
    """An MP4 as phones write it: ``©xyz`` in the movie's and the track's ``udta``, a 3GPP
    ``loci``, an XMP box, and Apple's ``mdta`` keys with the position and the camera make."""
    mvhd = bytes(4) + bytes(8) + struct.pack(">II", 1000, 12_500) + bytes(80)
    tkhd = (
        bytes(4)
        + bytes(20)
        + bytes(8)
        + bytes(8)
        + bytes(36)
        + struct.pack(">II", 1280 << 16, 720 << 16)
    )
    xyz = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"+47.2184-001.5536/")
    loci = full_box(b"loci", b"\x15\xc7Atelier Nantes\x00\x00" + bytes(12) + b"Terre\x00\x00")
    keys = [b"com.apple.quicktime.location.ISO6709", b"com.apple.quicktime.make"]
    keys_box = full_box(
        b"keys",
        struct.pack(">I", len(keys))
        + b"".join(struct.pack(">I", 8 + len(k)) + b"mdta" + k for k in keys),
    )
    values = [b"+47.2184-001.5536+012.000/", b"Apple"]
    ilst = box(
        b"ilst",
        b"".join(
            box(struct.pack(">I", i + 1), box(b"data", struct.pack(">II", 1, 0) + v))
            for i, v in enumerate(values)
        ),
    )
    hdlr = full_box(b"hdlr", bytes(4) + b"mdta" + bytes(12) + b"\x00")
    meta = box(b"meta", hdlr + keys_box + ilst)
    xmp = box(b"XMP_", GPS_XMP)
    trak = box(b"trak", box(b"tkhd", tkhd) + box(b"udta", xyz))
    moov = box(b"moov", box(b"mvhd", mvhd) + trak + box(b"udta", xyz + loci + xmp) + meta)
    uuid_xmp = box(b"uuid", bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + GPS_XMP)
    ftyp = box(b"ftyp", b"isom" + bytes(4) + b"isommp42")
    return ftyp + uuid_xmp + box(b"mdat", bytes(64)) + moov


@pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory", "temporary-file"])
def test_a_phone_video_loses_its_location_atoms_and_keys_in_place(
    cast: Cast, settings: Any, on_disk: bool
) -> None:
    if on_disk:  # large uploads reach Django as a temporary file, moved into the media folder
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    original = phone_video()
    assert b"+47.2184" in original and b"Atelier Nantes" in original
    english(cast.alice).post(library(cast), {"file": SimpleUploadedFile("clip.mp4", original)})
    asset = MediaAsset.objects.get(organisation=cast.org)
    with asset.file.open("rb") as handle:
        stored = handle.read()
    assert len(stored) == len(original)  # same-length writes: no offset moved
    for trace in (*LOCATION_TRACES, b"Atelier", b"\xa9xyz", b"loci", b"XMP_", b"location"):
        assert trace not in stored, trace
    assert b"com.apple.quicktime.make" in stored and b"Apple" in stored  # the rest stays
    assert read_mp4(io.BytesIO(stored), len(stored)) == (12.5, 1280, 720)
    assert (asset.mime, asset.duration, asset.size) == ("video/mp4", 12.5, len(original))


def test_a_video_without_location_is_untouched() -> None:
    mvhd = bytes(4) + bytes(8) + struct.pack(">II", 1000, 5000) + bytes(80)
    data = box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", box(b"mvhd", mvhd))
    handle = io.BytesIO(data)
    assert video_strip_location(handle, len(data)) == 0
    assert handle.getvalue() == data


def test_the_upload_form_says_what_is_removed(cast: Cast) -> None:
    page = english(cast.alice).get(library(cast)).content.decode()
    assert 'id="location-note"' in page and "GPS position" in page
    cast.alice.language = "fr"
    cast.alice.save(update_fields=["language"])
    french = cast.client_for(cast.alice).get(library(cast)).content.decode()
    assert "position GPS" in french


def test_a_video_nesting_boxes_without_end_is_refused_not_a_500(cast: Cast, settings: Any) -> None:
    """A crafted MP4: a valid ``mvhd`` (its length reads fine), then 1,200 ``udta`` boxes each
    inside the previous one. Walking them one call per level exhausted Python's stack."""
    mvhd = bytes(4) + bytes(8) + struct.pack(">II", 1000, 5000) + bytes(80)
    nested = b""
    for _ in range(1200):
        nested = box(b"udta", nested)
    data = box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", box(b"mvhd", mvhd) + nested)
    assert len(data) < 10_000
    assert read_mp4(io.BytesIO(data), len(data)) == (5.0, None, None)  # it passes as a video
    response = english(cast.alice).post(
        library(cast), {"file": SimpleUploadedFile("deep.mp4", data), "alt_text": "Clip"}
    )
    assert response.status_code == 400
    assert "cannot read this video&#x27;s metadata" in response.content.decode()
    assert not MediaAsset.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_real_nesting_depths_are_still_walked() -> None:
    """The cap is far above what cameras write: a location 20 boxes deep is still found."""
    xyz = box(b"\xa9xyz", struct.pack(">HH", 18, 0x15C7) + b"+47.2184-001.5536/")
    nested = xyz
    for _ in range(20):
        nested = box(b"udta", nested)
    data = box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", nested)
    handle = io.BytesIO(data)
    assert video_strip_location(handle, len(data)) == 1
    assert b"+47.2184" not in handle.getvalue()
