"""Facebook Pages (and their Instagram accounts) through Facebook Login, and Instagram through
Business Login for Instagram, against the Meta Graph fake over real HTTP: the sign-in, the
page picker, the stored (encrypted) accounts, the page's forecast, and the periodic refresh
of Instagram Login tokens ahead of their 60-day end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parvis.core.public_url import public_url
from parvis.networks.errors import AuthExpired
from parvis.networks.models import OAuthState, SocialAccount
from parvis.networks.services import account_record_error
from parvis.networks.token_refresh import account_refresh_due_tokens
from tests.conftest import Cast, english_client
from tests.networks.helpers import continue_url
from tests.peers.meta_fake import MetaFake, meta_fake  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def meta(networks: dict[str, dict[str, Any]], meta_fake: MetaFake) -> MetaFake:  # noqa: F811
    """Both Meta networks pointed at the fake (one app, as in a Meta app with both products)."""
    for kind in ("facebook", "instagram"):
        networks[kind].update(
            enabled=True,
            client_id=meta_fake.app_id,
            client_secret=meta_fake.app_secret,
            api_url=meta_fake.url,
            auth_url=meta_fake.url + f"/dialog/{kind}",
            token_url=meta_fake.url + "/oauth/access_token" if kind == "instagram" else "",
        )
    return meta_fake


def _accounts_url(cast: Cast) -> str:
    return reverse("networks:accounts", kwargs={"org": cast.org.slug})


def _sign_in(client: Client, cast: Cast, fake: MetaFake, network: str) -> httpx.URL:
    """Click Connect, then do what Meta's login dialog does: send a code back to Parvis."""
    page = client.post(
        reverse("networks:connect_oauth", kwargs={"org": cast.org.slug}), {"network": network}
    )
    assert page.status_code == 200
    authorize = httpx.URL(continue_url(page.content.decode()))
    assert authorize.params["client_id"] == fake.app_id
    redirect_uri = authorize.params["redirect_uri"]
    assert redirect_uri == public_url(f"/networks/oauth/{network}/callback/")
    code = fake.new_code(network, redirect_uri)
    return httpx.URL(redirect_uri).copy_merge_params(
        {"code": code, "state": authorize.params["state"]}
    )


def _callback(client: Client, back: httpx.URL) -> str:
    response = client.get(back.path, dict(back.params.items()))
    assert response.status_code == 302, response.content[:2000]
    return str(response["Location"])


def _raw_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM networks_socialaccount ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_connect_a_page_and_its_instagram_account(
    cast: Cast, alice: Client, meta: MetaFake, networks: dict[str, dict[str, Any]]
) -> None:
    before = alice.get(_accounts_url(cast)).content.decode()
    assert "You then choose which Pages to connect" in before
    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))
    assert "/accounts/choose/" in choose_url
    assert not SocialAccount.objects.exists()  # nothing before the user chooses

    picker = alice.get(choose_url)
    assert picker.status_code == 200
    html = picker.content.decode()
    assert "Atelier Parvis" in html and "Artisan" in html and "You can publish" in html
    assert "Also connect its Instagram account @atelier_parvis" in html
    assert f'value="facebook:{meta.page_id}" checked' in html
    attempt = OAuthState.objects.get()
    assert meta.page_token()[:6] not in html  # tokens are never on the page
    assert attempt.candidates and meta.page_id in attempt.candidates

    chosen = [f"facebook:{meta.page_id}", f"instagram:{meta.ig_user_id}"]
    response = alice.post(choose_url, {"chosen": chosen}, follow=True)
    assert response.redirect_chain == [(_accounts_url(cast), 302)]
    assert "Connected: Atelier Parvis, atelier_parvis." in response.content.decode()

    page = SocialAccount.objects.get(kind="facebook")
    instagram = SocialAccount.objects.get(kind="instagram")
    assert (page.remote_id, page.handle, page.token_expires_at) == (
        meta.page_id,
        "Atelier Parvis",
        None,
    )
    assert (instagram.remote_id, instagram.handle) == (meta.ig_user_id, "atelier_parvis")
    assert instagram.api_base_url == meta.url
    assert instagram.config == {"login": "facebook", "page_id": meta.page_id}
    assert instagram.access_token == page.access_token  # the Page token serves both
    assert page.connected_by == cast.alice and page.organisation == cast.org

    # Stored encrypted: the column holds Fernet ciphertext, not the token.
    for raw in _raw_tokens():
        assert raw.startswith("gAAAAA") and page.access_token not in raw

    # The stored tokens work against Graph, signed with the Facebook app's secret even for the
    # Instagram account (its Page token is the Facebook app's, whatever Instagram Login uses).
    networks["instagram"]["client_secret"] = "the-instagram-login-app-secret"
    assert page.connector().account_info().remote_id == meta.page_id
    assert instagram.connector().account_info().handle == "atelier_parvis"

    # The attempt is spent: its candidates (and their tokens) are gone; it cannot be replayed.
    attempt.refresh_from_db()
    assert attempt.candidates == "" and attempt.chosen_at is not None
    again = alice.post(choose_url, {"chosen": chosen}, follow=True)
    assert "This connection attempt has expired" in again.content.decode()

    accounts_page = alice.get(_accounts_url(cast)).content.decode()
    assert f'id="account-{page.pk}" data-state="connected"' in accounts_page
    assert f'id="account-{instagram.pk}" data-state="connected"' in accounts_page
    assert accounts_page.count("does not expire") == 2


