"""Publishing pages fixtures: Alice's organisation (Europe/Paris) with X, Mastodon, Bluesky
and Instagram accounts, and logged-in clients whose interface is in English."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from parvis.networks.models import SocialAccount
from tests.conftest import Cast, english_client


@dataclass
class Accounts:
    x: SocialAccount
    mastodon: SocialAccount
    bluesky: SocialAccount
    instagram: SocialAccount


def make_account(organisation: object, kind: str, handle: str, **extra: object) -> SocialAccount:
    return SocialAccount.objects.create(
        organisation=organisation,
        kind=kind,
        remote_id=f"{kind}-{handle}",
        handle=handle,
        access_token="token",
        **extra,
    )


@pytest.fixture
def accounts(cast: Cast) -> Accounts:
    cast.org.timezone = "Europe/Paris"
    cast.org.save(update_fields=["timezone"])
    return Accounts(
        x=make_account(cast.org, "x", "menuiserie"),
        mastodon=make_account(cast.org, "mastodon", "@menuiserie@exemple.social"),
        bluesky=make_account(cast.org, "bluesky", "menuiserie.bsky.social"),
        instagram=make_account(cast.org, "instagram", "menuiserie.martin"),
    )


@pytest.fixture
def alice_client(cast: Cast) -> Client:
    return english_client(cast.alice)


@pytest.fixture
def bob_client(cast: Cast) -> Client:
    return english_client(cast.bob)
