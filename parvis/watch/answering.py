"""Whether a collected post can be answered from Parvis, with which account, and if not why.

A post is answered from the inbox (:mod:`parvis.inbox.from_watch`), through a connected
account on its network. What each network allows is its provider's data
(``Capabilities.reply_to_public_posts``, ``post_ids_per_server``, ``public_reply_note``):
this module never names a network. Feeds' articles have nowhere to answer: the page opens them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from parvis.accounts.models import Organisation
from parvis.inbox.from_watch import MAX_REMOTE_ID
from parvis.networks.models import SocialAccount
from parvis.networks.registry import ConnectorUnavailable, provider
from parvis.watch.models import WEB, Item


@dataclass(frozen=True)
class AnswerOption:
    """``account`` set: the « Answer » button works. Otherwise ``reason`` says why not (French
    for the page), and ``connect`` whether connecting an account would change that."""

    account: SocialAccount | None = None
    reason: str = ""
    note: str = ""  # a condition the network adds (X: only when summoned)
    connect: bool = False


def connected_accounts(organisation: Organisation) -> dict[str, list[SocialAccount]]:
    """The organisation's connected accounts by network, those not rate-limited first (the
    order the watch reads with, :func:`parvis.watch.collect._account_for`)."""
    found: dict[str, list[SocialAccount]] = {}
    accounts = (
        SocialAccount.objects.for_organisation(organisation)
        .filter(status=SocialAccount.Status.CONNECTED)
        .order_by(F("rate_limited_until").asc(nulls_first=True), "pk")
    )
    for account in accounts:
        found.setdefault(str(account.kind), []).append(account)
    return found


def answer_option(item: Item, accounts: dict[str, list[SocialAccount]]) -> AnswerOption:
    if item.network == WEB:  # an article: the page offers « Open » only
        return AnswerOption(reason=_("An article from a feed cannot be answered: open it."))
    try:
        described = provider(item.network)
    except ConnectorUnavailable:
        return AnswerOption(
            reason=_("This post cannot be answered from Parvis: open it to answer.")
        )
    label = described.label
    if not described.capabilities.reply_to_public_posts:
        return AnswerOption(
            reason=_("%(network)s does not let Parvis answer this post: open it to answer.")
            % {"network": label}
        )
    if not item.text:  # erased at its author's request: nothing left to answer
        return AnswerOption(reason=_("Erased at the author's request."))
    # A demo post is answered by a demo account (recorded, never sent); a real one never is.
    usable = [a for a in accounts.get(item.network, []) if a.is_demo == item.is_demo]
    if not usable:
        return AnswerOption(
            reason=_("Connect a %(network)s account to answer.") % {"network": label},
            connect=True,
        )
    if len(item.remote_id) > MAX_REMOTE_ID:
        return AnswerOption(
            reason=_("This post cannot be answered from Parvis: open it to answer.")
        )
    account = usable[0]
    if described.capabilities.post_ids_per_server and not _read_by(usable, item):
        # The post's id is the reading server's: from another server it names another post.
        return AnswerOption(
            reason=_("This post was read through another %(network)s server: open it to answer.")
            % {"network": label}
        )
    return AnswerOption(account=account, note=str(described.public_reply_note))


def _cannot() -> str:
    return _("This post cannot be answered from Parvis: open it to answer.")


def _read_by(accounts: list[SocialAccount], item: Item) -> bool:
    """Whether ``accounts[0]``'s server is the one that read ``item``: every connected account
    of the network is on that one server, and one of them was connected when the item was
    collected. (An account on another server, disconnected since, may still have read it:
    that case is not detectable from what is stored.)"""
    servers = {a.api_base_url.rstrip("/") for a in accounts}
    return len(servers) == 1 and min(a.connected_at for a in accounts) <= item.collected_at


def answer_options(items: Iterable[Item], organisation: Organisation) -> dict[int, AnswerOption]:
    """Each item's option, with one query for the accounts."""
    accounts = connected_accounts(organisation)
    return {item.pk: answer_option(item, accounts) for item in items}
