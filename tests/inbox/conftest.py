"""Helpers for inbox tests: accounts of the test cast and inbound items."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from parvis.accounts.models import Organisation
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.networks.models import SocialAccount
from tests.conftest import Cast
from tests.peers.faultproxy import fault_proxy_factory
from tests.peers.x_fake import x_fake

__all__ = ["fault_proxy_factory", "x_fake"]

_ids = itertools.count(1)


def make_account(
    organisation: Organisation, kind: str = "facebook", **extra: object
) -> SocialAccount:
    n = next(_ids)
    fields: dict[str, object] = {"handle": f"{kind}{n}", "is_demo": False, "remote_id": f"acct-{n}"}
    fields.update(extra)
    return SocialAccount.objects.create(organisation=organisation, kind=kind, **fields)


def item(
    text: str,
    *,
    remote_id: str | None = None,
    kind: InboundKind = InboundKind.COMMENT,
    author: str = "client",
    hours_ago: float = 1.0,
    thread: str = "post-1",
    now: datetime | None = None,
) -> InboundItem:
    now = now or datetime.now(UTC)
    return InboundItem(
        kind=kind,
        remote_id=remote_id or f"m-{next(_ids)}",
        text=text,
        created_at=now - timedelta(hours=hours_ago),
        author_id=f"id-{author}",
        author_handle=author,
        author_name=author.replace(".", " ").title(),
        thread_id=thread,
    )


@pytest.fixture
def account(cast: Cast) -> SocialAccount:
    return make_account(cast.org)


@pytest.fixture
def new_account(cast: Cast) -> Callable[..., SocialAccount]:
    return lambda kind="facebook", **extra: make_account(cast.org, kind, **extra)
