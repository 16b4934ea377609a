"""Drafts written from the plan's content ideas: « Rédiger à partir de cette idée ».

The idea tells the owner what to post; the draft is the post itself, to finish: written from
Parvis's own templates (``engine.drafts``) for the company's sector, in the editorial line's
tone, within the network's length, the facts only the owner knows left as ``[placeholders]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.networks.capabilities import Capabilities
from parvis.networks.models import SocialAccount
from parvis.networks.registry import ConnectorUnavailable, provider
from parvis.networks.text import text_length
from parvis.publishing.models import Post
from parvis.publishing.services.editing import post_create
from parvis.strategy import selectors
from parvis.strategy.engine.choices import Sector
from parvis.strategy.engine.drafts import Voice, default_drafts
from parvis.strategy.engine.editorial import Tone, editorial_tone
from parvis.strategy.models import Plan, RoutineTask
from parvis.strategy.services import own
from parvis.strategy.texts import current_language

if TYPE_CHECKING:
    from parvis.accounts.models import Organisation


@dataclass(frozen=True, slots=True)
class CompanyStyle:
    """What a draft needs to know of the company beyond its name: its trade and its tone."""

    sector: Sector
    tone: Tone


# Before any diagnostic: no trade known, the tone every company can use.
DEFAULT_STYLE = CompanyStyle(Sector.OTHER, Tone())


def plan_style(plan: Plan) -> CompanyStyle:
    """The sector and tone of a stored plan; plans stored before the tone existed get the tone
    today's rule gives their answers."""
    adopted = selectors.engine_plan(plan)
    tone = adopted.editorial.tone
    if tone is None:
        share = plan.diagnostic.answers.get("b2b_share")
        tone = editorial_tone(int(share)) if isinstance(share, int | float) else Tone()
    return CompanyStyle(adopted.sector, tone)


def company_style(organisation: Organisation) -> CompanyStyle:
    """The style of the organisation's current plan, or the default one without a plan."""
    plan = selectors.current_plan(organisation)
    return plan_style(plan) if plan is not None else DEFAULT_STYLE


def _network(value: str) -> Network | None:
    try:
        return Network(value)
    except ValueError:
        return None


def _capabilities(network: Network | None) -> Capabilities | None:
    if network is None:
        return None
    try:
        return provider(network).capabilities
    except ConnectorUnavailable:
        return None


def _length(text: str, *, capabilities: Capabilities) -> int:
    return text_length(text, capabilities)


def draft_text(
    *,
    company: str,
    style: CompanyStyle,
    category: ContentCategory,
    objective: Objective | None,
    network: Network | None,
    language: str | None = None,
) -> str:
    """A first draft for one network, within its length as that network counts it."""
    voice = Voice(
        company=company,
        tone=style.tone,
        language="en" if (language or current_language()) == "en" else "fr",
        network=network,
    )
    limit: int | None = None
    measure: Callable[[str], int] = len
    capabilities = _capabilities(network)
    if capabilities is not None:
        limit, measure = capabilities.text_limit, partial(_length, capabilities=capabilities)
    return default_drafts().write(
        style.sector, category, objective, voice, limit=limit, measure=measure
    )


def _category(value: str) -> ContentCategory:
    try:
        return ContentCategory(value)
    except ValueError:
        return ContentCategory.OTHER


def _objective(value: str) -> Objective | None:
    try:
        return Objective(value)
    except ValueError:
        return None


@transaction.atomic
def task_draft_post(*, actor: Actor, task: RoutineTask, now: datetime | None = None) -> Post:
    """A draft post written for the task's idea, on the organisation's accounts of the task's
    network, with the task's content category. Repeating returns the same draft.

    The draft is written in the language the person reads (the active one): it is theirs to
    finish. The idea itself stays on the task, where « Ma semaine » shows it.
    """
    actor.require(Role.CONTRIBUTOR)
    own(actor, task)
    if task.kind != RoutineTask.Kind.PUBLISH or not task.idea:
        raise ValidationError(_("This task has no content idea."))
    if task.post is not None:
        return task.post
    account_ids = list(
        SocialAccount.objects.for_organisation(actor.organisation)
        .filter(kind=task.network)
        .values_list("pk", flat=True)
    )
    body = draft_text(
        company=actor.organisation.name,
        style=plan_style(task.routine.plan),
        category=_category(task.category),
        objective=_objective(task.objective),
        network=_network(task.network),
    )
    post = post_create(
        actor=actor,
        body=body,
        account_ids=account_ids,
        category=task.category,
        now=now,
    )
    task.post = post
    task.save(update_fields=["post"])
    actor.audit("routine_task.drafted", task, post_id=post.pk)
    return post
