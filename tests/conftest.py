"""The test cast, after Healthchecks: Alice owns Menuiserie A, Bob contributes to it,
Charlie owns another organisation and must never see anything of Alice's."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from parvis.accounts.models import Membership, Organisation, User
from parvis.accounts.roles import Role
from parvis.accounts.services import organisation_create
from tests.browser.fixtures import browser, page, server  # noqa: F401 - shared fixtures
from tests.peers.bluesky import bluesky_pds  # noqa: F401 - shared: networks and browser tests


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Argon2 is deliberately slow; tests that check hashing itself re-enable it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    # The peers and fakes listen on loopback; the product allows no private range by default
    # (tests/core/test_guarded_http.py turns this off to try the refusals).
    settings.HTTP_ALLOW_PRIVATE = ["127.0.0.0/8", "::1/128"]  # type: ignore[attr-defined]
    from django.core.cache import cache

    cache.clear()
    from parvis.strategy.services import alignment_requests_forget

    alignment_requests_forget()  # grouped score requests are kept per process
    # Each test starts in the default language: Django's LocaleMiddleware activates a request's
    # language in the thread and leaves it there, so a test after an English page would
    # otherwise read English where it expects French.
    translation.activate(django_settings.LANGUAGE_CODE)


@dataclass
class Cast:
    alice: User
    bob: User
    charlie: User
    org: Organisation
    other_org: Organisation
    alice_membership: Membership
    bob_membership: Membership
    charlie_membership: Membership

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def cast(db: None) -> Cast:
    alice = User.objects.create_user("alice@example.org", "password", full_name="Alice")
    bob = User.objects.create_user("bob@example.org", "password", full_name="Bob")
    charlie = User.objects.create_user("charlie@example.org", "password", full_name="Charlie")
    org = organisation_create(name="Menuiserie A", owner=alice)
    other_org = organisation_create(name="Boulangerie C", owner=charlie)
    bob_membership = Membership.objects.create(user=bob, organisation=org, role=Role.CONTRIBUTOR)
    return Cast(
        alice=alice,
        bob=bob,
        charlie=charlie,
        org=org,
        other_org=other_org,
        alice_membership=Membership.objects.get(user=alice, organisation=org),
        bob_membership=bob_membership,
        charlie_membership=Membership.objects.get(user=charlie, organisation=other_org),
    )


def english_client(user: User) -> Client:
    """Tests read English wording: the user's language decides the page's."""
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client
