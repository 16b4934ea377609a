"""The networks' developer apps entered in the interface: environment first, secrets encrypted
at rest, only an instance administrator, « Vérifier » against the fakes over real HTTP, and the
addresses to paste built from the configured public address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from parvis.accounts.instance_admin import is_instance_admin
from parvis.accounts.models import User
from parvis.core.vocabulary import Network
from parvis.networks import app_settings, app_setup
from parvis.networks.app_check import Outcome
from parvis.networks.contracts import AppCredentials
from parvis.networks.meta.webhooks import ENDPOINT as META_ENDPOINT
from parvis.networks.models import NetworkApp
from parvis.networks.public_address import Reach, assess
from parvis.networks.registry import provider
from tests.conftest import Cast, english_client
from tests.peers.linkedin import LinkedInFake, linkedin_fake
from tests.peers.meta_fake import MetaFake, meta_fake
from tests.peers.x_fake import XFake
from tests.peers.youtube import YouTubeFake, youtube_fake

pytestmark = pytest.mark.django_db
__all__ = ["linkedin_fake", "meta_fake", "youtube_fake"]

PUBLIC = "https://parvis.boulangerie.example"


@pytest.fixture(autouse=True)
def _fresh_app_settings() -> Iterator[None]:
    """Saved apps are cached per process; each test starts and ends with none cached."""
    app_settings.forget()
    yield
    app_settings.forget()


@pytest.fixture
def meta(networks: dict[str, dict[str, Any]], meta_fake: MetaFake, settings: Any) -> MetaFake:
    """No Meta app in the environment; Graph is the fake (as PARVIS_FACEBOOK_API_URL says)."""
    settings.PUBLIC_BASE_URL = PUBLIC
    networks["facebook"].update(
        enabled=False, client_id="", client_secret="", api_url=meta_fake.url
    )
    return meta_fake


def _url(cast: Cast, kind: str = "facebook", org: str | None = None) -> str:
    return reverse(f"networks:app_setup_{kind}", kwargs={"org": org or cast.org.slug})


def _save(client: Client, cast: Cast, meta: MetaFake, **extra: str) -> Any:
    form = {
        "client_id": meta.app_id,
        "client_secret": meta.app_secret,
        "webhook_secret": "jeton-de-verification",
        "action": "save",
        **extra,
    }
    return client.post(_url(cast), form)


# --- where settings come from -------------------------------------------------------------------


def test_saved_app_is_used_when_the_environment_sets_none(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    facebook = provider(Network.FACEBOOK)
    assert facebook.app_credentials() is None and not facebook.enabled()
    assert _save(alice, cast, meta).status_code == 302
    assert facebook.app_credentials() == AppCredentials(meta.app_id, meta.app_secret)
    assert facebook.enabled()
    assert facebook.setting("webhook_secret") == "jeton-de-verification"
    assert app_settings.source("facebook") is app_settings.Source.INTERFACE


def test_environment_wins_over_the_saved_app(
    cast: Cast, alice: Client, meta: MetaFake, networks: dict[str, dict[str, Any]]
) -> None:
    _save(alice, cast, meta)
    networks["facebook"].update(client_id="42", client_secret="", webhook_secret="env-token")
    facebook = provider(Network.FACEBOOK)
    # The environment names the app: its id is never paired with the saved secret.
    assert facebook.app_credentials() == AppCredentials("42", "")
    assert META_ENDPOINT.setting("webhook_secret") == "env-token"
    assert app_settings.source("facebook") is app_settings.Source.ENVIRONMENT
    page = alice.get(_url(cast)).content.decode()
    assert "Set by the environment" in page and 'name="client_secret"' not in page
    refused = _save(alice, cast, meta, client_id="7")
    assert refused.status_code == 302 and NetworkApp.objects.get().client_id == meta.app_id


def test_a_save_reaches_the_webhook_check_of_every_process(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    """Meta's subscription check reads the verify token saved in the interface."""
    assert META_ENDPOINT.challenge({"hub.mode": "subscribe", "hub.verify_token": "x"}) is None
    _save(alice, cast, meta)
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": "jeton-de-verification",
        "hub.challenge": "1158201444",
    }
    assert META_ENDPOINT.challenge(params) == "1158201444"


