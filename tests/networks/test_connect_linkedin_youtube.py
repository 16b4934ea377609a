"""LinkedIn organisation pages and YouTube channels through OAuth, against their fakes over
real HTTP: the sign-in, the stored account and its forecast, and the periodic refresh."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.networks.models import SocialAccount
from parvis.networks.token_refresh import account_refresh_due_tokens
from tests.conftest import Cast
from tests.networks.helpers import continue_url, follow_callback
from tests.peers.linkedin import ORG_ID, LinkedInFake, linkedin_fake  # noqa: F401 - fixture
from tests.peers.youtube import YouTubeFake, youtube_fake  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def linkedin(networks: dict[str, dict[str, Any]], linkedin_fake: LinkedInFake) -> LinkedInFake:  # noqa: F811
    networks["linkedin"].update(
        enabled=True,
        client_id=linkedin_fake.client_id,
        client_secret=linkedin_fake.client_secret,
        api_url=linkedin_fake.url,
        auth_url=linkedin_fake.url + "/oauth/v2/authorization",
        token_url=linkedin_fake.url + "/oauth/v2/accessToken",
    )
    return linkedin_fake


@pytest.fixture
def youtube(networks: dict[str, dict[str, Any]], youtube_fake: YouTubeFake) -> YouTubeFake:  # noqa: F811
    networks["youtube"].update(
        enabled=True,
        client_id=youtube_fake.client_id,
        client_secret=youtube_fake.client_secret,
        api_url=youtube_fake.url,
        auth_url=youtube_fake.url + "/o/oauth2/v2/auth",
        token_url=youtube_fake.url + "/token",
    )
    return youtube_fake


def _authorize_url(client: Client, cast: Cast, network: str) -> httpx.URL:
    url = reverse("networks:connect_oauth", kwargs={"org": cast.org.slug})
    page = client.post(url, {"network": network})
    assert page.status_code == 200
    return httpx.URL(continue_url(page.content.decode()))


def _accounts_page(client: Client, cast: Cast) -> str:
    return client.get(reverse("networks:accounts", kwargs={"org": cast.org.slug})).content.decode()


# --- LinkedIn -------------------------------------------------------------------------------------


def _linkedin_sign_in(client: Client, cast: Cast, *, drop_scope: str = "") -> httpx.URL:
    authorize = _authorize_url(client, cast, "linkedin")
    if drop_scope:  # the member refused a permission on LinkedIn's consent page
        scopes = [s for s in authorize.params["scope"].split() if s != drop_scope]
        authorize = authorize.copy_set_param("scope", " ".join(scopes))
    answer = httpx.get(authorize, timeout=10)  # the fake's consent page answers at once
    assert answer.status_code == 302, answer.text
    return follow_callback(client, answer.headers["location"])


def test_connect_a_linkedin_page_then_refresh_ahead_of_the_60_day_end(
    cast: Cast, alice: Client, linkedin: LinkedInFake
) -> None:
    back = _linkedin_sign_in(alice, cast)
    assert back.path == reverse("networks:accounts", kwargs={"org": cast.org.slug})

    account = SocialAccount.objects.get()
    assert (account.kind, account.remote_id, account.handle) == (
        "linkedin",
        ORG_ID,
        "atelier-parvis",
    )
    assert account.url == "https://www.linkedin.com/company/atelier-parvis/"
    assert account.refresh_token and account.token_expires_at and account.refresh_expires_at
    now = timezone.now()
    assert timedelta(days=59) < account.token_expires_at - now <= timedelta(days=60)
    assert timedelta(days=364) < account.refresh_expires_at - now <= timedelta(days=365)
    # The forecast is the refresh token's life: a year, not the access token's 60 days.
    html = _accounts_page(alice, cast)
    assert f'id="account-{account.pk}" data-state="connected"' in html
    assert "connection valid for 364 more days" in html

    eight = account.token_expires_at - timedelta(days=8)
    assert account_refresh_due_tokens(now=eight).refreshed == 0
    six = account.token_expires_at - timedelta(days=6)
    assert account_refresh_due_tokens(now=six).refreshed == 1
    fresh = SocialAccount.objects.get()
    assert fresh.access_token != account.access_token
    assert fresh.refresh_token == account.refresh_token  # LinkedIn keeps it...
    assert fresh.refresh_expires_at == account.refresh_expires_at  # ...and its end date
    assert fresh.connector().account_info().remote_id == ORG_ID  # the new token works


SECOND_ORG = "2414183"


def _two_organisations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The member administers a second page (the fake knows one): its ACL and lookup answers."""
    from tests.peers.linkedin import routes

    acls, organization = routes.ROUTES[("GET", "organizationAcls", 1)], routes.organization

    def two_acls(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Any:
        status, headers, raw = acls(fake, seg, params, body)
        payload = json.loads(raw)
        second = {**payload["elements"][0], "organization": f"urn:li:organization:{SECOND_ORG}"}
        payload["elements"].append(second)
        payload["paging"]["total"] = 2
        return status, headers, json.dumps(payload).encode()

    def second_page(fake: LinkedInFake, seg: list[str], params: Any, body: Any) -> Any:
        if seg[1] != SECOND_ORG:
            return organization(fake, seg, params, body)
        page = {"id": int(SECOND_ORG), "localizedName": "Parvis Formation", "vanityName": ""}
        return 200, {"Content-Type": "application/json"}, json.dumps(page).encode()

    monkeypatch.setitem(routes.ROUTES, ("GET", "organizationAcls", 1), two_acls)
    monkeypatch.setitem(routes.ROUTES, ("GET", "organizations", 2), second_page)


def test_a_member_of_two_linkedin_pages_picks_which_to_connect(
    cast: Cast, alice: Client, linkedin: LinkedInFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_organisations(monkeypatch)
    choose = _linkedin_sign_in(alice, cast)
    assert "/accounts/choose/" in choose.path
    html = alice.get(choose.path).content.decode()
    assert "<strong>Atelier Parvis</strong>" in html and "atelier-parvis" in html
    assert "<strong>Parvis Formation</strong>" in html
    assert f'value="linkedin:{ORG_ID}" checked' in html
    assert f'value="linkedin:{SECOND_ORG}" checked' in html
    assert "Instagram" not in html

    alice.post(choose.path, {"chosen": [f"linkedin:{SECOND_ORG}"]})
    account = SocialAccount.objects.get()
    assert (account.remote_id, account.handle, account.display_name) == (
        SECOND_ORG,
        SECOND_ORG,
        "Parvis Formation",
    )
    assert account.refresh_expires_at is not None and account.refresh_token


def test_a_linkedin_refresh_token_near_its_end_asks_to_reconnect(
    cast: Cast, alice: Client, linkedin: LinkedInFake
) -> None:
    _linkedin_sign_in(alice, cast)
    account = SocialAccount.objects.get()
    account.refresh_expires_at = timezone.now() + timedelta(days=3, hours=1)
    account.save(update_fields=["refresh_expires_at"])
    html = _accounts_page(alice, cast)
    assert f'id="account-{account.pk}" data-state="expiring"' in html
    assert "Expires in 3 days" in html and ">Reconnect<" in html


def test_a_linkedin_member_without_the_admin_permission_connects_nothing(
    cast: Cast, alice: Client, linkedin: LinkedInFake
) -> None:
    back = _linkedin_sign_in(alice, cast, drop_scope="rw_organization_admin")
    assert back.path == reverse("networks:accounts", kwargs={"org": cast.org.slug})
    assert not SocialAccount.objects.exists()
    page = alice.get(back.path).content.decode()
    assert '<li class="message error" role="status">' in page


# --- YouTube --------------------------------------------------------------------------------------


def _youtube_sign_in(client: Client, cast: Cast, fake: YouTubeFake) -> httpx.QueryParams:
    """Click Connect, then do what Google's consent page does; returns the authorize query."""
    params = _authorize_url(client, cast, "youtube").params
    scopes = set(params["scope"].split())
    code = fake.new_code(params["redirect_uri"], params["code_challenge"], scopes)
    callback = httpx.URL(params["redirect_uri"]).copy_merge_params(
        {"code": code, "state": params["state"]}
    )
    follow_callback(client, str(callback))
    return params


def test_connect_a_youtube_channel_with_offline_access_then_refresh(
    cast: Cast, alice: Client, youtube: YouTubeFake
) -> None:
    params = _youtube_sign_in(alice, cast, youtube)
    assert (params["access_type"], params["prompt"]) == ("offline", "consent")
    assert params["code_challenge_method"] == "S256"

    account = SocialAccount.objects.get()
    assert (account.kind, account.remote_id, account.handle, account.display_name) == (
        "youtube",
        youtube.channel_id,
        "@atelierparvis",
        "Atelier Parvis",
    )
    assert account.refresh_token.startswith("1//") and account.refresh_expires_at is None
    html = _accounts_page(alice, cast)
    assert f'id="account-{account.pk}" data-state="connected"' in html
    assert "renewed automatically" in html

    assert account.token_expires_at is not None
    assert account_refresh_due_tokens().refreshed == 0  # an hour left: not yet
    later = account.token_expires_at - timedelta(minutes=20)
    assert account_refresh_due_tokens(now=later).refreshed == 1
    fresh = SocialAccount.objects.get()
    assert fresh.access_token != account.access_token
    assert fresh.refresh_token == account.refresh_token  # Google does not rotate it
    assert fresh.connector().account_info().remote_id == youtube.channel_id


def test_a_revoked_youtube_refresh_token_asks_to_reconnect(
    cast: Cast, alice: Client, youtube: YouTubeFake
) -> None:
    _youtube_sign_in(alice, cast, youtube)
    account = SocialAccount.objects.get()
    youtube.refresh_tokens.clear()  # the user removed Parvis from their Google account
    report = account_refresh_due_tokens(now=account.token_expires_at)
    assert (report.refreshed, report.failed) == (0, 1)
    html = _accounts_page(alice, cast)
    assert f'id="account-{account.pk}" data-state="reconnect"' in html
