"""Shared helpers: make a post that is due now."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.accounts.actor import Actor
from parvis.networks.models import SocialAccount
from parvis.publishing.config import Config
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.services.editing import post_create
from parvis.publishing.services.scheduling import post_schedule

FAST = Config(
    lease=timedelta(seconds=60),
    http_timeout=1.5,  # under the injected 3 s hangs, over a busy machine's slow answer
    max_attempts=4,
    retry_base=0.01,
    retry_cap=0.05,
    recheck=timedelta(seconds=0),
)


def due_post(actor: Actor, account: SocialAccount, body: str, **fields: object) -> Post:
    """A post scheduled through the service, then moved so that it is due now."""
    post = post_create(actor=actor, body=body, account_ids=[account.pk], **fields)
    post_schedule(actor=actor, post=post, at=timezone.now() + timedelta(hours=1))
    make_due(post)
    return post


def make_due(post: Post) -> None:
    past = timezone.now() - timedelta(seconds=1)
    post.targets.exclude(status=PostTarget.Status.PUBLISHED).update(next_attempt_at=past)