def test_secrets_are_encrypted_at_rest(cast: Cast, alice: Client, meta: MetaFake) -> None:
    _save(alice, cast, meta)
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret, webhook_secret FROM networks_networkapp")
        raw_secret, raw_token = cursor.fetchone()
    assert raw_secret and meta.app_secret not in raw_secret
    assert raw_token and "jeton-de-verification" not in raw_token
    page = alice.get(_url(cast)).content.decode()
    assert meta.app_secret not in page  # never written back into the page


def test_a_blank_secret_keeps_the_saved_one(cast: Cast, alice: Client, meta: MetaFake) -> None:
    _save(alice, cast, meta)
    assert _save(alice, cast, meta, client_secret="", webhook_secret="").status_code == 302
    row = NetworkApp.objects.get()
    assert (row.client_secret, row.webhook_secret) == (meta.app_secret, "jeton-de-verification")


# --- who may do it ------------------------------------------------------------------------------


def test_first_user_administers_until_a_staff_user_exists(cast: Cast) -> None:
    assert is_instance_admin(cast.alice)  # the first account of this install
    assert not is_instance_admin(cast.charlie)
    staff = User.objects.create_user("ops@example.org", "pw", is_staff=True)
    assert is_instance_admin(staff)
    assert not is_instance_admin(cast.alice)


def test_an_owner_who_is_not_administrator_is_told_whom_to_ask(cast: Cast, meta: MetaFake) -> None:
    charlie = english_client(cast.charlie)  # owner of another organisation
    url = _url(cast, org=cast.other_org.slug)
    page = charlie.get(url)
    assert page.status_code == 403
    assert "Ask your administrator to set up Facebook." in page.content.decode()
    assert (
        charlie.post(
            url, {"client_id": meta.app_id, "client_secret": meta.app_secret, "action": "save"}
        ).status_code
        == 403
    )
    assert not NetworkApp.objects.exists()
    accounts = charlie.get(reverse("networks:accounts", kwargs={"org": cast.other_org.slug}))
    text = accounts.content.decode()
    assert "Ask your administrator to set up Facebook." in text
    assert _url(cast, org=cast.other_org.slug) not in text


def test_another_organisation_is_not_reachable(cast: Cast, alice: Client) -> None:
    assert alice.get(_url(cast, org=cast.other_org.slug)).status_code == 404


def test_a_contributor_cannot_open_it_either(cast: Cast, meta: MetaFake) -> None:
    bob = english_client(cast.bob)
    assert bob.post(_url(cast), {"client_id": "1", "action": "save"}).status_code == 403


# --- « Vérifier » against the networks' fakes -------------------------------------------------


