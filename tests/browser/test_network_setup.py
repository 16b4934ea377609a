"""The issue's "done when": the administrator of a self-hosted Parvis (its first user) enters
the Meta app in the assistant, clicks « Vérifier », sees « Vérifié » against the Meta fake, and
saves; Facebook then offers to connect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.peers.meta_fake import MetaFake, meta_fake
from tests.processes import IsolatedInstance, isolated_instance

__all__ = ["meta_fake"]


@pytest.fixture
def server(tmp_path: Path, meta_fake: MetaFake) -> Iterator[IsolatedInstance]:  # noqa: F811
    """An embedded Parvis whose Graph API is the Meta fake, with no Meta app in its
    environment: the app can only come from the interface."""
    with isolated_instance(
        tmp_path,
        PARVIS_FACEBOOK_API_URL=meta_fake.url,
        PARVIS_FACEBOOK_ENABLED="",
        PARVIS_FACEBOOK_CLIENT_ID="",
        PARVIS_FACEBOOK_CLIENT_SECRET="",
    ) as instance:
        instance.start(
            "parvis", "run", "--bind", f"127.0.0.1:{instance.port}", "--web-workers", "1"
        )
        instance.wait_until(
            lambda: instance.health().status_code == 200, timeout=90, what="Parvis to start"
        )
        yield instance


def test_the_administrator_enters_and_verifies_the_meta_app(
    page: Page,
    meta_fake: MetaFake,  # noqa: F811
) -> None:
    page.goto("/")
    page.get_by_label("Votre nom").fill("Sophie Durand")
    page.get_by_label("Adresse e-mail").fill("sophie@boulangerie-durand.fr")
    page.get_by_label("Mot de passe").fill("levain-et-farine-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_label("Nom de l’entreprise").fill("Boulangerie Durand")
    page.get_by_role("button", name="Créer l’organisation").click()
    page.get_by_role("link", name="Comptes").first.click()

    facebook = page.get_by_role("region", name="Connecter Facebook")
    facebook.get_by_role("link", name="Configurer Facebook").click()
    expect(page.get_by_role("heading", name="Configurer l’application Facebook")).to_be_visible()
    expect(page.locator("#redirect-uri")).to_contain_text("/networks/oauth/facebook/callback/")
    expect(page.locator("#webhook-url")).to_contain_text("/webhooks/meta/")

    form = page.get_by_role("form", name="Identifiants de l’application Facebook")
    form.get_by_label("Identifiant de l’app (App ID)").fill(meta_fake.app_id)
    form.get_by_label("Clé secrète de l’app (App Secret)").fill("pas-la-bonne-cle")
    form.get_by_role("button", name="Vérifier", exact=True).click()
    expect(page.locator("#app-check")).to_contain_text("Refusé")

    form.get_by_label("Clé secrète de l’app (App Secret)").fill(meta_fake.app_secret)
    form.get_by_role("button", name="Vérifier", exact=True).click()
    verdict = page.locator("#app-check")
    expect(verdict.locator(".badge-ok")).to_have_text("Vérifié")
    expect(verdict).to_contain_text("Facebook reconnaît l’application «\u00a0Parvis Atelier\u00a0»")

    form.get_by_role("button", name="Vérifier et enregistrer").click()
    expect(page.get_by_text("L’application Facebook est enregistrée.")).to_be_visible()
    expect(page.locator("#app-state .badge-ok")).to_have_text("Vérifié")
    expect(page.get_by_text(meta_fake.app_secret)).to_have_count(0)

    page.get_by_role("link", name="Retour aux comptes").click()
    connect = page.get_by_role("region", name="Connecter Facebook")
    expect(connect.get_by_role("button", name="Connecter Facebook")).to_be_visible()
