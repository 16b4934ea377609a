"""Private media: uploads are stored under random names in a folder per organisation, nothing
serves the media folder by path, members read their organisation's files through a logged-in
view (404 to anyone else), networks through the signed expiring address, and files stored
before keep working (renamed by the migration, or read under their old name)."""

from __future__ import annotations

import importlib
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from parvis.accounts.models import User
from parvis.networks.instagram.limits import CAPABILITIES as INSTAGRAM
from parvis.publishing.media_urls import signed_media_url
from parvis.publishing.models import MediaAsset, MediaRendition
from parvis.publishing.services.media import media_rendition, original_name
from tests.conftest import Cast

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def english(user: User) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def picture(width: int = 400, height: int = 300, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 60)).save(out, kind)
    return out.getvalue()


def library(cast: Cast) -> str:
    return reverse("posts:media", kwargs={"org": cast.org.slug})


def file_url(cast: Cast, asset: MediaAsset) -> str:
    return reverse("posts:media_file", kwargs={"org": cast.org.slug, "media_id": asset.pk})


def upload(client: Client, cast: Cast, name: str, data: bytes) -> MediaAsset:
    response = client.post(library(cast), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:500]
    asset: MediaAsset = MediaAsset.objects.filter(organisation=cast.org).latest("pk")
    return asset


def test_the_stored_name_is_random_and_says_nothing_of_the_original(cast: Cast) -> None:
    alice = english(cast.alice)
    asset = upload(alice, cast, "Chantier-Dupont-12-rue-des-Lilas.png", picture())
    stored = asset.file.name
    assert re.fullmatch(rf"media/{cast.org.pk}/[A-Za-z0-9_-]{{32}}\.png", stored), stored
    for part in ("Chantier", "Dupont", "Lilas", "12", "rue"):
        assert part.lower() not in stored.lower()
    assert asset.original_name == "Chantier-Dupont-12-rue-des-Lilas.png"
    other = upload(alice, cast, "Chantier-Dupont-12-rue-des-Lilas.png", picture())
    assert other.file.name != stored  # the same name twice: two unrelated tokens


def test_the_library_links_to_the_members_view_never_to_the_media_folder(cast: Cast) -> None:
    alice = english(cast.alice)
    asset = upload(alice, cast, "atelier.png", picture())
    page = alice.get(library(cast)).content.decode()
    item = page.split(f'data-media="{asset.pk}"', 1)[1].split("</li>", 1)[0]
    addresses = re.findall(r'(?:src|href)="([^"]+)"', item)
    assert addresses and set(addresses) == {file_url(cast, asset)}
    assert not any(a.startswith(settings.MEDIA_URL) for a in addresses)
    assert asset.file.name not in page
    assert ">atelier.png</a>" in page  # the name the person knows it by
    # and the composer's picker shows it too
    composer = alice.get(reverse("posts:new", kwargs={"org": cast.org.slug})).content.decode()
    assert "atelier.png" in composer and asset.file.name not in composer


def test_nothing_serves_the_media_folder_by_its_path(cast: Cast) -> None:
    alice = english(cast.alice)
    asset = upload(alice, cast, "atelier.png", picture())
    assert default_storage.exists(asset.file.name)
    path = f"{settings.MEDIA_URL}{asset.file.name}"
    assert Client().get(path).status_code == 404
    assert alice.get(path).status_code == 404  # not even to a member: only the view serves


