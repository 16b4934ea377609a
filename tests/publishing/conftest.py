"""Publishing fixtures: an X account of Alice's organisation bound to the X fake, behind the
fault proxy, so the dispatcher talks real HTTP to a stateful peer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from parvis.accounts.actor import Actor
from parvis.accounts.models import Membership
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.peers.faultproxy import FaultProxy, fault_proxy_factory
from tests.peers.x_fake import XFake, x_fake

__all__ = ["fault_proxy_factory", "x_fake"]


def make_account(
    organisation: object, *, handle: str = "menuiserie", kind: str = "x", **extra: object
) -> SocialAccount:
    return SocialAccount.objects.create(
        organisation=organisation,
        kind=kind,
        remote_id=extra.pop("remote_id", handle),  # type: ignore[arg-type]
        handle=handle,
        access_token=extra.pop("access_token", "token"),  # type: ignore[arg-type]
        **extra,
    )


@pytest.fixture
def account(cast: Cast) -> SocialAccount:
    return make_account(cast.org)


@pytest.fixture
def alice(cast: Cast) -> Actor:
    return Actor.of(cast.alice_membership)


@pytest.fixture
def bob(cast: Cast) -> Actor:
    return Actor.of(cast.bob_membership)


@pytest.fixture
def charlie(cast: Cast) -> Actor:
    return Actor.of(Membership.objects.get(user=cast.charlie, organisation=cast.other_org))


@dataclass
class Peer:
    fake: XFake
    proxy: FaultProxy
    account: SocialAccount


@pytest.fixture
def peer(cast: Cast, x_fake: XFake, fault_proxy_factory: object) -> Iterator[Peer]:
    """Alice's X account, connected to the X fake through a fault proxy."""
    proxy = fault_proxy_factory(x_fake.url)  # type: ignore[operator]
    tokens = x_fake.issue_tokens()
    account = make_account(
        cast.org,
        handle="parvis_test",
        remote_id=x_fake.me,
        access_token=tokens["access_token"],
        api_base_url=proxy.url,
    )
    yield Peer(x_fake, proxy, account)
