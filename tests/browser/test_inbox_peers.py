"""The inbox issue's "done when" on the local peers, in a real Chromium against a real
``parvis run``: a new user connects an X account (X fake) and a Mastodon account
(mastodon-mock), real people write to them there, « Check now » brings the messages in, the
complaint and the quote request come first, three answers from the keyboard reach the
networks (each exactly once), one conversation is assigned, and the spam that arrives later is
read by the schedule alone (``PARVIS_INBOX_POLL_INTERVAL``) and filed in the spam folder."""

from __future__ import annotations

import html
import json
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.peers.mastodon import MastodonAccount, MastodonPeer, mastodon_peer  # noqa: F401
from tests.peers.x_fake import XFake, x_fake  # noqa: F401 - fixture
from tests.processes import ROOT, IsolatedInstance

pytestmark = [pytest.mark.browser, pytest.mark.peer]

# Seconds between two scheduled readings of every account: low, so that a message posted
# while the user works arrives without anyone asking.
POLL_INTERVAL = "5"
WORKER_DEADLINE_S = 90  # as long as the list follows a check; the machine may be loaded

COMPLAINT = (
    "@parvis_test Ma commande n° 4521 devait être livrée la semaine dernière et je n’ai aucune "
    "nouvelle. C’est inadmissible, personne ne répond au téléphone !"
)
QUOTE = (
    "@parvis_test Bonjour, je voudrais un devis pour un escalier en chêne quart tournant, "
    "environ 14 marches, pour une maison à Rennes. Quels sont vos délais ?"
)
SPAM = "@parvis_test Gagnez 10 000 abonnés en 24 h !!! Cliquez ici http://bit.ly/abonnes-gratuits"
QUESTION = "Bonjour, vous êtes ouverts le samedi matin ? Je voudrais voir les échantillons."

ANSWER_COMPLAINT = "Toutes nos excuses, nous vous rappelons ce matin pour la livraison."
ANSWER_QUOTE = "Avec plaisir, pouvons-nous vous appeler demain pour le devis ?"
ANSWER_QUESTION = "Oui, de 9 h à 12 h le samedi, nous vous attendons."


@pytest.fixture(autouse=True)
def _frequent_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Autouse, so it runs before the ``server`` fixture, whose ``IsolatedInstance`` copies
    this process's environment into the real ``parvis run`` (its scheduler reads it)."""
    monkeypatch.setenv("PARVIS_INBOX_POLL_INTERVAL", POLL_INTERVAL)


@dataclass
class MastodonSide:
    peer: MastodonPeer
    ours: MastodonAccount  # the organisation's account
    ours_id: str
    asker: MastodonAccount

    def statuses_of_ours(self) -> list[dict[str, object]]:
        answer = httpx.get(
            f"{self.peer.base_url}/api/v1/accounts/{self.ours_id}/statuses",
            params={"limit": 40},
            timeout=10,
        )
        answer.raise_for_status()
        statuses: list[dict[str, object]] = answer.json()
        return statuses


def _verify(peer: MastodonPeer, account: MastodonAccount) -> dict[str, object]:
    answer = httpx.get(
        f"{peer.base_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {account.access_token}"},
        timeout=10,
    )
    answer.raise_for_status()
    who: dict[str, object] = answer.json()
    return who


def mastodon_side(peer: MastodonPeer) -> MastodonSide:
    """Two fresh accounts on the session's mastodon-mock (other tests use alice and bob)."""
    suffix = secrets.token_hex(3)
    ours = peer.create_account(f"menuiserie_{suffix}")
    asker = peer.create_account(f"marie_{suffix}")
    return MastodonSide(peer, ours, str(_verify(peer, ours)["id"]), asker)


def seed(instance: IsolatedInstance, x: XFake, mastodon: MastodonSide) -> None:
    """Connect both accounts to the user's organisation, standing in for the OAuth steps."""
    accounts = [
        {
            "kind": "x",
            "remote_id": x.me,
            "handle": "parvis_test",
            "access_token": x.issue_tokens()["access_token"],
            "api_base_url": x.url,
        },
        {
            "kind": "mastodon",
            "remote_id": mastodon.ours_id,
            "handle": f"@{mastodon.ours.username}@127.0.0.1",
            "access_token": mastodon.ours.access_token,
            "api_base_url": mastodon.peer.base_url,
        },
    ]
    spec = json.dumps({"timezone": "Europe/Paris", "accounts": accounts})
    subprocess.run(
        [sys.executable, "-m", "tests.publishing.ui.seed_peers", spec],
        env=instance.env,
        cwd=ROOT,
        check=True,
    )


def post_on_mastodon(side: MastodonSide, text: str) -> str:
    answer = httpx.post(
        f"{side.peer.base_url}/api/v1/statuses",
        headers={"Authorization": f"Bearer {side.asker.access_token}"},
        data={"status": f"@{side.ours.username} {text}"},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def plain(content: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(content)))


