"""Per-network copies of pictures, with real images made by Pillow: one copy per (picture,
network profile) when the original does not fit that network, made once, validated as it will be
sent, and the one the dispatcher uploads."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from parvis.accounts.actor import Actor
from parvis.networks.bluesky.limits import CAPABILITIES as BLUESKY
from parvis.networks.capabilities import ImageRules
from parvis.networks.contracts import Draft, MediaFile
from parvis.networks.facebook.limits import CAPABILITIES as FACEBOOK
from parvis.networks.instagram.limits import CAPABILITIES as INSTAGRAM
from parvis.networks.linkedin.limits import CAPABILITIES as LINKEDIN
from parvis.networks.mastodon.limits import CAPABILITIES as MASTODON
from parvis.networks.models import SocialAccount
from parvis.networks.validation import validate
from parvis.networks.x.limits import CAPABILITIES as X
from parvis.publishing import renditions
from parvis.publishing.dispatcher import dispatch_batch
from parvis.publishing.models import MediaAsset, MediaRendition, PostTarget
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.media import media_delete, media_rendition
from parvis.publishing.services.publishable import target_draft
from parvis.publishing.services.scheduling import post_schedule
from tests.conftest import Cast
from tests.publishing.conftest import Peer, make_account
from tests.publishing.helpers import FAST, due_post

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def image(
    width: int, height: int, kind: str = "PNG", *, noise: bool = False, **save: object
) -> bytes:
    """A real picture: flat colour with a gradient, or noise that does not compress (heavy)."""
    if noise:
        picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    picture.save(out, kind, **save)
    return out.getvalue()


def measured(data: bytes) -> MediaFile:
    with Image.open(io.BytesIO(data)) as picture:
        mime = Image.MIME[picture.format or ""]
        return MediaFile(mime=mime, size=len(data), width=picture.width, height=picture.height)


def sent(data: bytes, network: str, rules: ImageRules) -> tuple[MediaFile, Image.Image]:
    """Render ``data`` for ``rules``; the copy as a connector would describe it, and opened."""
    made = renditions.render(io.BytesIO(data), rules, size=len(data))
    opened = Image.open(io.BytesIO(made.data))
    assert (opened.width, opened.height) == (made.width, made.height)
    assert Image.MIME[opened.format or ""] == made.mime
    return MediaFile(made.mime, len(made.data), made.width, made.height), opened


def media_issues(media: MediaFile, caps: object) -> list[str]:
    draft = Draft(text="Photo", idempotency_key="k", media=(media,))
    return [i.code for i in validate(draft, caps) if i.field == "media"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("size", "expected_ratio"),
    [((2000, 500), INSTAGRAM.images.max_ratio), ((600, 1500), INSTAGRAM.images.min_ratio)],  # type: ignore[union-attr]
)
def test_instagram_gets_a_jpeg_cropped_into_its_proportions(
    size: tuple[int, int], expected_ratio: float
) -> None:
    data = image(*size)
    original = measured(data)
    assert media_issues(original, INSTAGRAM)  # PNG, too wide or too tall: refused as is
    rules = INSTAGRAM.images
    assert rules is not None
    plan = renditions.plan(original, "instagram", rules)
    assert plan is not None and plan.cropped and plan.mime == "image/jpeg"
    copy, opened = sent(data, "instagram", rules)
    assert opened.format == "JPEG"
    assert copy.width == plan.width and copy.height == plan.height
    assert abs(copy.width / copy.height - expected_ratio) < 0.01
    assert media_issues(copy, INSTAGRAM) == []
    # What the composer and scheduling check (the plan) is what is sent.
    assert media_issues(renditions.planned(original, "instagram", rules), INSTAGRAM) == []


def test_heavy_picture_gets_one_copy_per_networks_weight_limit() -> None:
    data = image(2000, 1300, noise=True)  # about 7.8 MB of noise: over X's 5 MB, not 10
    assert len(data) > 5 * MB
    original = measured(data)
    for caps, limit in ((X, 5 * MB), (BLUESKY, 2_000_000)):
        rules = caps.images
        assert rules is not None
        assert "image_too_heavy" in media_issues(original, caps)
        copy, opened = sent(data, caps.network.value, rules)
        assert copy.size <= limit and opened.format == "JPEG"
        assert media_issues(copy, caps) == []
    profiles = {renditions.profile_of(c.network.value, c.images) for c in (X, BLUESKY)}  # type: ignore[arg-type]
    assert len(profiles) == 2
    # Mastodon (16 MB) and LinkedIn (36 MB) take the original: no copy for them.
    for caps in (MASTODON, LINKEDIN, FACEBOOK):
        assert renditions.plan(original, caps.network.value, caps.images) is None  # type: ignore[arg-type]


def test_a_picture_that_fits_is_sent_as_it_is() -> None:
    data = image(1080, 1080, "JPEG", quality=85)
    for caps in (X, BLUESKY, INSTAGRAM, MASTODON, LINKEDIN, FACEBOOK):
        assert renditions.plan(measured(data), caps.network.value, caps.images) is None  # type: ignore[arg-type]


def test_a_transparent_png_stays_png_when_only_its_width_is_the_problem() -> None:
    logo = Image.new("RGBA", (3000, 1000), (0, 0, 0, 0))
    out = io.BytesIO()
    logo.save(out, "PNG")
    rules = ImageRules(
        mime_types=frozenset({"image/png", "image/jpeg"}), max_bytes=MB, max_width=1200
    )
    copy, opened = sent(out.getvalue(), "x", rules)
    assert opened.format == "PNG" and opened.mode == "RGBA" and copy.width == 1200


def test_the_copy_is_upright_and_carries_no_metadata() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # turn a quarter to show
    exif[0x010F] = "Fabricant"
    data = image(1600, 900, "JPEG", exif=exif)
    rules = INSTAGRAM.images
    assert rules is not None
    _copy, opened = sent(data, "instagram", rules)
    assert opened.height > opened.width  # shown upright: portrait
    assert not opened.getexif()


def test_the_copy_of_a_picture_with_an_xmp_packet_carries_none() -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="47,13.08N"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    data = image(2000, 500, "JPEG", xmp=xmp)
    with Image.open(io.BytesIO(data)) as check:
        assert b"GPSLatitude" in check.info["xmp"]
    rules = INSTAGRAM.images
    assert rules is not None
    _copy, opened = sent(data, "instagram", rules)
    assert "xmp" not in opened.info


def test_a_copy_is_not_decoded_past_the_pixel_limit(settings: Any) -> None:
    data = image(1600, 900, "JPEG")
    rules = INSTAGRAM.images
    assert rules is not None
    settings.MEDIA_MAX_PIXELS = 600_000  # the file has 1.44 million: more than twice
    with pytest.raises(Image.DecompressionBombError):
        renditions.render(io.BytesIO(data), rules, size=len(data))


def test_profiles_are_stable_and_follow_the_limits() -> None:
    rules = X.images
    assert rules is not None
    shuffled = replace(rules, mime_types=frozenset(sorted(rules.mime_types, reverse=True)))
    assert renditions.profile_of("x", rules) == renditions.profile_of("x", shuffled)
    assert renditions.profile_of("x", rules) != renditions.profile_of(
        "x", replace(rules, max_bytes=rules.max_bytes - 1)
    )


def _asset(cast: Cast, data: bytes, name: str = "photo.png") -> MediaAsset:
    info = measured(data)
    asset = MediaAsset(
        organisation=cast.org,
        mime=info.mime,
        size=info.size,
        width=info.width,
        height=info.height,
        alt_text="Un escalier",
    )
    asset.file.save(name, ContentFile(data), save=True)
    return asset


def test_copies_are_made_once_per_profile_and_shared(
    cast: Cast, alice: Actor, account: SocialAccount
) -> None:
    data = image(2000, 500)
    asset = _asset(cast, data)
    instagram = make_account(cast.org, handle="insta", kind="instagram")
    second = make_account(cast.org, handle="insta2", kind="instagram")
    post = post_create(
        actor=alice,
        body="Photo",
        account_ids=[account.pk, instagram.pk, second.pk],
        media_ids=[asset.pk],
    )
    targets = {t.account_id: t for t in post.targets.select_related("account", "post")}
    # Scheduling validates the planned copies: nothing is rendered yet.
    post_schedule(actor=alice, post=post, at=post.created_at.replace(year=2099))
    assert not MediaRendition.objects.exists()
    [on_x] = target_draft(targets[account.pk], render=True).media
    assert on_x.read_bytes() == data and on_x.mime == "image/png"  # X takes the original
    [on_insta] = target_draft(targets[instagram.pk], render=True).media
    [again] = target_draft(targets[second.pk], render=True).media
    rendition = MediaRendition.objects.get()
    assert (rendition.asset, rendition.mime) == (asset, "image/jpeg")
    assert on_insta.read_bytes() == again.read_bytes() == rendition.file.read()
    assert on_insta.alt_text == "Un escalier"
    assert media_issues(on_insta, INSTAGRAM) == []
    # Instagram downloads by URL: the signed address serves the copy, not the original.
    assert on_insta.url is not None and on_x.url is not None and on_insta.url != on_x.url
    from django.conf import settings

    served = Client().get(on_insta.url.removeprefix(settings.PUBLIC_BASE_URL))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == on_insta.read_bytes()  # type: ignore[attr-defined]


def test_two_workers_making_the_same_copy_keep_one(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    asset = _asset(cast, image(2000, 500))
    rules = INSTAGRAM.images
    assert rules is not None
    render = renditions.render
    theirs: list[MediaRendition] = []

    def render_while_another_worker_stores_it(*args: Any, **kwargs: Any) -> renditions.Rendered:
        made = render(*args, **kwargs)
        other = MediaRendition(
            organisation=cast.org,
            asset=asset,
            profile=renditions.profile_of("instagram", rules),
            mime=made.mime,
            size=len(made.data),
            width=made.width,
            height=made.height,
        )
        other.file.save("theirs.jpg", ContentFile(made.data), save=True)
        theirs.append(other)
        return made

    monkeypatch.setattr(renditions, "render", render_while_another_worker_stores_it)
    kept = media_rendition(asset, "instagram", rules)
    assert kept is not None and kept.pk == theirs[0].pk
    assert MediaRendition.objects.count() == 1
    folder = os.path.dirname(theirs[0].file.path)  # the organisation's: original and copies
    kept_files = {os.path.basename(theirs[0].file.name), os.path.basename(asset.file.name)}
    assert set(os.listdir(folder)) == kept_files  # ours was removed


def test_removing_a_picture_removes_its_copies(
    cast: Cast, alice: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    asset = _asset(cast, image(2000, 500))
    rules = INSTAGRAM.images
    assert rules is not None
    rendition = media_rendition(asset, "instagram", rules)
    assert rendition is not None
    storage, names = asset.file.storage, [asset.file.name, rendition.file.name]
    assert all(storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        media_delete(actor=alice, asset=asset)
    assert not MediaRendition.objects.exists()
    assert not any(storage.exists(n) for n in names)


def test_the_dispatcher_uploads_the_copy_made_for_x(cast: Cast, alice: Actor, peer: Peer) -> None:
    data = image(2400, 1600, noise=True)
    assert len(data) > 5 * MB
    asset = _asset(cast, data)
    post = due_post(alice, peer.account, "Photo du chantier", media_ids=[asset.pk])
    assert dispatch_batch(config=FAST) == {"published": 1}
    assert PostTarget.objects.get(post=post).status == PostTarget.Status.PUBLISHED
    [upload] = peer.fake.uploads.values()
    received = b"".join(upload.segments[i] for i in sorted(upload.segments))
    rendition = MediaRendition.objects.get(asset=asset)
    assert received == rendition.file.read()
    assert len(received) <= 5 * MB and upload.media_type == "image/jpeg"
    with Image.open(io.BytesIO(received)) as opened:
        assert opened.format == "JPEG"
    assert upload.alt_text == "Un escalier"
