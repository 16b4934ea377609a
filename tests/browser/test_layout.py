"""Every page of the navigation, at 390 px (a phone) and 1,366 px (a laptop), in the demo
organisation: measured (tests/browser/layout.py) and photographed.

The screenshots stay in var/screenshots/<engine>/<width>/ after the suite, for a person to look
at: the measures catch overflow and squeezed columns, not ugliness.
"""

from __future__ import annotations

import shutil

from playwright.sync_api import Browser, Page, expect

from tests.browser.layout import (
    LAPTOP,
    PHONE,
    WIDTHS,
    PageCheck,
    check_layout,
    screenshot_dir,
)
from tests.processes import IsolatedInstance


def _sign_up_and_open_the_demo(page: Page) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Votre nom").fill("Claire Fournier")
    page.get_by_label("Adresse e-mail").fill("claire@boulangerie-fournier.fr")
    page.get_by_label("Mot de passe").fill("levain-et-farine-77")
    page.get_by_role("button", name="Créer mon compte").click()
    page.goto("/")
    page.get_by_role("button", name="Découvrir la démo").click()
    expect(page.get_by_role("note")).to_contain_text("Organisation de démonstration")


def _pages_to_check(page: Page) -> list[tuple[str, str]]:
    """The navigation's pages, then the pages reached from them that a user works in."""
    menu = page.locator(".sidemenu a")
    pages = [
        (menu.nth(i).text_content() or "", menu.nth(i).get_attribute("href") or "")
        for i in range(menu.count())
    ]
    assert len(pages) >= 10, pages
    home = pages[0][1]  # /o/<slug>/
    return [(name.strip(), url) for name, url in pages] + [
        ("Nouvelle publication", f"{home}posts/new/"),
        ("Calendrier (mois)", f"{home}calendar/?view=month"),
        ("File d’attente", f"{home}queue/"),
        ("Médiathèque", f"{home}media/"),
        ("Assistant Facebook", f"{home}accounts/apps/facebook/"),  # the first user administers
        ("Comparatif", f"{home}watch/benchmark/"),
        ("Part de voix", f"{home}watch/share-of-voice/"),
        ("Veille de la semaine", f"{home}watch/digest/"),
        ("Alertes de veille", f"{home}watch/alerts/"),
        ("Veille, opportunités", f"{home}watch/?show=opportunities"),
        ("Conversation", f"{home}inbox/"),  # then its first conversation, opened below
    ]


def test_every_page_of_the_navigation_fits_a_phone_and_a_laptop(
    browser: Browser, server: IsolatedInstance
) -> None:
    shutil.rmtree(screenshot_dir(), ignore_errors=True)  # only this run's pictures stay
    first = browser.new_context(base_url=server.base_url, locale="fr-FR")
    _sign_up_and_open_the_demo(first.new_page())
    signed_in = first.storage_state()
    first.close()
    checks: list[PageCheck] = []
    for width in WIDTHS:
        context = browser.new_context(
            base_url=server.base_url,
            locale="fr-FR",
            viewport={"width": width, "height": 844 if width == PHONE else 768},
            storage_state=signed_in,
        )
        page = context.new_page()
        page.goto("/")
        if width == PHONE:
            # On a phone the menu is folded behind one button.
            expect(page.locator(".sidemenu a").first).to_be_hidden()
            page.get_by_role("button", name="Menu").click()
            expect(page.locator(".sidemenu a").first).to_be_visible()
        for name, url in _pages_to_check(page):
            page.goto(url)
            if name == "Conversation":
                page.locator(".inbox-link").first.click()
                page.wait_for_load_state("networkidle")
            checks.append(check_layout(page, name))
        context.close()
    failures = [
        f"{check.name} at {check.width} px ({check.screenshot.name}): {problem}"
        for check in checks
        for problem in check.problems
    ]
    assert {check.width for check in checks} == {PHONE, LAPTOP}
    assert not failures, "\n".join(failures)
