"""What a person does with a collected item: save it, mark it as a lead opportunity, answer it.

Keyword-only workflows like :mod:`parvis.watch.services` (kept apart so each stays small).
Each sets an explicit state rather than flipping it, so a double click or a replayed form
leaves the item as the person last asked. Every change is in the activity log.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.inbox.from_watch import conversation_from_post
from parvis.inbox.models import Conversation
from parvis.networks.contracts import InboundItem, InboundKind
from parvis.watch.answering import answer_option, connected_accounts
from parvis.watch.models import Item


def _check(actor: Actor, item: Item) -> None:
    actor.require(Role.CONTRIBUTOR)
    if item.organisation_id != actor.organisation.pk:
        raise PermissionDenied


def item_set_saved(*, actor: Actor, item: Item, saved: bool, now: datetime | None = None) -> Item:
    _check(actor, item)
    if saved == (item.saved_at is not None):
        return item
    item.saved_at = (now or timezone.now()) if saved else None
    item.save(update_fields=["saved_at"])
    actor.audit("watch.item.saved" if saved else "watch.item.unsaved", item)
    return item


def item_set_opportunity(
    *, actor: Actor, item: Item, marked: bool, now: datetime | None = None
) -> Item:
    """``opportunity_at`` is when a person said « this is a lead » (docs/watch.md): what the
    lead pipeline takes in, unlike the intents' guess, which only suggests."""
    _check(actor, item)
    if marked == (item.opportunity_at is not None):
        return item
    item.opportunity_at = (now or timezone.now()) if marked else None
    item.save(update_fields=["opportunity_at"])
    actor.audit(
        "watch.item.opportunity_marked" if marked else "watch.item.opportunity_unmarked", item
    )
    return item


def item_answer(*, actor: Actor, item: Item) -> Conversation:
    """The inbox conversation where ``item`` is answered (created once). ``ValidationError``
    with the French reason when it cannot be answered from Parvis."""
    _check(actor, item)
    option = answer_option(item, connected_accounts(actor.organisation))
    if option.account is None:
        raise ValidationError(option.reason or "—", code="cannot_answer")
    post = InboundItem(
        kind=InboundKind.MENTION,  # someone's public post: neither a comment nor a message
        remote_id=item.remote_id,
        text=item.text,
        created_at=item.published_at,
        author_id=item.author_id,
        author_handle=item.author_handle,
        author_name=item.author_name,
        url=item.url,
    )
    return conversation_from_post(account=option.account, post=post, actor=actor, url=item.url)
