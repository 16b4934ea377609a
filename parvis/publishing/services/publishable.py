"""What each network receives for a post, and whether the post may leave.

:func:`target_draft` is the dispatcher's input as well as the validation's, so that what was
checked when scheduling is what is sent.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core.links import web_link
from parvis.networks.contracts import Draft
from parvis.networks.models import SocialAccount
from parvis.networks.validation import validate
from parvis.publishing.capabilities import capabilities_for
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services.errors import PublishingError
from parvis.publishing.services.media import media_for_network
from parvis.publishing.utm import tag_link


def _tagged_link(post: Post, network: str = "") -> str:
    if not post.link:
        return ""
    return tag_link(
        post.link,
        source=post.utm_source or network,
        medium=post.utm_medium or ("social" if post.utm_source or network else ""),
        campaign=post.utm_campaign,
    )


def post_draft(post: Post) -> Draft:
    """The contract the connectors receive for ``post`` (on no account in particular)."""
    return Draft(text=post.body, idempotency_key="validation", link=_tagged_link(post) or None)


def target_draft(target: PostTarget, *, render: bool = False) -> Draft:
    """What ``target``'s network receives: its text, tagged link, first comment and media as
    that network takes them (a copy where the original exceeds its limits).

    ``render`` makes the copies (the dispatcher, just before sending); without it they are only
    planned, which is enough to validate and costs no image work.
    """
    post = target.post
    caps = capabilities_for(target.account)
    now = timezone.now()
    return Draft(
        text=target.text(),
        idempotency_key=target.idempotency_key,
        link=_tagged_link(post, target.account.kind) or None,
        media=tuple(
            media_for_network(asset, caps, make=render, now=now)
            for asset in post.media.all().order_by("pk")
        ),
        first_comment=post.first_comment or None,
    )


def _reconnect_message(account: SocialAccount) -> str:
    return _("%(account)s must be reconnected before it can publish.") % {"account": account}


def check_publishable(post: Post) -> None:
    """Raise with every blocking problem on every target, in French, before scheduling."""
    try:
        web_link(post.link)
    except ValueError as refusal:
        # A draft may keep what was typed; only a web address may leave for the networks.
        raise PublishingError(str(refusal), code="link_invalid") from None
    targets = list(post.targets.select_related("account"))
    if not targets:
        raise PublishingError(_("Choose at least one account to publish on."), code="no_account")
    problems: list[str] = []
    for target in targets:
        account = target.account
        if account.status != SocialAccount.Status.CONNECTED:
            problems.append(_reconnect_message(account))
            continue
        caps = capabilities_for(account)
        if caps is None:
            continue
        for issue in validate(target_draft(target), caps):
            if issue.blocking:
                problems.append(f"{account}\u202f: {issue.message}")
    if problems:
        raise PublishingError(" ".join(problems), code="invalid")


def check_account_connected(account: SocialAccount) -> None:
    """Before sending again on ``account``: it must be connected."""
    if account.status != SocialAccount.Status.CONNECTED:
        raise PublishingError(_reconnect_message(account), code="reconnect")


def check_retryable(post: Post) -> None:
    """Before a retry: the failed (or held) targets' accounts must be connected again."""
    for target in post.targets.filter(
        status__in=[PostTarget.Status.FAILED, PostTarget.Status.HELD]
    ).select_related("account"):
        check_account_connected(target.account)
