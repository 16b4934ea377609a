"""The « Données personnelles » page: reachable from the menu, says what is stored, where and
for how long (from the settings), and offers each right to whom may use it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from parvis.accounts.roles import Role
from tests.conftest import Cast
from tests.privacy.conftest import client_in


def _url(cast: Cast) -> str:
    return reverse("privacy:overview", kwargs={"org": cast.org.slug})


def test_every_member_finds_it_in_the_menu_and_sees_the_retention_settings(
    cast: Cast, settings: Any
) -> None:
    settings.RETENTION_INBOX_DAYS = 2 * 365
    settings.RETENTION_AUDIT_DAYS = 90
    settings.RETENTION_WEBHOOK_DAYS = 3
    client = client_in(cast.bob)  # a contributor
    dashboard = client.get(reverse("web:dashboard", kwargs={"org": cast.org.slug}))
    assert f'href="{_url(cast)}"' in dashboard.content.decode()
    page = client.get(_url(cast))
    assert page.status_code == 200
    text = page.content.decode()
    assert "What Parvis stores" in text
    assert "2 years after the message" in text
    assert "90 days, then deleted automatically" in text
    assert "after 3 days at most" in text
    assert "IP address" in text
    # A contributor may read and delete their own account, not the rest.
    assert reverse("privacy:account_delete") in text
    assert reverse("privacy:people", kwargs={"org": cast.org.slug}) not in text
    assert reverse("privacy:deletion_request", kwargs={"org": cast.org.slug}) not in text


def test_the_owner_sees_every_action_in_french(cast: Cast, settings: Any) -> None:
    settings.ORGANISATION_DELETION_DELAY_DAYS = 7
    page = client_in(cast.alice, "fr").get(_url(cast))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Données personnelles" in text
    assert "3\u00a0ans" in text or "3 ans" in text
    assert "7 jours" in text
    assert reverse("privacy:people", kwargs={"org": cast.org.slug}) in text
    assert reverse("privacy:deletion_request", kwargs={"org": cast.org.slug}) in text
    # The page says where tokens are revoked at the network, and that elsewhere they are erased.
    assert "révoqués auprès de X, YouTube, Bluesky, Mastodon et effacés" in text


def test_a_manager_reaches_people_but_not_the_deletion(cast: Cast) -> None:
    cast.bob_membership.role = Role.MANAGER
    cast.bob_membership.save()
    text = client_in(cast.bob).get(_url(cast)).content.decode()
    assert reverse("privacy:people", kwargs={"org": cast.org.slug}) in text
    assert reverse("privacy:deletion_request", kwargs={"org": cast.org.slug}) not in text
    assert "Only an owner can delete the organisation." in text


def test_charlie_gets_nothing_of_alices_page(cast: Cast) -> None:
    charlie = client_in(cast.charlie)
    assert charlie.get(_url(cast)).status_code == 404
    assert charlie.get(reverse("privacy:people", kwargs={"org": cast.org.slug})).status_code == 404
