"""Small helpers every publishing page shares: the actor of a request, the accounts a post
can be written for, and reading local dates and times typed in the organisation's zone."""

from __future__ import annotations

from datetime import date, datetime, time

from parvis.accounts.access import OrgRequest
from parvis.accounts.actor import Actor
from parvis.accounts.models import Organisation
from parvis.networks.models import SocialAccount


def actor_of(request: OrgRequest) -> Actor:
    return Actor.of(request.membership)


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
