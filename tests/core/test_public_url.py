"""Every absolute link is built on the instance's configured address (issue #16, item 8), never
on the Host header a client sent: iCal feed, copied addresses, e-mailed links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from parvis.accounts.roles import Role
from parvis.core.public_url import (
    public_base_url,
    public_host,
    public_reverse,
    public_scheme,
    public_url,
)
from parvis.publishing.models import Post
from parvis.publishing.services.calendar_feed import calendar_feed_for
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

CONFIGURED = "https://parvis.boulangerie.example"
FORGED = "evil.example"


@pytest.fixture(autouse=True)
def _configured(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = CONFIGURED + "/"  # a trailing slash as people type it
    settings.ALLOWED_HOSTS = [FORGED, "testserver"]


def forged_client(cast: Cast, user: Any = None) -> Client:
    client = Client(HTTP_HOST=FORGED)
    client.force_login(user or cast.alice)
    return client


def absolute_urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def test_the_helpers_read_the_configured_address() -> None:
    assert public_base_url() == CONFIGURED
    assert public_url("/o/a/") == CONFIGURED + "/o/a/"
    assert public_reverse("web:home") == CONFIGURED + "/"
    assert public_host() == "parvis.boulangerie.example"
    assert public_scheme() == "https"
    with pytest.raises(ValueError):
        public_url("o/a/")  # a relative path would glue onto the host name


def test_the_ical_feed_names_the_configured_host_and_links_each_post(cast: Cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    post = Post.objects.create(
        organisation=cast.org,
        author=cast.alice,
        body="Galette des rois",
        status=Post.Status.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(days=2),
    )
    feed = calendar_feed_for(cast.org)
    body = (
        Client(HTTP_HOST=FORGED)
        .get(reverse("publishing:ical_feed", kwargs={"token": feed.token}))
        .content.decode()
    )
    unfolded = body.replace("\r\n ", "")
    assert f"UID:post-{post.pk}@parvis.boulangerie.example" in unfolded
    detail = reverse("posts:detail", kwargs={"org": cast.org.slug, "post_id": post.pk})
    assert f"URL:{CONFIGURED}{detail}" in unfolded
    assert FORGED not in unfolded and "127.0.0.1" not in unfolded


def test_the_calendar_copies_the_configured_feed_address(cast: Cast) -> None:
    page = (
        forged_client(cast)
        .get(reverse("posts:calendar", kwargs={"org": cast.org.slug}))
        .content.decode()
    )
    feed = calendar_feed_for(cast.org)
    copied = page.split('<code id="feed-url">', 1)[1].split("</code>", 1)[0]
    assert copied == CONFIGURED + reverse("publishing:ical_feed", kwargs={"token": feed.token})


def test_an_invitation_link_copied_and_mailed_uses_the_configured_address(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = (
            forged_client(cast)
            .post(
                reverse("accounts:members", kwargs={"org": cast.org.slug}),
                {"email": "dave@example.org", "role": Role.VIEWER},
            )
            .content.decode()
        )
    copied = page.split('<code id="invitation-url">', 1)[1].split("</code>", 1)[0]
    assert copied.startswith(CONFIGURED + "/")
    (message,) = mail.outbox
    assert copied in message.body
    assert all(url.startswith(CONFIGURED) for url in absolute_urls(message.body))


def test_a_password_reset_link_ignores_a_forged_host(cast: Cast) -> None:
    Client(HTTP_HOST=FORGED).post(
        reverse("accounts:password_reset"), {"email": "alice@example.org"}
    )
    (message,) = mail.outbox
    links = absolute_urls(message.body)
    assert links and all(url.startswith(CONFIGURED + "/accounts/") for url in links)
    assert FORGED not in message.body


def test_the_deletion_mail_links_to_the_configured_address(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        forged_client(cast).post(
            reverse("privacy:deletion_request", kwargs={"org": cast.org.slug}),
            {"confirmation": cast.org.name},
        )
    privacy = CONFIGURED + reverse("privacy:overview", kwargs={"org": cast.org.slug})
    assert mail.outbox and all(privacy in message.body for message in mail.outbox)
    assert all(FORGED not in message.body for message in mail.outbox)


def test_a_sign_up_confirmation_link_uses_the_configured_address(cast: Cast, settings: Any) -> None:
    settings.SIGNUP_MODE = "domains"
    settings.SIGNUP_DOMAINS = ["boulangerie.example"]
    Client(HTTP_HOST=FORGED).post(
        reverse("accounts:signup"), {"email": "jeanne@boulangerie.example"}
    )
    (message,) = mail.outbox
    links = absolute_urls(message.body)
    assert links and all(url.startswith(CONFIGURED + "/accounts/signup/") for url in links)
