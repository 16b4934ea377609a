"""Sign-up → organisation → invitation → the invited member signs in, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.processes import IsolatedInstance


def test_sign_up_create_organisation_invite_and_the_member_joins(
    page: Page, browser: Browser, server: IsolatedInstance
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("heading", name="Créez votre compte")).to_be_visible()

    # A mistake first: the error is in French and what was typed stays.
    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Adresse e-mail").fill("jeanne@menuiserie-martin.fr")
    page.get_by_label("Mot de passe").fill("1234")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Ce mot de passe est trop court")).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value("jeanne@menuiserie-martin.fr")

    page.get_by_label("Mot de passe").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_label("Nom de l’entreprise").fill("Menuiserie Martin")
    page.get_by_role("button", name="Créer l’organisation").click()
    expect(page.get_by_role("heading", name="Menuiserie Martin")).to_be_visible()

    page.get_by_role("link", name="Membres").first.click()
    invite = page.get_by_role("form", name="Inviter quelqu’un")
    invite.get_by_label("Adresse e-mail").fill("yann@menuiserie-martin.fr")
    invite.get_by_label("Rôle").select_option("contributor")
    invite.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_text("Invitation envoyée à yann@menuiserie-martin.fr")).to_be_visible()

    # Embedded mode prints e-mails on the server's console: take the link from there.
    server.wait_until(
        lambda: "/accounts/invitations/" in server.log("parvis"), timeout=10, what="the e-mail"
    )
    link = re.search(r"http://127\.0\.0\.1:\d+/accounts/invitations/[\w-]+/", server.log("parvis"))
    assert link

    guest = browser.new_context(base_url=server.base_url).new_page()
    guest.goto(link.group(0))
    expect(guest.get_by_role("heading", name="Rejoindre Menuiserie Martin")).to_be_visible()
    expect(guest.get_by_label("Adresse e-mail")).to_have_value("yann@menuiserie-martin.fr")
    guest.get_by_label("Votre nom").fill("Yann Le Goff")
    guest.get_by_label("Mot de passe").fill("rabot-et-varlope-19")
    guest.get_by_role("button", name="Créer mon compte et rejoindre").click()
    expect(guest.get_by_text("Bienvenue chez Menuiserie Martin.")).to_be_visible()
    expect(guest.get_by_text("Contributeur")).to_be_visible()

    # Log out and sign in again, the way a member comes back the next day.
    guest.get_by_role("button", name="Se déconnecter").click()
    guest.get_by_label("Adresse e-mail").fill("yann@menuiserie-martin.fr")
    guest.get_by_label("Mot de passe").fill("rabot-et-varlope-19")
    guest.get_by_role("button", name="Se connecter").click()
    expect(guest.get_by_role("heading", name="Menuiserie Martin")).to_be_visible()

    # The owner sees the new member; then switches the interface to English.
    page.reload()
    expect(page.get_by_text("yann@menuiserie-martin.fr")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()


def test_demo_button_opens_the_demo_organisation(page: Page) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Adresse e-mail").fill("curieux@example.fr")
    page.get_by_label("Mot de passe").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.goto("/")
    page.get_by_role("button", name="Découvrir la démo").click()
    expect(page.get_by_role("heading", name="Menuiserie Martin (démo)")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Organisation de démonstration")
