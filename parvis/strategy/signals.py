"""The alignment score follows what the organisation does, as it happens.

The score measures published posts and first answers to messages. Waiting for the periodic
sweep (``PARVIS_ALIGNMENT_INTERVAL``, five minutes by default) would leave a leader who just
published looking at the old score; these receivers ask for a recomputation of that
organisation's score as soon as the change is committed (``services.alignment_request``,
grouped: a burst of changes sends one request, which runs two seconds later and counts them
all). The sweep stays as the safety net.

They listen to the rows publishing and the inbox already save when that happens, so neither
app calls the strategy: a post's status is derived from its targets and saved by
``publishing.settle.post_refresh_status`` when it goes live; a conversation's first response
is saved when the first reply is sent.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from parvis.inbox.models import Conversation
from parvis.publishing.models import Post
from parvis.strategy import services

# Post statuses that mean at least one of its targets is live.
LIVE_POST_STATUSES = frozenset({Post.Status.PUBLISHED, Post.Status.PARTIALLY_FAILED})


def _saved(update_fields: Any, field: str) -> bool:
    """Whether a save touched ``field`` (a save without ``update_fields`` touches all)."""
    return update_fields is None or field in update_fields


def post_went_live(sender: type, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if instance.status in LIVE_POST_STATUSES and _saved(update_fields, "status"):
        services.alignment_request(organisation_id=instance.organisation_id, grouped=True)


def conversation_answered(
    sender: type, instance: Any, created: bool = False, update_fields: Any = None, **_: Any
) -> None:
    if (
        not created
        and instance.first_response_at is not None
        and _saved(update_fields, "first_response_at")
    ):
        services.alignment_request(organisation_id=instance.organisation_id, grouped=True)


def connect() -> None:
    """Called once by ``StrategyConfig.ready`` (this module imports models: apps are ready)."""
    post_save.connect(post_went_live, sender=Post, dispatch_uid="strategy.post_went_live")
    post_save.connect(
        conversation_answered, sender=Conversation, dispatch_uid="strategy.conversation_answered"
    )
