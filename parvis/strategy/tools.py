"""The tools an adopted plan sets up in the other apps, and what they look like now.

Adopting a plan (``services.plan_accept``) writes two things outside the strategy app, each
through the owning app's own service:

* the publishing queue's weekly slots: one per planned post **for each account** of the
  network the plan chose (never an « any account » slot, which would let a Facebook post take
  an Instagram time); a network without an account gets none until one is connected and the
  plan is adopted again, which only adds what is missing;
* the inbox's response-time goal, rounded up to the hour (the inbox counts whole hours).

``plan_tools`` reads back what is in place, for the plan page; ``inbox_ready`` says whether
the inbox has anything to show (an account whose network lets Parvis read its messages).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import time
from typing import TYPE_CHECKING

from parvis.accounts.actor import Actor
from parvis.core.vocabulary import NETWORK_LABELS, Network
from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.polling import readable_kinds
from parvis.inbox.services import inbox_settings_update
from parvis.networks.models import SocialAccount
from parvis.publishing.models import QueueSlot
from parvis.publishing.services.queue import queue_slot_add
from parvis.strategy import engine

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation


@dataclass(frozen=True, slots=True)
class NetworkSlots:
    """The queue slots of one network the plan chose."""

    network: Network
    accounts: tuple[str, ...]  # the accounts' names (handle), empty when none is connected
    per_account: int  # slots the plan asks for on each account
    in_place: int  # slots of the plan's times that exist now, all accounts together
    created: int = 0  # slots the last adoption added

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self.network]

    @property
    def missing(self) -> int:
        """Slots the plan asks for on the connected accounts that are not in the queue."""
        return max(0, self.per_account * len(self.accounts) - self.in_place)


@dataclass(frozen=True, slots=True)
class PlanTools:
    goal_hours: int  # the plan's response-time goal, in whole hours
    inbox_goal_hours: int  # the inbox's goal now (a manager may have changed it since)
    networks: tuple[NetworkSlots, ...]

    @property
    def slots_created(self) -> int:
        return sum(n.created for n in self.networks)

    @property
    def needs_update(self) -> bool:
        """Adopting again would change something: slots to add, or the goal to set back."""
        return self.inbox_goal_hours != self.goal_hours or any(n.missing for n in self.networks)


def goal_hours(plan: engine.Plan) -> int:
    """The plan's response-time goal as the inbox stores it: whole hours, at least one."""
    return max(1, math.ceil(plan.editorial.response_time_goal_hours))


def _accounts(organisation: Organisation, network: Network) -> list[SocialAccount]:
    """The organisation's accounts on ``network`` that still belong to it (not disconnected)."""
    return list(
        SocialAccount.objects.for_organisation(organisation)
        .filter(kind=network.value)
        .exclude(status=SocialAccount.Status.DISCONNECTED)
        .order_by("pk")
    )


def _times(slots: Iterable[engine.QueueSlot], network: Network) -> list[tuple[int, time]]:
    return sorted({(s.weekday, s.at) for s in slots if s.network is network})


def _networks(routine: engine.WeeklyRoutine) -> list[Network]:
    return list(dict.fromkeys(s.network for s in routine.queue_slots))


def _existing(organisation: Organisation, account_ids: list[int]) -> set[tuple[int, int, time]]:
    rows = (
        QueueSlot.objects.for_organisation(organisation)
        .filter(account_id__in=account_ids)
        .values_list("account_id", "weekday", "local_time")
    )
    return {(account_id, weekday, at) for account_id, weekday, at in rows if account_id}


def tools_set_up(*, actor: Actor, plan: engine.Plan, routine: engine.WeeklyRoutine) -> PlanTools:
    """Create the missing queue slots, account by account, and set the inbox's goal.

    Safe to repeat: a slot that exists (same account, day and time) is not doubled. The
    caller checked the role (manager) and holds the transaction.
    """
    organisation = actor.organisation
    created: dict[Network, int] = {}
    for network in _networks(routine):
        accounts = _accounts(organisation, network)
        existing = _existing(organisation, [a.pk for a in accounts])
        created[network] = 0
        for account in accounts:
            for weekday, at in _times(routine.queue_slots, network):
                if (account.pk, weekday, at) not in existing:
                    queue_slot_add(actor=actor, weekday=weekday, local_time=at, account=account)
                    created[network] += 1
    hours = goal_hours(plan)
    current = inbox_settings_for(organisation.pk)
    if current.goal_hours != hours:
        # Through the inbox's own service (role check, audit); the other settings unchanged.
        inbox_settings_update(
            goal_hours=hours,
            job_applications_to=current.job_applications_to,
            llm_base_url=current.llm_base_url,
            llm_model=current.llm_model,
            llm_api_key=None,
            actor=actor,
        )
    now = plan_tools(organisation, plan, routine)
    return replace(
        now,
        networks=tuple(replace(n, created=created.get(n.network, 0)) for n in now.networks),
    )


def plan_tools(
    organisation: Organisation, plan: engine.Plan, routine: engine.WeeklyRoutine
) -> PlanTools:
    """What the plan's tools look like now: slots in place per network, the inbox's goal."""
    networks = []
    for network in _networks(routine):
        accounts = _accounts(organisation, network)
        times = set(_times(routine.queue_slots, network))
        existing = _existing(organisation, [a.pk for a in accounts])
        networks.append(
            NetworkSlots(
                network=network,
                accounts=tuple(a.handle for a in accounts),
                per_account=len(times),
                in_place=sum(1 for _, weekday, at in existing if (weekday, at) in times),
            )
        )
    return PlanTools(
        goal_hours=goal_hours(plan),
        inbox_goal_hours=inbox_settings_for(organisation.pk).goal_hours,
        networks=tuple(networks),
    )


def inbox_ready(organisation: Organisation) -> bool:
    """Whether an account of the organisation brings messages or comments into the inbox."""
    accounts = SocialAccount.objects.for_organisation(organisation).exclude(
        status=SocialAccount.Status.DISCONNECTED
    )
    return any(readable_kinds(account) for account in accounts)