def test_only_members_of_the_organisation_get_the_file(cast: Cast) -> None:
    data = picture()
    asset = upload(english(cast.alice), cast, "Été à l’atelier.png", data)
    address = file_url(cast, asset)

    anonymous = Client().get(address)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))

    assert english(cast.charlie).get(address).status_code == 404

    served = english(cast.bob).get(address)  # a contributor of the organisation
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == data  # type: ignore[attr-defined]
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"].startswith("private")  # no shared proxy keeps it
    disposition = served["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''%C3%89t%C3%A9%20%C3%A0%20l%E2%80%99atelier.png" in disposition


def test_a_file_stored_before_under_its_old_name_is_still_served(cast: Cast) -> None:
    data = picture()
    name = default_storage.save("publishing/media/2025/03/devis-client.png", ContentFile(data))
    asset = MediaAsset.objects.create(
        organisation=cast.org, file=name, mime="image/png", size=len(data)
    )
    served = english(cast.alice).get(file_url(cast, asset))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == data  # type: ignore[attr-defined]
    assert 'filename="devis-client.png"' in served["Content-Disposition"]
    assert english(cast.charlie).get(file_url(cast, asset)).status_code == 404
    assert Client().get(f"{settings.MEDIA_URL}{name}").status_code == 404


def test_the_migration_gives_files_stored_before_a_random_name(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    migration = importlib.import_module("parvis.publishing.migrations.0003_private_media_names")
    data = picture()
    old = default_storage.save(
        "publishing/media/2025/03/devis-client-martin.png", ContentFile(data)
    )
    asset = MediaAsset.objects.create(organisation=cast.org, file=old, mime="image/png")
    copy = default_storage.save(
        "publishing/renditions/2025/03/devis-client-martin-x.jpg", ContentFile(b"jpeg")
    )
    rendition = MediaRendition.objects.create(
        organisation=cast.org,
        asset=asset,
        profile="x:1",
        file=copy,
        mime="image/jpeg",
        width=1,
        height=1,
    )
    lost = MediaAsset.objects.create(
        organisation=cast.org, file="publishing/media/2024/01/perdu.png", mime="image/png"
    )

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)

    asset.refresh_from_db()
    rendition.refresh_from_db()
    lost.refresh_from_db()
    assert asset.original_name == "devis-client-martin.png"
    assert re.fullmatch(rf"media/{cast.org.pk}/[A-Za-z0-9_-]{{32}}\.png", asset.file.name)
    assert re.fullmatch(rf"media/{cast.org.pk}/[A-Za-z0-9_-]{{32}}\.jpg", rendition.file.name)
    with asset.file.open("rb") as handle:
        assert handle.read() == data
    assert not default_storage.exists(old) and not default_storage.exists(copy)
    # a row whose file is missing keeps its name (nothing to move) and gets its display name
    assert (lost.file.name, lost.original_name) == (
        "publishing/media/2024/01/perdu.png",
        "perdu.png",
    )
    served = english(cast.alice).get(file_url(cast, asset))
    assert served.status_code == 200 and "devis-client-martin.png" in served["Content-Disposition"]
    migration.rename_stored_files(apps, None)  # twice: nothing moves again
    assert MediaAsset.objects.get(pk=asset.pk).file.name == asset.file.name


def test_networks_still_get_the_original_and_their_copy_by_signed_address(cast: Cast) -> None:
    wide = picture(2000, 500, "JPEG")
    asset = upload(english(cast.alice), cast, "panorama.jpg", wide)
    rules = INSTAGRAM.images
    assert rules is not None
    rendition = media_rendition(asset, "instagram", rules)
    assert rendition is not None
    assert rendition.file.name.startswith(f"media/{cast.org.pk}/")
    assert "panorama" not in rendition.file.name
    now = timezone.now()
    for made, expected in ((None, wide), (rendition, None)):
        address = signed_media_url(asset, now=now, rendition=made)
        path = "/" + address.split("://", 1)[1].split("/", 1)[1]
        served = Client().get(path)
        assert served.status_code == 200
        body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
        if expected is not None:
            assert body == expected
        else:
            with rendition.file.open("rb") as handle:
                assert body == handle.read()
        assert served["Cache-Control"] == "private, no-store"
        assert served["X-Content-Type-Options"] == "nosniff"


def test_the_proxy_can_send_the_bytes_through_an_internal_location(
    cast: Cast, settings: Any
) -> None:
    asset = upload(english(cast.alice), cast, "atelier.png", picture())
    settings.MEDIA_ACCEL_REDIRECT = "/_parvis_media/"
    served = english(cast.alice).get(file_url(cast, asset))
    assert served.status_code == 200
    assert served["X-Accel-Redirect"] == f"/_parvis_media/{asset.file.name}"
    assert served.content == b""  # nginx sends the file
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"] == 'inline; filename="atelier.png"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert english(cast.charlie).get(file_url(cast, asset)).status_code == 404
    signed = signed_media_url(asset, now=timezone.now())
    public = Client().get("/" + signed.split("://", 1)[1].split("/", 1)[1])
    assert public["X-Accel-Redirect"] == f"/_parvis_media/{asset.file.name}"


def test_the_deployment_example_does_not_expose_the_media_folder() -> None:
    text = DEPLOY.read_text(encoding="utf-8")
    nginx = text.split("```nginx", 1)[1].split("```", 1)[0]
    assert "location /media/" not in nginx
    internal = nginx.split("location /_parvis_media/", 1)[1].split("}", 1)[0]
    assert "internal;" in internal
    assert "PARVIS_MEDIA_ACCEL_REDIRECT" in text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("photo.jpg", "photo.jpg"),
        ("C:\\Users\\marie\\Bureau\\devis.png", "devis.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("nul\x00l\x1bé.png", "nullé.png"),
        ("", "media.png"),
        ("a" * 300 + ".png", "a" * 247 + ".png"),
    ],
)
def test_the_original_name_is_cleaned_for_display(given: str, kept: str) -> None:
    assert original_name(given, "png") == kept
    assert len(original_name(given, "png")) <= 255
    assert os.sep not in original_name(given, "png")
