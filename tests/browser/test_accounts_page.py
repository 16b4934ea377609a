"""The issue's "done when": a new user of an embedded Parvis connects a Bluesky account and a
Mastodon account against the local peers, in a real browser, and sees them connected."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.peers.bluesky import BlueskyPeer
from tests.peers.mastodon import MastodonPeer


def test_a_new_user_connects_bluesky_and_mastodon(
    page: Page, mastodon_peer: MastodonPeer, bluesky_pds: BlueskyPeer
) -> None:
    page.goto("/")
    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Adresse e-mail").fill("jeanne@menuiserie-martin.fr")
    page.get_by_label("Mot de passe").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_label("Nom de l’entreprise").fill("Menuiserie Martin")
    page.get_by_role("button", name="Créer l’organisation").click()
    # English wording from here on (the French is merged from a separate catalogue).
    page.locator("button[lang=en]").click()
    page.get_by_role("link", name="Accounts").first.click()
    expect(page.get_by_role("heading", name="No account connected yet")).to_be_visible()

    # Mastodon: the server's consent page, then back to Parvis.
    mastodon = page.get_by_role("form", name="Connect a Mastodon account")
    mastodon.get_by_label("Your Mastodon server").fill(mastodon_peer.base_url)
    mastodon.get_by_role("button", name="Connect Mastodon").click()
    # The server registers Parvis on the instance first: more than a page load.
    expect(page).to_have_url(
        re.compile(re.escape(mastodon_peer.base_url) + "/oauth/authorize"), timeout=30_000
    )
    page.get_by_role("button", name="Alice (@alice)").click()
    expect(page.get_by_text("Mastodon account @alice@127.0.0.1 is connected.")).to_be_visible()

    # Bluesky: handle and app password on the PDS.
    user = bluesky_pds.create_account("martin")
    bluesky = page.get_by_role("form", name="Connect a Bluesky account")
    bluesky.get_by_label("Handle").fill(user.handle)
    bluesky.get_by_label("App password").fill(user.app_password)
    bluesky.get_by_label("Server").fill(bluesky_pds.pds_url)
    bluesky.get_by_role("button", name="Connect Bluesky").click()
    expect(page.get_by_text(f"{user.handle} is connected.")).to_be_visible()

    cards = page.locator("li.account")
    expect(cards).to_have_count(2)
    for handle in ("@alice@127.0.0.1", user.handle):
        expect(cards.filter(has_text=handle).locator(".badge-ok")).to_have_text("Connected")
    expect(page.get_by_text(user.app_password)).to_have_count(0)
