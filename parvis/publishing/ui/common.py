"""Small helpers every publishing page shares: the actor of a request, account capabilities,
network colours, and reading local dates and times typed in the organisation's zone."""

from __future__ import annotations

from datetime import date, datetime, time

from parvis.accounts.access import OrgRequest
from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.core.vocabulary import Network
from parvis.networks.capabilities import Capabilities
from parvis.networks.limits import CAPABILITIES, mastodon_capabilities
from parvis.networks.models import SocialAccount


def actor_of(request: OrgRequest) -> Actor:
    return Actor.of(request.membership)


def capabilities_for(account: SocialAccount) -> Capabilities | None:
    """The account's limits: a Mastodon account's own instance when its ``GET
    /api/v2/instance`` document is stored in ``config["instance"]``, else the network's."""
    if account.kind == Network.MASTODON.value:
        instance = account.config.get("instance") if isinstance(account.config, dict) else None
        if isinstance(instance, dict):
            return mastodon_capabilities(instance)
    try:
        return CAPABILITIES.get(Network(account.kind))
    except ValueError:
        return None


def publishing_accounts(organisation: Organisation) -> list[SocialAccount]:
    """Accounts a post can be written for: connected ones, and the others shown as such."""
    return list(SocialAccount.objects.for_organisation(organisation).order_by("kind", "handle"))


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value.strip()[:5])
    except ValueError:
        return None


def parse_instant(value: str) -> datetime | None:
    """An ISO instant with its offset (the DST choice buttons send one); None otherwise."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
