"""Helpers for the privacy tests: an organisation filled the way a real one is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from parvis.accounts.models import Organisation, User
from parvis.accounts.roles import Role
from parvis.accounts.services import api_key_create, invitation_create
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, InternalNote, Reply
from parvis.networks.models import SocialAccount
from parvis.publishing.models import MediaAsset, MediaRendition, Post
from tests.conftest import Cast
from tests.inbox.conftest import item, make_account


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def client_in(user: User, language: str = "en") -> Client:
    """A logged-in client seeing pages in ``language`` (English by default: readable asserts)."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    session = client.session
    session["django_language"] = language
    session.save()
    return client


@dataclass
class Filled:
    organisation: Organisation
    account: SocialAccount
    conversation: Conversation
    asset: MediaAsset
    rendition: MediaRendition
    files: list[Path]


def fill(organisation: Organisation, owner: User, media_root: Path, tag: str) -> Filled:
    """Rows in most apps (inbox, networks, publishing, accounts), two files on disk."""
    membership = owner.memberships.get(organisation=organisation)
    account = make_account(
        organisation, "mastodon", access_token=f"token-{tag}", refresh_token=f"refresh-{tag}"
    )
    inbox_ingest(account, [item(f"Bonjour de {tag}", author=f"client.{tag}")])
    conversation = Conversation.objects.for_organisation(organisation).get()
    InternalNote.objects.create(
        organisation=organisation, conversation=conversation, author=owner, text="note"
    )
    Reply.objects.create(
        organisation=organisation,
        conversation=conversation,
        author=owner,
        text="Merci",
        status=Reply.Status.SENT,
    )
    post = Post.objects.create(organisation=organisation, author=owner, body=f"post {tag}")
    asset = MediaAsset(organisation=organisation, mime="image/png", uploaded_by=owner)
    asset.file.save(f"{tag}.png", ContentFile(b"\x89PNG picture"), save=True)
    post.media.add(asset)
    rendition = MediaRendition(
        organisation=organisation, asset=asset, profile="x", mime="image/jpeg", width=1, height=1
    )
    rendition.file.save(f"{tag}-x.jpg", ContentFile(b"jpeg copy"), save=True)
    api_key_create(membership=membership, name=f"key {tag}", role=Role.VIEWER)
    invitation_create(membership=membership, email=f"guest.{tag}@example.org", role=Role.VIEWER)
    files = [media_root / asset.file.name, media_root / rendition.file.name]
    assert all(path.exists() for path in files)
    return Filled(organisation, account, conversation, asset, rendition, files)


@pytest.fixture
def filled(cast: Cast, _media_in_tmp: Path) -> tuple[Filled, Filled]:
    """Alice's organisation and Charlie's, both filled."""
    return (
        fill(cast.org, cast.alice, _media_in_tmp, "alice"),
        fill(cast.other_org, cast.charlie, _media_in_tmp, "charlie"),
    )
