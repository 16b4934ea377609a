"""Media library: uploads checked with Pillow and the MP4 header reader, originals kept with a
note naming the networks that will get an adapted copy, alternative text, removal rules, and the
signed expiring address Instagram and Facebook download from."""

from __future__ import annotations

import io
import struct
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from parvis.publishing.media_urls import signed_media_url, unreachable_from_outside
from parvis.publishing.mediafiles import read_mp4
from parvis.publishing.models import MediaAsset, Post
from tests.conftest import Cast
from tests.publishing.ui.conftest import Accounts


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def url(name: str, cast: Cast, **kwargs: object) -> str:
    return reverse(f"posts:{name}", kwargs={"org": cast.org.slug, **kwargs})


def picture(width: int, height: int, kind: str = "PNG", noisy: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (180, 120, 60))
    if noisy:  # random pixels do not compress: a heavy file
        image = Image.frombytes(
            "RGB", (width, height), __import__("os").urandom(width * height * 3)
        )
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(seconds: float, width: int = 1280, height: int = 720, version: int = 0) -> bytes:
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + bytes(16) + struct.pack(">IQ", 1000, int(seconds * 1000))
    else:
        mvhd = bytes(4) + bytes(8) + struct.pack(">II", 1000, int(seconds * 1000))
    mvhd += bytes(80)
    tkhd = (
        bytes(4)
        + bytes(20)
        + bytes(8)
        + bytes(8)
        + bytes(36)
        + struct.pack(">II", width << 16, height << 16)
    )
    moov = box(b"moov", box(b"mvhd", mvhd) + box(b"trak", box(b"tkhd", tkhd)))
    return box(b"ftyp", b"isom" + bytes(4) + b"isommp42") + box(b"mdat", bytes(64)) + moov


@pytest.mark.parametrize("version", [0, 1])
def test_mp4_duration_and_size_are_read_without_ffmpeg(version: int) -> None:
    data = mp4(12.5, version=version)
    assert read_mp4(io.BytesIO(data), len(data)) == (12.5, 1280, 720)


