"""A new user in the demo inbox, in a real Chromium: the complaint and the quote request come
first, three answers from the keyboard, one assignment, the spam filed; a reply being written
survives an assignment, a label and a status change; on a phone the list comes first, then the
conversation with a way back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

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


def _nothing_typed_is_lost(page: Page) -> None:
    """A reply and a note half written stay through an assignment, a label and « Done »."""
    pane = page.locator("#pane")
    who = pane.locator("h2").first.inner_text()
    reply = "Bonjour, je vérifie le stock et je vous dis ça dans l’heure."
    note = "Client fidèle : proposer la livraison offerte."
    pane.locator("[data-reply-box]").fill(reply)
    pane.locator("[data-note-box]").fill(note)

    pane.locator("[data-assign]").select_option(label="Claire Martin")
    pane.locator("[data-assign-save]").click()
    expect(pane.locator("#conv-assign")).to_contain_text("Attribution enregistrée.")
    expect(page.locator("#inbox-list .inbox-item.selected")).to_contain_text("Claire Martin")
    pane.locator("#labels").fill("rappel")
    pane.locator("#labels").press("Enter")  # Enter saves the labels, it does not send the reply
    expect(pane.locator("#conv-labels")).to_contain_text("Étiquettes enregistrées.")
    pane.locator("[data-action-done]").click()
    expect(pane.locator("#conv-status")).to_contain_text("Marquée comme traitée.")
    expect(pane.locator("[data-conversation-status]")).to_have_text("Traitée")
    # It left the list of open conversations, but the pane stays on it: a reply is half written.
    expect(page.locator("#inbox-list")).not_to_contain_text(who)
    expect(pane.locator("h2").first).to_have_text(who)
    expect(pane.locator("[data-reply-box]")).to_have_value(reply)
    expect(pane.locator("[data-note-box]")).to_have_value(note)
    assert not pane.locator(".bubble.out").filter(has_text=reply).count()  # nothing sent

    # An empty note says why; the reply stays.
    pane.locator("[data-note-box]").fill("")
    pane.locator("[data-note-save]").click()
    expect(pane.locator("#conv-note-error")).to_have_text("Écrivez une note avant de l’ajouter.")
    expect(pane.locator("[data-reply-box]")).to_have_value(reply)
    # The reply is sent; an empty one then says why it was not.
    pane.locator("[data-send-reply]").click()
    expect(pane.locator(".bubble.out").filter(has_text=reply)).to_be_visible()
    expect(pane.locator("[data-reply-box]")).to_have_value("")
    pane.locator("[data-send-reply]").click()
    expect(pane.locator("#conv-reply-error")).to_have_text("Écrivez une réponse avant d’envoyer.")
    page.locator("body").press("Escape")


def _phone_reads_the_list_then_a_conversation(browser: Browser, page: Page, url: str) -> None:
    """At 390 px: the list, a conversation in its place, « Retour à la liste », targets of at
    least 44 px, nothing wider than the screen."""
    context = browser.new_context(
        base_url=url.split("/o/")[0],
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        has_touch=True,
        storage_state=page.context.storage_state(),
    )
    phone = context.new_page()
    try:
        phone.goto(url)
        phone.wait_for_load_state("load")
        expect(phone.locator("#inbox-list")).to_be_visible()
        expect(phone.locator("#pane")).to_be_hidden()
        first = phone.locator("#inbox-list .inbox-link").first
        who = first.locator("strong").inner_text()
        first.click()
        expect(phone.locator("#pane h2").first).to_contain_text(who)
        expect(phone.locator("#inbox-list")).to_be_hidden()
        back = phone.get_by_role("link", name="← Retour à la liste")
        expect(back).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        too_small = phone.evaluate(
            """Array.from(document.querySelectorAll(
                 '#pane button, #pane select, #pane input, #pane .btn'))
               .filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44)
               .map((e) => e.outerHTML.slice(0, 80))"""
        )
        assert too_small == []
        back.click()
        expect(phone.locator("#inbox-list")).to_be_visible()
        expect(phone.locator("#pane")).to_be_hidden()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_new_user_answers_the_demo_inbox_from_the_keyboard(
    browser: Browser,
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
    page.locator("#pane [data-assign-save]").click()
    expect(page.locator("#inbox-list .inbox-item.selected")).to_contain_text("Yann Le Goff")

    _nothing_typed_is_lost(page)

    # The spam waits in its own folder, recoverable.
    page.locator("#id_status").select_option("spam")
    expect(page.locator("#inbox-list")).to_contain_text("Boost Followers")

    # The help lists the shortcuts.
    page.locator("body").press("?")
    expect(page.locator("#inbox-help")).to_be_visible()

    _phone_reads_the_list_then_a_conversation(browser, page, page.url.split("?")[0])
