"""Choose the networks, their cadence and the weekly time budget; say what is left out.

The allocation fits the minutes the leader declared, in this order of commitment:

1. the best network at one post a week, with its inbox time (the smallest routine worth having);
2. the next networks at one post a week, up to a cap that shrinks with the time available;
3. the watch session, only when watch is an objective (right after step 1), then the weekly
   review;
4. more posts, one at a time, round-robin in score order, up to each network's target cadence.

Whatever does not fit is reported, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from parvis.core.vocabulary import NETWORK_LABELS, Network, Objective
from parvis.strategy.engine.choices import AccountActivity
from parvis.strategy.engine.figures import Statement
from parvis.strategy.engine.objectives import OBJECTIVE_NOUNS, RankedObjective
from parvis.strategy.engine.profile import CompanyProfile
from parvis.strategy.engine.rules import (
    ALIVE_ACCOUNT_BONUS,
    AUDIENCE_FIT,
    CANDIDATE_RATIO,
    INBOX_MINUTES_PER_NETWORK,
    MAX_NETWORKS,
    MIN_POSTS_PER_WEEK,
    MINUTES_PER_POST,
    NETWORK_AFFINITY,
    NETWORK_CAP_BY_MINUTES,
    REVIEW_MINUTES,
    SECTOR_FIT,
    TARGET_POSTS_PER_WEEK,
    WATCH_DIGEST_MINUTES,
)
from parvis.strategy.engine.text import EMPTY, Text, counted, join, msg, per_week


class NetworkStatus(StrEnum):
    KEEP = "keep"  # the account publishes today: carry on
    REVIVE = "revive"  # the account exists but sleeps: wake it up
    START = "start"  # no account yet: create it


class DropAction(StrEnum):
    CLOSE = "close"  # a dormant account that the plan does not need: close it or say so
    PAUSE = "pause"  # a useful account that does not fit the time: pause it, point elsewhere
    NOT_NOW = "not_now"  # a network worth starting, later, when there is more time


@dataclass(frozen=True, slots=True)
class NetworkPlan:
    network: Network
    status: NetworkStatus
    posts_per_week: int
    target_posts_per_week: int
    objectives: tuple[Objective, ...]
    score: float
    reason: Statement

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self.network]


@dataclass(frozen=True, slots=True)
class DroppedNetwork:
    network: Network
    action: DropAction
    reason: Statement


@dataclass(frozen=True, slots=True)
class TimeAllocation:
    """Minutes per week the plan commits to, by activity."""

    publishing: int
    inbox: int
    watch: int
    review: int

    @property
    def total(self) -> int:
        return self.publishing + self.inbox + self.watch + self.review


@dataclass(frozen=True, slots=True)
class NetworkChoice:
    networks: tuple[NetworkPlan, ...]
    dropped: tuple[DroppedNetwork, ...]
    time: TimeAllocation
    minimum_minutes: int
    notes: tuple[Statement, ...]


def network_score(
    network: Network, profile: CompanyProfile, weights: Mapping[Objective, float]
) -> float:
    """Objective-weighted affinity × audience fit × sector fit (× a bonus for a live account)."""
    affinity = sum(w * NETWORK_AFFINITY[network][o] for o, w in weights.items())
    at_zero, at_one = AUDIENCE_FIT[network]
    share = profile.b2b_share / 100
    audience = at_zero + (at_one - at_zero) * share
    sector = SECTOR_FIT[profile.sector].get(network, 1.0)
    bonus = ALIVE_ACCOUNT_BONUS if network in profile.alive_accounts else 1.0
    return affinity * audience * sector * bonus


def network_cap(minutes: int) -> int:
    for bound, cap in NETWORK_CAP_BY_MINUTES:
        if minutes < bound:
            return cap
    return MAX_NETWORKS


def _status(profile: CompanyProfile, network: Network) -> NetworkStatus:
    activity = profile.activity(network)
    if activity is AccountActivity.NO_ACCOUNT:
        return NetworkStatus.START
    if activity is AccountActivity.DORMANT:
        return NetworkStatus.REVIVE
    return NetworkStatus.KEEP


def _served(network: Network, weights: Mapping[Objective, float]) -> tuple[Objective, ...]:
    served = [o for o in weights if NETWORK_AFFINITY[network][o] >= 2]
    return tuple(sorted(served, key=lambda o: -weights[o]))


def _audience(profile: CompanyProfile) -> Text:
    if profile.is_b2b and profile.is_b2c:
        return Text(
            "vos clients, professionnels comme particuliers",
            "your customers, businesses and individuals alike",
        )
    if profile.is_b2b:
        return Text("vos clients professionnels", "your business customers")
    return Text("vos clients particuliers", "your individual customers")


def _reason(
    network: Network, status: NetworkStatus, served: Iterable[Objective], profile: CompanyProfile
) -> Statement:
    nouns = [OBJECTIVE_NOUNS[o] for o in served]
    uses = join(nouns) if nouns else Text("vos objectifs", "your objectives")
    label = NETWORK_LABELS[network]
    opening = {
        NetworkStatus.KEEP: msg("Continuez sur {n}", "Carry on with {n}", n=label),
        NetworkStatus.REVIVE: msg(
            "Réveillez votre compte {n}", "Wake up your {n} account", n=label
        ),
        NetworkStatus.START: msg(
            "Créez votre présence sur {n}", "Set up your presence on {n}", n=label
        ),
    }[status]
    return Statement(
        msg(
            "{opening} : il sert {uses} et touche {audience}.",
            "{opening}: it serves {uses} and reaches {audience}.",
            opening=opening,
            uses=uses,
            audience=_audience(profile),
        )
    )


def _cost_of_post(network: Network) -> int:
    return MINUTES_PER_POST[network]


def _allocate(
    candidates: list[Network], minutes: int, cap: int, watch_wanted: bool
) -> tuple[dict[Network, int], int, int]:
    """Posts per network, watch minutes and review minutes, in the module's commitment order.

    Watch time is planned only when watch is an objective, right after the first network: a
    company that did not choose it gets no watch task (and its minutes go to posts).
    """
    left = minutes
    posts: dict[Network, int] = {}
    watch = review = 0

    def take(cost: int) -> bool:
        nonlocal left
        if cost > left:
            return False
        left -= cost
        return True

    def take_watch() -> None:
        nonlocal watch
        if not watch and take(WATCH_DIGEST_MINUTES):
            watch = WATCH_DIGEST_MINUTES

    if not candidates:
        return posts, watch, review
    first = candidates[0]
    if not take(MIN_POSTS_PER_WEEK * _cost_of_post(first) + INBOX_MINUTES_PER_NETWORK):
        return posts, watch, review
    posts[first] = MIN_POSTS_PER_WEEK
    if watch_wanted:
        take_watch()
    for network in candidates[1:]:
        if len(posts) >= cap:
            break
        if take(MIN_POSTS_PER_WEEK * _cost_of_post(network) + INBOX_MINUTES_PER_NETWORK):
            posts[network] = MIN_POSTS_PER_WEEK
    if watch_wanted:
        take_watch()  # a second chance when it did not fit before the other networks
    if take(REVIEW_MINUTES):
        review = REVIEW_MINUTES
    raised = True
    while raised:
        raised = False
        for network in posts:
            if posts[network] < TARGET_POSTS_PER_WEEK[network] and take(_cost_of_post(network)):
                posts[network] += 1
                raised = True
    return posts, watch, review


def choose_networks(
    profile: CompanyProfile, objectives: Iterable[RankedObjective]
) -> NetworkChoice:
    """Fit networks and cadences into ``profile.minutes_per_week``; report what was left out."""
    weights = {r.objective: r.weight for r in objectives if r.is_active}
    scores = {n: network_score(n, profile, weights) for n in Network}
    ranked = sorted(Network, key=lambda n: (-scores[n], list(Network).index(n)))
    best = scores[ranked[0]]
    candidates = [n for n in ranked if best > 0 and scores[n] >= CANDIDATE_RATIO * best]
    candidates = candidates[:MAX_NETWORKS]

    minutes = profile.minutes_per_week
    cap = network_cap(minutes)
    minimum = _cost_of_post(ranked[0]) + INBOX_MINUTES_PER_NETWORK
    posts, watch, review = _allocate(candidates, minutes, cap, Objective.WATCH in weights)

    plans = tuple(
        NetworkPlan(
            network=n,
            status=_status(profile, n),
            posts_per_week=posts[n],
            target_posts_per_week=TARGET_POSTS_PER_WEEK[n],
            objectives=_served(n, weights),
            score=round(scores[n], 3),
            reason=_reason(n, _status(profile, n), _served(n, weights), profile),
        )
        for n in posts
    )
    time = TimeAllocation(
        publishing=sum(posts[n] * _cost_of_post(n) for n in posts),
        inbox=INBOX_MINUTES_PER_NETWORK * len(posts),
        watch=watch,
        review=review,
    )
    dropped = _dropped(profile, posts, candidates, cap, minutes)
    notes = _notes(profile, posts, candidates, minutes, minimum)
    return NetworkChoice(plans, dropped, time, minimum, notes)


def _dropped(
    profile: CompanyProfile,
    kept: Mapping[Network, int],
    candidates: list[Network],
    cap: int,
    minutes: int,
) -> tuple[DroppedNetwork, ...]:
    out: list[DroppedNetwork] = []
    for network in Network:
        if network in kept:
            continue
        label = NETWORK_LABELS[network]
        activity = profile.activity(network)
        useful = network in candidates
        if activity is AccountActivity.NO_ACCOUNT:
            if useful:
                out.append(
                    DroppedNetwork(
                        network,
                        DropAction.NOT_NOW,
                        Statement(
                            msg(
                                "{n} serait utile, mais {time} ne suffisent pas : gardez-le "
                                "pour plus tard.",
                                "{n} would be useful, but {time} is not enough: keep it for later.",
                                n=label,
                                time=per_week(minutes),
                            )
                        ),
                    )
                )
            continue
        if activity is AccountActivity.DORMANT and not useful:
            out.append(
                DroppedNetwork(
                    network,
                    DropAction.CLOSE,
                    Statement(
                        msg(
                            "Votre compte {n} dort et ne sert pas vos objectifs : fermez-le, ou "
                            "indiquez dans sa description où vous trouver. Un compte abandonné "
                            "donne une mauvaise image.",
                            "Your {n} account is asleep and does not serve your objectives: "
                            "close it, or say in its description where to find you. An "
                            "abandoned account gives a poor image.",
                            n=label,
                        )
                    ),
                )
            )
        elif useful:
            time = per_week(minutes)
            if not kept:
                why = msg(
                    "avec {time}, aucun réseau ne peut être tenu",
                    "with {time}, no network can be kept up",
                    time=time,
                )
            elif len(kept) >= cap:
                why = msg(
                    "avec {time}, le plan se limite à {networks}",
                    "with {time}, the plan is limited to {networks}",
                    time=time,
                    networks=counted(cap, ("réseau", "réseaux"), ("network", "networks")),
                )
            else:
                why = msg(
                    "il ne tient pas dans vos {time}, à côté des réseaux retenus",
                    "it does not fit in your {time}, next to the networks kept",
                    time=time,
                )
            pin = (
                Text(
                    "Épinglez un message qui renvoie vers vos réseaux actifs.",
                    "Pin a message pointing to your active networks.",
                )
                if kept
                else Text(
                    "Épinglez un message qui dit comment vous joindre.",
                    "Pin a message saying how to reach you.",
                )
            )
            action = DropAction.CLOSE if activity is AccountActivity.DORMANT else DropAction.PAUSE
            out.append(
                DroppedNetwork(
                    network,
                    action,
                    Statement(
                        msg(
                            "Mettez {n} de côté : {why}. {pin}",
                            "Put {n} aside: {why}. {pin}",
                            n=label,
                            why=why,
                            pin=pin,
                        )
                    ),
                )
            )
        else:
            out.append(
                DroppedNetwork(
                    network,
                    DropAction.PAUSE,
                    Statement(
                        msg(
                            "Arrêtez de publier sur {n} : il sert peu vos objectifs.",
                            "Stop posting on {n}: it does little for your objectives.",
                            n=label,
                        )
                        + (
                            Text(
                                " Le temps gagné va aux réseaux retenus.",
                                " The time saved goes to the networks kept.",
                            )
                            if kept
                            else EMPTY
                        )
                    ),
                )
            )
    return tuple(out)


def _notes(
    profile: CompanyProfile,
    kept: Mapping[Network, int],
    candidates: list[Network],
    minutes: int,
    minimum: int,
) -> tuple[Statement, ...]:
    notes: list[Statement] = []
    if not kept:
        notes.append(
            Statement(
                msg(
                    "Avec {time}, aucun réseau ne peut être tenu. Réservez au moins {minimum} : "
                    "une publication et la réponse aux messages sur un réseau.",
                    "With {time}, no network can be kept up. Set aside at least {minimum}: "
                    "one post and answering messages on one network.",
                    time=per_week(minutes),
                    minimum=per_week(minimum),
                )
            )
        )
    accounts = len(profile.accounts)
    if accounts > len(kept) and kept:
        notes.append(
            Statement(
                msg(
                    "Vous avez {accounts} ; le plan retient {kept} pour tenir dans vos {time}. "
                    "Mieux vaut peu de réseaux bien tenus.",
                    "You have {accounts}; the plan keeps {kept} to fit in your {time}. Better "
                    "a few networks kept up well.",
                    accounts=counted(accounts, ("compte", "comptes"), ("account", "accounts")),
                    kept=counted(len(kept), ("réseau", "réseaux"), ("network", "networks")),
                    time=per_week(minutes),
                )
            )
        )
    short = [n for n in kept if kept[n] < TARGET_POSTS_PER_WEEK[n]]
    if short:
        labels = ", ".join(NETWORK_LABELS[n] for n in short)
        notes.append(
            Statement(
                msg(
                    "Rythme réduit sur {networks} pour tenir dans votre temps ; il augmentera "
                    "si vous dégagez quelques minutes de plus.",
                    "Slower rhythm on {networks} to fit in your time; it will grow if you free "
                    "up a few more minutes.",
                    networks=labels,
                )
            )
        )
    return tuple(notes)