def test_upload_picture_is_measured_and_listed(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    response = alice_client.post(
        url("media", cast),
        {"file": SimpleUploadedFile("atelier.png", picture(800, 600)), "alt_text": "L’atelier"},
    )
    assert response.status_code == 302
    asset = MediaAsset.objects.get(organisation=cast.org)
    assert (asset.mime, asset.width, asset.height, asset.alt_text) == (
        "image/png",
        800,
        600,
        "L’atelier",
    )
    page = alice_client.get(url("media", cast)).content.decode()
    assert f'data-media="{asset.pk}"' in page
    served = alice_client.get(url("media_file", cast, media_id=asset.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_upload_video_records_its_duration(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("media", cast), {"file": SimpleUploadedFile("clip.mp4", mp4(42.0))})
    asset = MediaAsset.objects.get(organisation=cast.org)
    assert (asset.mime, asset.duration, asset.width) == ("video/mp4", 42.0, 1280)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("notes.txt", b"pas une image du tout", "neither a picture"),
        ("mini.png", picture(50, 50), "too small"),
        ("image.bmp", picture(300, 300, "BMP"), "BMP"),
        ("long.mp4", mp4(2 * 3600), "60 at most"),
        ("broken.mp4", box(b"ftyp", b"isom" + bytes(4)) + box(b"mdat", bytes(8)), "cannot read"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    cast: Cast, accounts: Accounts, alice_client: Client, name: str, data: bytes, words: str
) -> None:
    response = alice_client.post(url("media", cast), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not MediaAsset.objects.filter(organisation=cast.org).exists()


def test_a_heavy_picture_is_kept_whole_and_the_networks_to_adapt_are_named(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    heavy = picture(2600, 1400, noisy=True)
    assert len(heavy) > 5 * 1024 * 1024
    response = alice_client.post(
        url("media", cast), {"file": SimpleUploadedFile("grand.png", heavy)}, follow=True
    )
    asset = MediaAsset.objects.get(organisation=cast.org)
    assert (asset.mime, asset.width, asset.height) == ("image/png", 2600, 1400)
    assert asset.size == len(heavy) == asset.file.size  # the original, not a shared copy
    assert not asset.renditions.exists()  # copies are made when a post needs them
    # Too heavy for Bluesky and X, PNG and too wide for Instagram; Mastodon takes it as is.
    assert "adapted copy" in response.content.decode()
    assert "Bluesky, Instagram, X." in response.content.decode()


def test_exif_rotated_photo_is_measured_upright(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    image = Image.new("RGB", (800, 400), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: turn a quarter to show it
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    alice_client.post(
        url("media", cast), {"file": SimpleUploadedFile("portrait.jpg", out.getvalue())}
    )
    asset = MediaAsset.objects.get(organisation=cast.org)
    assert (asset.width, asset.height) == (400, 800)


def test_the_gps_position_of_a_photo_is_removed_at_upload(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    image = Image.new("RGB", (800, 400), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Fairphone"  # camera make: kept
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (47.0, 13.0, 5.0)  # a workshop near Nantes
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=88)
    alice_client.post(
        url("media", cast), {"file": SimpleUploadedFile("atelier.jpg", out.getvalue())}
    )
    plain = picture(400, 300, "JPEG")
    alice_client.post(url("media", cast), {"file": SimpleUploadedFile("plain.jpg", plain)})

    located, unlocated = MediaAsset.objects.filter(organisation=cast.org).order_by("pk")
    with located.file.open("rb") as handle, Image.open(handle) as stored:
        kept = stored.getexif()
        assert 0x8825 not in kept and not kept.get_ifd(0x8825)
        assert kept[0x0112] == 6 and kept[0x010F] == "Fairphone"
    assert located.size == located.file.size and (located.width, located.height) == (400, 800)
    with unlocated.file.open("rb") as handle:
        assert handle.read() == plain  # nothing to remove: the file is kept byte for byte


def test_a_contributor_removes_only_their_own_files_and_none_a_planned_post_uses(
    cast: Cast, accounts: Accounts, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post(url("media", cast), {"file": SimpleUploadedFile("a.png", picture(400, 400))})
    alices = MediaAsset.objects.get(organisation=cast.org)
    bob_client.post(url("media", cast), {"file": SimpleUploadedFile("b.png", picture(400, 400))})
    bobs = MediaAsset.objects.exclude(pk=alices.pk).get()
    page = bob_client.post(url("media_delete", cast, media_id=alices.pk), follow=True)
    assert "Only the person who added this file" in page.content.decode()
    assert MediaAsset.objects.filter(pk=alices.pk).exists()
    post = Post.objects.create(organisation=cast.org, author=cast.bob, status="scheduled")
    post.media.add(bobs)
    page = bob_client.post(url("media_delete", cast, media_id=bobs.pk), follow=True)
    assert "A planned post uses this file" in page.content.decode()
    Post.objects.filter(pk=post.pk).update(status="draft")
    bob_client.post(url("media_delete", cast, media_id=bobs.pk))
    assert not MediaAsset.objects.filter(pk=bobs.pk).exists()
    alice_client.post(url("media_delete", cast, media_id=alices.pk))  # a manager removes any
    assert not MediaAsset.objects.filter(organisation=cast.org).exists()


def test_alt_text_can_be_changed(cast: Cast, accounts: Accounts, alice_client: Client) -> None:
    alice_client.post(url("media", cast), {"file": SimpleUploadedFile("a.png", picture(400, 400))})
    asset = MediaAsset.objects.get(organisation=cast.org)
    alice_client.post(url("media_alt", cast, media_id=asset.pk), {"alt_text": "Un escalier"})
    asset.refresh_from_db()
    assert asset.alt_text == "Un escalier"


def test_signed_url_serves_the_file_until_it_expires(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(url("media", cast), {"file": SimpleUploadedFile("a.png", picture(400, 400))})
    asset = MediaAsset.objects.get(organisation=cast.org)
    now = timezone.now()
    fresh = signed_media_url(asset, now=now).split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + fresh).status_code == 200
    expired = (
        signed_media_url(asset, now=now - timedelta(hours=7)).split("://", 1)[1].split("/", 1)[1]
    )
    assert Client().get("/" + expired).status_code == 404
    token = fresh.rstrip("/").rsplit("/", 1)[1]
    forged = reverse(
        "posts:media_public", kwargs={"token": token[:-2] + ("aa" if token[-2:] != "aa" else "bb")}
    )
    assert Client().get(forged).status_code == 404


@pytest.mark.parametrize(
    ("base", "unreachable"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://192.168.1.20", True),
        ("http://parvis.local", True),
        ("http://parvis", True),
        ("https://parvis.menuiserie-martin.fr", False),
        ("https://80.67.169.12", False),
    ],
)
def test_public_base_url_reachability(base: str, unreachable: bool) -> None:
    assert unreachable_from_outside(base) is unreachable


def test_media_page_warns_when_the_public_address_is_private(
    cast: Cast, accounts: Accounts, alice_client: Client, settings: object
) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # type: ignore[attr-defined]
    assert 'id="public-url-warning"' in alice_client.get(url("media", cast)).content.decode()
    settings.PUBLIC_BASE_URL = "https://parvis.example.fr"  # type: ignore[attr-defined]
    assert 'id="public-url-warning"' not in alice_client.get(url("media", cast)).content.decode()


def test_media_chosen_in_the_composer_is_attached_and_checked(
    cast: Cast, accounts: Accounts, alice_client: Client
) -> None:
    alice_client.post(
        url("media", cast), {"file": SimpleUploadedFile("a.png", picture(1080, 1080))}
    )
    asset = MediaAsset.objects.get(organisation=cast.org)
    check = alice_client.post(
        url("check", cast),
        {"body": "Photo", "accounts": [accounts.instagram.pk], "media": [asset.pk]},
    )
    assert 'data-code="media_required"' not in check.content.decode()
    alice_client.post(
        url("autosave", cast),
        {"body": "Photo", "accounts": [accounts.instagram.pk], "media": [asset.pk]},
    )
    post = Post.objects.get(organisation=cast.org)
    assert list(post.media.all()) == [asset]