def answer(page: Page, text: str) -> str:
    """Reply from the keyboard; the page shows the reply as sent on the network (not demo).
    Returns the reply's link on the network."""
    page.keyboard.press("r")
    expect(page.locator("[data-reply-box]")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Control+Enter")
    bubble = page.locator("#pane .bubble.out").filter(has_text=text)
    expect(bubble).to_be_visible()
    expect(page.locator("#pane")).to_contain_text("Reply sent.")
    expect(bubble.locator("[data-sent]")).to_have_text("Sent")
    expect(bubble.locator(".badge-demo")).to_have_count(0)
    link = bubble.get_by_role("link", name="see on the network")
    expect(link).to_be_visible()
    return str(link.get_attribute("href"))


def test_new_user_answers_the_local_networks_from_the_keyboard(
    page: Page,
    server: IsolatedInstance,  # noqa: F811
    x_fake: XFake,  # noqa: F811
    mastodon_peer: MastodonPeer,  # noqa: F811
) -> None:
    page.goto("/")
    page.get_by_label("Votre nom").fill("Jeanne Martin")
    page.get_by_label("Adresse e-mail").fill("jeanne@menuiserie-martin.fr")
    page.get_by_label("Mot de passe").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_label("Nom de l’entreprise").fill("Menuiserie Martin")
    page.get_by_role("button", name="Créer l’organisation").click()
    page.locator("button[lang=en]").click()

    # Real people write to the company on the networks.
    x_fake.add_user("sophie_bernard", "Sophie Bernard")
    x_fake.add_user("julien_moreau", "Julien Moreau")
    complaint_id = x_fake.add_mention("sophie_bernard", COMPLAINT)
    quote_id = x_fake.add_mention("julien_moreau", QUOTE)
    mastodon = mastodon_side(mastodon_peer)
    question_id = post_on_mastodon(mastodon, QUESTION)
    seed(server, x_fake, mastodon)

    # The inbox: « Check now » has the worker read both accounts at once.
    page.locator('.sidemenu a[href$="/inbox/"]').click()
    expect(page).to_have_url(re.compile(r"/o/[\w-]+/inbox/$"))
    page.wait_for_load_state("load")  # the shortcuts script is deferred
    page.get_by_role("button", name="Check now").click()
    expect(page.locator("#inbox-check-status")).to_contain_text(
        "Checking your 2 accounts now: new messages will appear here in a moment."
    )
    # The list follows by itself: no reload. Complaint and quote request first.
    items = page.locator("#inbox-list .inbox-item")
    expect(items).to_have_count(3, timeout=WORKER_DEADLINE_S * 1000)
    expect(items.nth(0)).to_contain_text("Sophie Bernard")
    expect(items.nth(0)).to_contain_text("Complaint")
    expect(items.nth(1)).to_contain_text("Julien Moreau")
    expect(items.nth(1)).to_contain_text("Purchase intent")
    expect(items.nth(2)).to_contain_text("samedi matin")
    expect(items.nth(2)).to_contain_text("Mastodon")

    # Meanwhile a spammer writes: nobody asks, the schedule reads it.
    spam_id = x_fake.add_mention("boost_followers", SPAM)

    # 1: open the complaint with j, answer, mark it done with e.
    page.locator("body").press("j")
    expect(page.locator("#pane h2").first).to_contain_text("Sophie Bernard")
    complaint_link = answer(page, ANSWER_COMPLAINT)
    page.keyboard.press("e")
    # The next conversation opens by itself: the quote request.
    expect(page.locator("#pane h2").first).to_contain_text("Julien Moreau")
    expect(items.nth(0)).to_contain_text("Julien Moreau")

    # 2: answer the quote request, done.
    quote_link = answer(page, ANSWER_QUOTE)
    page.keyboard.press("e")
    expect(page.locator("#pane")).to_contain_text("samedi matin")

    # 3: answer the Mastodon question and assign it with a.
    question_link = answer(page, ANSWER_QUESTION)
    page.keyboard.press("a")
    expect(page.locator("[data-assign]")).to_be_focused()
    page.locator("[data-assign]").select_option(label="Jeanne Martin")
    page.locator("#pane [data-assign-save]").click()
    expect(page.locator("#inbox-list .inbox-item.selected")).to_contain_text(
        "assigned to Jeanne Martin"
    )

    # The spam waits in its own folder, recoverable.
    page.locator("#id_status").select_option("spam")
    expect(page).to_have_url(re.compile(r"status=spam"))  # reloads below keep the folder
    spam_folder = page.locator("#inbox-list")
    deadline = time.monotonic() + WORKER_DEADLINE_S
    while "abonnés" not in spam_folder.inner_text() and time.monotonic() < deadline:
        page.wait_for_timeout(2000)
        page.reload()
    expect(page).to_have_url(re.compile(r"status=spam"))
    expect(spam_folder.locator(".inbox-item")).to_have_count(1)
    expect(spam_folder).to_contain_text("abonnés")
    expect(spam_folder).to_contain_text("Spam")
    # Never in the open list, where only the assigned question is left to finish.
    page.locator("#id_status").select_option("open")
    expect(page.locator("#inbox-list .inbox-item")).to_have_count(1)
    expect(page.locator("#inbox-list")).to_contain_text("assigned to Jeanne Martin")
    expect(page.locator("#inbox-list")).not_to_contain_text("abonnés")

    # The replies are on the networks, each exactly once, answering the right message.
    on_x = {p.replied_to: p for p in x_fake.own_posts()}
    assert len(x_fake.own_posts()) == 2, [p.text for p in x_fake.own_posts()]
    assert on_x[complaint_id].text == ANSWER_COMPLAINT
    assert on_x[quote_id].text == ANSWER_QUOTE
    assert spam_id not in on_x
    assert complaint_link == f"https://x.com/i/web/status/{on_x[complaint_id].id}"
    assert quote_link == f"https://x.com/i/web/status/{on_x[quote_id].id}"
    ours = mastodon.statuses_of_ours()
    assert len(ours) == 1, ours
    assert str(ours[0]["in_reply_to_id"]) == question_id
    # Mastodon notifies only whom a status mentions: the answer names the person it answers.
    assert plain(ours[0]["content"]) == f"@{mastodon.asker.username} {ANSWER_QUESTION}"
    assert question_link == ours[0]["url"]
