"""How many network calls the watch may make per organisation, network and cycle.

The watch reads with the organisation's own connected accounts, whose rate limits publishing
and the inbox need first. So the watch:

* never calls through an account whose ``rate_limited_until`` is in the future (the deadline a
  network set after a 429, stored by ``networks.services.account_record_error`` for every
  caller): its sources wait, paused until that time;
* makes at most ``calls`` calls per cycle and network (profile reads and follower counts), of
  which at most ``searches`` keyword searches; the rest waits for the next cycle, the sources
  least recently read going first;
* on a 429 stops that network at once for the cycle and records the deadline on the account,
  so the publishing dispatcher and the inbox also wait rather than hit it again;
* shares a server's per-address limit with every other organisation of the instance: Mastodon
  counts 300 calls per 5 minutes per client address, and every organisation whose account is
  on the same server calls from the same address (the instance's). Per-organisation caps alone
  let 40 organisations on one server make 640 calls in a cycle (``parvis bench watch``: 340
  beyond the limit); now the watch of all of them together uses at most
  :data:`ADDRESS_SHARE` of the window, split evenly (:func:`spending_for`'s ``sharing``).

With one cycle every 15 minutes (``WATCH_INTERVAL_S``), the figures below stay a small share of
each network's own limits (wave2-apis §0): Mastodon allows 300 calls per 5 minutes per account
(30 per 15 min = 3 % of the window's allowance); a Bluesky PDS 3,000 per 5 minutes per address,
and Bluesky asks that search stay "a few queries per hour" (2 per cycle = 8 per hour); YouTube
gives 100 ``search.list`` calls a day (1 per cycle = 96); X bills each post read, so it gets few
calls; LinkedIn gives nothing to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from parvis.core.vocabulary import Network
from parvis.networks.models import SocialAccount


@dataclass(frozen=True)
class Budget:
    calls: int  # every call of a cycle, searches included
    searches: int


BUDGETS: dict[str, Budget] = {
    Network.BLUESKY.value: Budget(calls=30, searches=2),
    Network.MASTODON.value: Budget(calls=30, searches=4),
    Network.YOUTUBE.value: Budget(calls=10, searches=1),
    Network.INSTAGRAM.value: Budget(calls=10, searches=2),
    Network.FACEBOOK.value: Budget(calls=5, searches=0),
    Network.X.value: Budget(calls=5, searches=1),
    Network.LINKEDIN.value: Budget(calls=0, searches=0),
}
NO_BUDGET = Budget(calls=0, searches=0)


@dataclass(frozen=True)
class AddressLimit:
    """A limit a network counts per client address (so for the whole instance), per window."""

    calls: int
    seconds: int


# wave2-apis §0: Mastodon 300 calls / 5 min per account *and* per address; a Bluesky PDS 3,000
# / 5 min per address. Other networks count per account or per app, which the caps above keep.
ADDRESS_LIMITS: dict[str, AddressLimit] = {
    Network.MASTODON.value: AddressLimit(calls=300, seconds=300),
    Network.BLUESKY.value: AddressLimit(calls=3000, seconds=300),
}
# The watch's part of a server's per-address window; the rest is for publishing and the inbox.
ADDRESS_SHARE = 0.5


class Spending:
    """The calls left to one network in one cycle."""

    def __init__(self, budget: Budget) -> None:
        self.calls = budget.calls
        self.searches = budget.searches
        self.used = 0

    def take(self, *, search: bool = False) -> bool:
        """Spend one call (a search when ``search``); False when none is left."""
        if self.calls <= 0 or (search and self.searches <= 0):
            return False
        self.calls -= 1
        self.used += 1
        if search:
            self.searches -= 1
        return True


def spending_for(network: str, *, sharing: int = 1) -> Spending:
    """The calls one organisation's cycle may make on ``network``, when ``sharing``
    organisations (itself included) read through the same server from this instance."""
    budget = BUDGETS.get(network, NO_BUDGET)
    limit = ADDRESS_LIMITS.get(network)
    if limit is not None:
        # Cycles that start in one window all count in it.
        cycles_per_window = max(1, -(-limit.seconds // max(1, settings.WATCH_INTERVAL_S)))
        allowed = int(limit.calls * ADDRESS_SHARE) // (cycles_per_window * max(1, sharing))
        budget = Budget(calls=min(budget.calls, allowed), searches=min(budget.searches, allowed))
    return Spending(budget)


def organisations_sharing(account: SocialAccount) -> int:
    """How many organisations' watches read through ``account``'s server (its own included):
    those with a connected account of the same network and address that watch something on
    that network (a profile there, or a search, which runs on every network)."""
    from parvis.watch.models import WatchedProfile, WatchQuery

    watching = Q(
        organisation__in=WatchedProfile.objects.filter(network=account.kind, is_demo=False).values(
            "organisation_id"
        )
    ) | Q(organisation__in=WatchQuery.objects.filter(is_demo=False).values("organisation_id"))
    sharing = (
        SocialAccount.objects.filter(
            kind=account.kind,
            api_base_url=account.api_base_url,
            status=SocialAccount.Status.CONNECTED,
            is_demo=False,
        )
        .filter(watching | Q(organisation_id=account.organisation_id))
        .values("organisation_id")
        .distinct()
        .count()
    )
    return max(1, sharing)
