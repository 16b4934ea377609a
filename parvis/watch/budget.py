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
  so the publishing dispatcher and the inbox also wait rather than hit it again.

With one cycle every 15 minutes (``WATCH_INTERVAL_S``), the figures below stay a small share of
each network's own limits (wave2-apis §0): Mastodon allows 300 calls per 5 minutes per account
(30 per 15 min = 3 % of the window's allowance); a Bluesky PDS 3,000 per 5 minutes per address,
and Bluesky asks that search stay "a few queries per hour" (2 per cycle = 8 per hour); YouTube
gives 100 ``search.list`` calls a day (1 per cycle = 96); X bills each post read, so it gets few
calls; LinkedIn gives nothing to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from parvis.core.vocabulary import Network


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


def spending_for(network: str) -> Spending:
    return Spending(BUDGETS.get(network, NO_BUDGET))
