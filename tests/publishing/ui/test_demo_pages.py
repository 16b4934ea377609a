"""Every publishing page renders over the demo organisation's invented plan."""

from __future__ import annotations

from django.urls import reverse

from parvis.publishing.models import Post
from parvis.web.demo import demo_create
from tests.conftest import Cast, english_client


def test_every_page_renders_with_the_demo_plan(cast: Cast) -> None:
    demo = demo_create(owner=cast.alice)
    client = english_client(cast.alice)
    org = {"org": demo.slug}
    pages = [
        reverse("posts:list", kwargs=org),
        reverse("posts:list", kwargs=org) + "?show=failed",
        reverse("posts:new", kwargs=org),
        reverse("posts:calendar", kwargs=org),
        reverse("posts:calendar", kwargs=org) + "?view=month",
        reverse("posts:approvals", kwargs=org),
        reverse("posts:media", kwargs=org),
        reverse("posts:queue", kwargs=org),
        reverse("posts:import", kwargs=org),
    ]
    posts = list(Post.objects.for_organisation(demo))
    assert posts
    for post in posts:
        pages.append(reverse("posts:detail", kwargs={**org, "post_id": post.pk}))
        if post.is_editable:
            pages.append(reverse("posts:edit", kwargs={**org, "post_id": post.pk}))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Demo organisation" in response.content.decode(), page
    published = [p for p in posts if p.status == Post.Status.PUBLISHED]
    detail = client.get(reverse("posts:detail", kwargs={**org, "post_id": published[0].pk}))
    assert ".demo.invalid/" in detail.content.decode()  # the remote link is shown