def test_only_the_ticked_accounts_are_connected_and_the_choice_is_the_signers(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))

    # Bob, even promoted to manager, cannot use Alice's sign-in; a contributor is refused.
    assert english_client(cast.bob).get(choose_url).status_code == 403
    cast.bob_membership.role = "manager"
    cast.bob_membership.save(update_fields=["role"])
    assert english_client(cast.bob).post(choose_url, {"chosen": ["x"]}).status_code == 404

    nothing = alice.post(choose_url, {})
    assert nothing.status_code == 400
    assert "Tick at least one account to connect." in nothing.content.decode()
    unknown = alice.post(choose_url, {"chosen": ["facebook:999"]})
    assert unknown.status_code == 400 and not SocialAccount.objects.exists()

    alice.post(choose_url, {"chosen": [f"instagram:{meta.ig_user_id}"]})
    assert list(SocialAccount.objects.values_list("kind", flat=True)) == ["instagram"]


def test_connect_nothing_forgets_the_candidates(cast: Cast, alice: Client, meta: MetaFake) -> None:
    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))
    response = alice.post(choose_url, {"abandon": "1"}, follow=True)
    assert "Nothing was connected." in response.content.decode()
    assert OAuthState.objects.get().candidates == ""
    assert not SocialAccount.objects.exists()


def test_an_abandoned_choice_expires_and_its_tokens_are_purged(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    from parvis.networks.token_refresh import oauth_states_purge

    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))
    OAuthState.objects.update(used_at=timezone.now() - timedelta(minutes=16))
    response = alice.get(choose_url, follow=True)
    assert "This connection attempt has expired" in response.content.decode()
    oauth_states_purge()
    assert OAuthState.objects.get().candidates == ""