def test_verify_against_meta_names_the_app_and_saves_nothing(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    form = {"client_id": meta.app_id, "client_secret": meta.app_secret, "action": "verify"}
    answer = alice.post(_url(cast), form, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Verified" in html and "Facebook recognises the app « Parvis Atelier »." in html
    assert ("GET", "/oauth/access_token") in meta.state.requests
    assert ("GET", f"/{meta.app_id}") in meta.state.requests
    assert meta.app_secret not in html and not NetworkApp.objects.exists()


def test_a_wrong_secret_is_refused_and_not_saved(cast: Cast, alice: Client, meta: MetaFake) -> None:
    form = {"client_id": meta.app_id, "client_secret": "not-the-secret", "action": "verify"}
    html = alice.post(_url(cast), form).content.decode()
    assert "Refused" in html and "Error validating client secret." in html
    assert _save(alice, cast, meta, client_secret="not-the-secret").status_code == 400
    assert _save(alice, cast, meta, client_id="999").status_code == 400
    assert not NetworkApp.objects.exists()


def test_saving_records_the_verification(cast: Cast, alice: Client, meta: MetaFake) -> None:
    page = alice.get(_save(alice, cast, meta)["Location"]).content.decode()
    row = NetworkApp.objects.get()
    assert row.verified_at is not None and row.verified_name == "Parvis Atelier"
    assert "The Facebook app is saved." in page and "Verified" in page


def test_an_unreachable_network_is_not_a_verdict(
    cast: Cast, alice: Client, meta: MetaFake, networks: dict[str, dict[str, Any]]
) -> None:
    networks["facebook"]["api_url"] = "http://127.0.0.1:9"  # nothing listens there
    form = {"client_id": meta.app_id, "client_secret": meta.app_secret, "action": "verify"}
    html = alice.post(_url(cast), form).content.decode()
    assert "Not checked" in html and "Refused" not in html


def _check(kind: Network, app: AppCredentials) -> Outcome:
    return app_setup.app_check(provider(kind), app).outcome


def test_linkedin_youtube_and_x_are_checked_at_their_token_endpoint(
    networks: dict[str, dict[str, Any]],
    linkedin_fake: LinkedInFake,
    youtube_fake: YouTubeFake,
    x_fake: XFake,
) -> None:
    networks["linkedin"]["token_url"] = linkedin_fake.url + "/oauth/v2/accessToken"
    networks["youtube"]["token_url"] = youtube_fake.url + "/token"
    networks["x"]["token_url"] = x_fake.url + "/2/oauth2/token"
    for kind, fake in (
        (Network.LINKEDIN, linkedin_fake),
        (Network.YOUTUBE, youtube_fake),
        (Network.X, x_fake),
    ):
        good = AppCredentials(fake.client_id, fake.client_secret)
        assert _check(kind, good) is Outcome.VERIFIED, kind
        assert _check(kind, AppCredentials(fake.client_id, "wrong")) is Outcome.REFUSED, kind
        assert _check(kind, AppCredentials("someone-else", fake.client_secret)) is Outcome.REFUSED


def test_instagram_login_is_checked_at_the_first_connection() -> None:
    assert _check(Network.INSTAGRAM, AppCredentials("1", "s")) is Outcome.UNCHECKED


# --- what the assistant shows -----------------------------------------------------------------


def test_addresses_to_paste_use_the_configured_public_address(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    html = alice.get(_url(cast)).content.decode()
    assert f'id="redirect-uri">{PUBLIC}/networks/oauth/facebook/callback/</code>' in html
    assert f'id="webhook-url">{PUBLIC}/webhooks/meta/</code>' in html
    assert 'data-copy="redirect-uri"' in html and 'data-copy="webhook-url"' in html
    assert "testserver" not in html
    for scope in ("pages_manage_posts", "pages_read_engagement", "pages_messaging"):
        assert f"<code>{scope}</code>" in html
    assert "App Review" in html
    # Facebook gets the bytes: a home router is no obstacle to pictures.
    assert "even when this Parvis is behind a home router" in html


def test_the_sign_in_sends_the_same_redirect_uri(cast: Cast, alice: Client, meta: MetaFake) -> None:
    _save(alice, cast, meta)
    answer = alice.post(
        reverse("networks:connect_oauth", kwargs={"org": cast.org.slug}),
        {"network": "facebook"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        "redirect_uri=https%3A%2F%2Fparvis.boulangerie.example%2Fnetworks%2Foauth"
        in (answer["HX-Redirect"])
    )


def test_instagram_says_a_local_address_cannot_serve_pictures(
    cast: Cast, alice: Client, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"
    html = alice.get(_url(cast, "instagram")).content.decode()
    assert "Not reachable from the Internet" in html
    assert "Instagram cannot publish pictures from this Parvis as it is." in html


def test_accounts_page_leads_the_administrator_to_the_assistant(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    html = alice.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content
    assert _url(cast).encode() in html and b"Set up Facebook" in html


@pytest.mark.parametrize(
    ("base_url", "reach"),
    [
        ("http://127.0.0.1:8000", Reach.LOCAL),
        ("http://localhost:8000", Reach.LOCAL),
        ("https://nas", Reach.LOCAL),
        ("https://parvis.home.arpa", Reach.LOCAL),
        ("https://10.0.0.5", Reach.LOCAL),
        ("https://[::1]:8000", Reach.LOCAL),
        ("https://9.9.9.9", Reach.PUBLIC),
        ("https://parvis.invalid", Reach.UNRESOLVED),
    ],
)
def test_public_address_assessment(base_url: str, reach: Reach) -> None:
    assert assess(base_url).reach is reach
