"""The demo filler: a realistic plan that never reaches a network."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.accounts.services import organisation_create
from parvis.publishing.claims import claim_due
from parvis.publishing.demo import fill
from parvis.publishing.models import Post, PostTarget
from parvis.publishing.watchdog import watchdog_check
from tests.conftest import Cast


def test_demo_plan_is_complete_and_never_dispatched(cast: Cast) -> None:
    demo = organisation_create(
        name="Menuiserie Martin (démo)",
        owner=cast.alice,
        timezone_name="Europe/Paris",
        is_demo=True,
    )
    fill(demo, cast.alice)
    posts = Post.objects.for_organisation(demo)
    assert posts.count() == 10 and all(p.is_demo for p in posts)
    statuses = set(posts.values_list("status", flat=True))
    assert {"published", "scheduled", "pending_approval", "draft", "partially_failed"} <= statuses
    urls = PostTarget.objects.for_organisation(demo).exclude(remote_url="")
    assert urls and all(".demo.invalid/" in t.remote_url for t in urls)
    PostTarget.objects.for_organisation(demo).filter(status="scheduled").update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert claim_due(worker="w", limit=100)[1] == []
    assert watchdog_check() == []