def test_a_page_the_user_cannot_publish_on_is_shown_unticked(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    meta.page.data["tasks"] = ["ANALYZE", "MODERATE"]
    meta.page.data.pop("instagram_business_account")
    html = alice.get(_callback(alice, _sign_in(alice, cast, meta, "facebook"))).content.decode()
    assert "You cannot publish" in html
    assert f'value="facebook:{meta.page_id}">' in html  # not checked
    assert "No Instagram professional account is linked to this Page." in html


def test_a_page_token_from_a_short_lived_user_token_says_when_it_ends(
    cast: Cast, alice: Client, meta: MetaFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should Meta refuse the long-lived exchange, /me/accounts gives Page tokens that die
    with the user token (the fake does so): the forecast must not say "does not expire"."""
    from parvis.networks.contracts import TokenSet
    from parvis.networks.meta import login

    def no_exchange(http: Any, app: Any, short_token: str, **options: Any) -> TokenSet:
        return TokenSet(short_token, expires_at=timezone.now() + timedelta(hours=2))

    monkeypatch.setattr(login, "long_lived_token", no_exchange)
    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))
    alice.post(choose_url, {"chosen": [f"facebook:{meta.page_id}"]})
    page = SocialAccount.objects.get()
    assert page.token_expires_at is not None
    assert page.token_expires_at - timezone.now() <= timedelta(hours=2)
    html = alice.get(_accounts_url(cast)).content.decode()
    assert f'id="account-{page.pk}" data-state="expiring"' in html
    assert "Expires in 0 days" in html and "does not expire" not in html


def test_a_profile_without_pages_connects_nothing(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    meta.page.data["admins"] = []
    back = _sign_in(alice, cast, meta, "facebook")
    response = alice.get(back.path, dict(back.params.items()), follow=True)
    assert "manages no Page" in response.content.decode()
    assert not SocialAccount.objects.exists() and OAuthState.objects.get().candidates == ""


def test_a_refused_dialog_and_a_replayed_code_connect_nothing(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    back = _sign_in(alice, cast, meta, "facebook")
    refused = alice.get(
        back.path, {"state": back.params["state"], "error": "access_denied"}, follow=True
    )
    assert "Facebook did not give access (access_denied)" in refused.content.decode()
    replay = alice.get(back.path, dict(back.params.items()), follow=True)
    assert "This connection attempt has expired or is not yours" in replay.content.decode()
    assert not SocialAccount.objects.exists()


def test_a_revoked_page_token_asks_to_reconnect_through_facebook(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    choose_url = _callback(alice, _sign_in(alice, cast, meta, "facebook"))
    alice.post(choose_url, {"chosen": [f"instagram:{meta.ig_user_id}"]})
    instagram = SocialAccount.objects.get()
    meta.revoke_tokens()  # the admin changed their password
    with pytest.raises(AuthExpired) as caught:
        instagram.connector().account_info()
    account_record_error(account=instagram, error=caught.value)

    html = alice.get(_accounts_url(cast)).content.decode()
    assert f'id="account-{instagram.pk}" data-state="reconnect"' in html
    # Its token came from the Facebook Page: reconnecting goes through Facebook Login.
    assert '<input type="hidden" name="network" value="facebook">' in html
    # Page tokens have no end: the refresh job never touches them.
    assert account_refresh_due_tokens(now=timezone.now() + timedelta(days=400)).refreshed == 0


# --- Business Login for Instagram ---------------------------------------------------------------


def test_instagram_login_then_refresh_ahead_of_the_60_day_end(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    back = _sign_in(alice, cast, meta, "instagram")
    assert _callback(alice, back) == _accounts_url(cast)  # one account: connected at once

    account = SocialAccount.objects.get()
    assert (account.kind, account.remote_id, account.handle) == (
        "instagram",
        meta.ig_user_id,
        "atelier_parvis",
    )
    assert account.config == {"login": "instagram"} and account.refresh_token == ""
    assert account.token_expires_at is not None
    left = account.token_expires_at - timezone.now()
    assert timedelta(days=59) < left <= timedelta(days=60)
    html = alice.get(_accounts_url(cast)).content.decode()
    assert "connection valid for 59 more days" in html and "Parvis renews it before then" in html

    # Eight days before the end: not yet. Six days before: renewed with ig_refresh_token.
    eight = account.token_expires_at - timedelta(days=8)
    assert account_refresh_due_tokens(now=eight).refreshed == 0
    six = account.token_expires_at - timedelta(days=6)
    meta.advance((six - timezone.now()).total_seconds())
    report = account_refresh_due_tokens(now=six)
    assert (report.refreshed, report.failed) == (1, 0)
    assert ("GET", "/refresh_access_token") in meta.requests
    fresh = SocialAccount.objects.get()
    assert fresh.access_token != account.access_token
    assert fresh.token_expires_at is not None and fresh.token_expires_at > account.token_expires_at
    assert fresh.connector().account_info().remote_id == meta.ig_user_id  # the new one works
    assert account_refresh_due_tokens(now=six).refreshed == 0  # not due any more


def test_an_expired_instagram_token_cannot_be_renewed_and_asks_to_reconnect(
    cast: Cast, alice: Client, meta: MetaFake
) -> None:
    _callback(alice, _sign_in(alice, cast, meta, "instagram"))
    account = SocialAccount.objects.get()
    meta.expire_tokens()  # Parvis was stopped for two months
    report = account_refresh_due_tokens(now=account.token_expires_at)
    assert (report.refreshed, report.failed) == (0, 1)
    account.refresh_from_db()
    assert account.status == SocialAccount.Status.RECONNECT
    html = alice.get(_accounts_url(cast)).content.decode()
    assert f'id="account-{account.pk}" data-state="reconnect"' in html
    assert '<input type="hidden" name="network" value="instagram">' in html


def test_instagram_login_with_a_wrong_app_secret_explains_and_connects_nothing(
    cast: Cast, alice: Client, meta: MetaFake, networks: dict[str, dict[str, Any]]
) -> None:
    back = _sign_in(alice, cast, meta, "instagram")
    networks["instagram"]["client_secret"] = "not-the-secret"
    response = alice.get(back.path, dict(back.params.items()), follow=True)
    assert response.redirect_chain[-1][0] == _accounts_url(cast)
    assert '<li class="message error" role="status">' in response.content.decode()
    assert not SocialAccount.objects.exists()
