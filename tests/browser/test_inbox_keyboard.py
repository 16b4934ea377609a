"""A new user in the demo inbox, in a real Chromium: the complaint and the quote request come
first, three answers from the keyboard, one assignment, the spam filed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.processes import IsolatedInstance

pytestmark = pytest.mark.browser


def _answer(page: Page, text: str) -> None:
    page.keyboard.press("r")
    expect(page.locator("[data-reply-box]")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#pane .bubble.out").filter(has_text=text)).to_be_visible()
    # Answered in the pane: the page did not leave the inbox for the conversation's own page.
    expect(page.locator("#inbox-list")).to_be_visible()


def test_new_user_answers_the_demo_inbox_from_the_keyboard(
    page: Page,
    server: IsolatedInstance,
) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Adresse e-mail").fill("nouvelle@example.fr")
    page.get_by_label("Mot de passe").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.goto("/")
    page.get_by_role("button", name="Découvrir la démo").click()
    page.locator('.sidemenu a[href$="/inbox/"]').click()
    expect(page).to_have_url(re.compile(r"/o/[\w-]+/inbox/$"))
    page.wait_for_load_state("load")  # the shortcuts script is deferred

    items = page.locator("#inbox-list .inbox-item")
    expect(items.nth(0)).to_contain_text("Sophie Bernard")  # the late delivery complaint
    expect(items.nth(1)).to_contain_text("Julien Moreau")  # the staircase quote request
    expect(page.locator("#inbox-list")).not_to_contain_text("Boost Followers")  # spam filed

    # 1: open the complaint with j, answer, mark it done with e.
    page.locator("body").press("j")
    expect(page.locator("#pane h2").first).to_contain_text("Sophie Bernard")
    _answer(page, "Toutes nos excuses, nous vous rappelons ce matin.")
    expect(page.locator("#pane .bubble.out .badge-demo")).to_be_visible()  # demo: not sent
    page.keyboard.press("e")
    # The next conversation opens by itself: the quote request.
    expect(page.locator("#pane h2").first).to_contain_text("Julien Moreau")
    expect(items.nth(0)).to_contain_text("Julien Moreau")

    # 2: answer the quote request, done.
    _answer(page, "Avec plaisir, pouvons-nous vous appeler pour le devis ?")
    page.keyboard.press("e")
    expect(page.locator("#pane h2").first).not_to_contain_text("Julien Moreau")

    # 3: answer the next one and assign it with a.
    _answer(page, "Merci pour votre message, nous revenons vers vous.")
    page.keyboard.press("a")
    expect(page.locator("[data-assign]")).to_be_focused()
    page.locator("[data-assign]").select_option(label="Yann Le Goff")
    page.locator('#pane form[action$="/assign/"] button[type=submit]').click()
    expect(page.locator("#inbox-list .inbox-item.selected")).to_contain_text("Yann Le Goff")

    # The spam waits in its own folder, recoverable.
    page.locator("#id_status").select_option("spam")
    expect(page.locator("#inbox-list")).to_contain_text("Boost Followers")

    # The help lists the shortcuts.
    page.locator("body").press("?")
    expect(page.locator("#inbox-help")).to_be_visible()
