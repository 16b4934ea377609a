"""A conversation opened from a post someone else published, so that it is answered from the inbox.

The watch (« Veille ») finds public posts; answering one goes through the inbox's reply box and
its exactly-once sender (:mod:`parvis.inbox.reply_sending`) like any other answer. This module
stores the post as the first inbound message of a conversation on the account that will
answer: the reply then goes to that message's remote id (``Reply.in_reply_to``), which is what
every connector's ``reply(parent_id=…)`` expects (Bluesky finds the thread's root and parent
itself from the post's record).

It takes the post as an :class:`InboundItem` (the connectors' contract), not a watch row: the
watch imports the inbox, never the other way round.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.actor import Actor
from parvis.accounts.roles import Role
from parvis.inbox.ingest import inbox_ingest
from parvis.inbox.models import Conversation, Message
from parvis.networks.contracts import InboundItem
from parvis.networks.models import SocialAccount

MAX_REMOTE_ID = 200  # Message.remote_id


def conversation_from_post(
    *,
    account: SocialAccount,
    post: InboundItem,
    actor: Actor,
    url: str = "",
    now: datetime | None = None,
) -> Conversation:
    """The conversation holding ``post`` on ``account``: created the first time, the same one
    after (the message is unique per account and remote id, so a second click, or a post the
    inbox already polled as a mention, finds the existing conversation).

    A new conversation waits from now, not from the post's date: the company chose to answer
    it today, and a week-old post must not count as a week late in the response-time goals.
    """
    actor.require(Role.CONTRIBUTOR)
    if account.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    if not post.remote_id or len(post.remote_id) > MAX_REMOTE_ID:
        raise ValidationError(
            _("This post cannot be answered from Parvis: open it to answer."), code="remote_id"
        )
    now = now or timezone.now()
    with transaction.atomic():
        created = inbox_ingest(account, [post], now=now).conversations_created > 0
        message = (
            Message.objects.select_related("conversation")
            .filter(account=account, remote_id=post.remote_id)
            .first()
        )
        if message is None:  # pragma: no cover - ingestion stores every valid item
            raise ValidationError(_("This post could not be opened in the inbox."), code="store")
        conversation: Conversation = message.conversation
        if created:
            conversation.first_inbound_at = now
            conversation.awaiting_since = now
            conversation.subject_url = url[:500] if url.startswith("https://") else ""
            conversation.save(update_fields=["first_inbound_at", "awaiting_since", "subject_url"])
            actor.audit("inbox.conversation.from_watch", conversation, remote_id=post.remote_id)
    return conversation
