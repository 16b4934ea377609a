"""A new user's strategy journey in a real browser, against a real ``parvis run``: diagnostic
(paused and resumed), result, plan, "My week", a ticked task, a post written from a suggested
idea and published by the real worker on a local Mastodon (mastodon-mock), and the alignment
score on "My week" moving because of it.

The interface is switched to English: the questions, answers and advice come from the
engine in the reader's language, so the answers are chosen by what the user reads.

The scheduler's alignment sweep is set an hour apart, longer than the test: the score can only
move because publishing the post asks for it (``parvis.strategy.signals``).
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.peers.mastodon import MastodonPeer, mastodon_peer  # noqa: F401 - fixture
from tests.processes import ROOT, IsolatedInstance, isolated_instance

ZONE = ZoneInfo("Europe/Paris")
# Time to fill the composer before the planned minute comes.
LEAD = timedelta(seconds=75)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IsolatedInstance]:
    """A real embedded Parvis whose periodic alignment sweep does not come during the test."""
    with isolated_instance(tmp_path, PARVIS_ALIGNMENT_INTERVAL="3600") as instance:
        instance.start(
            "parvis", "run", "--bind", f"127.0.0.1:{instance.port}", "--web-workers", "1"
        )
        instance.wait_until(
            lambda: instance.health().status_code == 200, timeout=90, what="Parvis to start"
        )
        yield instance


def connect_mastodon(instance: IsolatedInstance, peer: MastodonPeer) -> tuple[str, str]:
    """A fresh account on the local Mastodon, connected to the organisation the way the
    publishing journey does it (``seed_peers``, standing in for the OAuth steps). Returns the
    handle shown in Parvis and the account's id on the peer."""
    account = peer.create_account(f"jeanne{secrets.token_hex(3)}")
    who = httpx.get(
        f"{peer.base_url}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {account.access_token}"},
        timeout=10,
    ).json()
    handle = f"@{account.username}@127.0.0.1"
    spec = {
        "timezone": ZONE.key,
        "accounts": [
            {
                "kind": "mastodon",
                "remote_id": str(who["id"]),
                "handle": handle,
                "access_token": account.access_token,
                "api_base_url": peer.base_url,
            }
        ],
    }
    subprocess.run(
        [sys.executable, "-m", "tests.publishing.ui.seed_peers", json.dumps(spec)],
        env=instance.env,
        cwd=ROOT,
        check=True,
    )
    return handle, str(who["id"])


def question(page: Page, label: str) -> Locator:
    """A question of the diagnostic, found by the words the user reads."""
    return page.get_by_role("group", name=label)


def answer(page: Page, label: str, choice: str) -> None:
    question(page, label).get_by_label(choice, exact=True).check()


def test_a_new_user_follows_the_week_publishes_an_idea_and_sees_the_score_move(
    page: Page,
    server: IsolatedInstance,
    mastodon_peer: MastodonPeer,  # noqa: F811
) -> None:
    # On a phone, as the owner of a small company does it between two customers.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Your name").fill("Jeanne Martin")
    page.get_by_label("E-mail address").fill("jeanne@menuiserie-martin.fr")
    page.get_by_label("Password").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_label("Company name").fill("Menuiserie Martin")
    page.get_by_role("button", name="Create the organisation").click()
    expect(page.get_by_role("heading", name="Menuiserie Martin")).to_be_visible()
    handle, remote_id = connect_mastodon(server, mastodon_peer)

    # Without a plan, the home page starts with the diagnostic.
    expect(page.get_by_role("heading", name="Start with a 10-minute diagnostic")).to_be_visible()
    page.get_by_role("link", name="Take the diagnostic").click()
    page.get_by_role("button", name="Start the diagnostic").click()

    # Step 1: the company, in English.
    expect(page.get_by_role("heading", name="Your company")).to_be_visible()
    answer(page, "How many people work in the company?", "10 to 19 people")
    answer(page, "What is your sector?", "Joinery, building crafts")
    question(page, "What share of your turnover comes from other businesses?").get_by_role(
        "textbox"
    ).fill("30")
    answer(page, "Do you have a website?", "A showcase website")
    page.get_by_role("button", name="Next step").click()

    # Step 2: presence; then the leader is interrupted and pauses.
    grid = question(page, "Where do you stand on each network?")
    for network in ("Instagram", "LinkedIn", "X", "YouTube", "Bluesky", "Mastodon"):
        grid.get_by_label(network, exact=True).select_option(label="No account")
    grid.get_by_label("Facebook", exact=True).select_option(label="A few posts a month")
    answer(page, "how do you rate the company’s activity", "Not very active")
    answer(page, "Compared with your competitors", "Behind")
    answer(page, "Are you personally active on social networks", "No")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("heading", name="Diagnostic paused")).to_be_visible()
    expect(page.get_by_text("8 of 19 questions answered.")).to_be_visible()

    # Resuming shows the answers given so far, each one editable, then the next step; a
    # duration that cannot be read is explained and kept out.
    page.get_by_role("link", name="Resume the diagnostic").click()
    expect(page.get_by_role("heading", name="Your answers so far")).to_be_visible()
    expect(page.locator("#recap-q-sector")).to_contain_text("Joinery, building crafts")
    expect(page.locator("#recap-q-sector").get_by_role("link")).to_contain_text("Edit answer")
    page.get_by_role("link", name="Resume where I stopped").click()
    expect(page.get_by_role("heading", name="Organisation and means")).to_be_visible()
    answer(page, "Who posts for the company?", "The business leader")
    answer(page, "Has anyone in the company been trained", "No")
    time_given = question(page, "How much time a week can you spend on it").get_by_role("textbox")
    time_given.fill("deux heures")
    answer(page, "What yearly budget do you spend on it", "Less than €1,000")
    page.get_by_role("button", name="Next step").click()
    expect(page.get_by_text("Enter a duration, for example")).to_be_visible()
    expect(time_given).to_have_value("deux heures")  # what was typed stays, to be corrected
    time_given.fill("2 h")
    page.get_by_role("button", name="Next step").click()

    expect(page.get_by_role("heading", name="Your objectives")).to_be_visible()
    page.get_by_label("Choice 1").select_option(label="Visibility and awareness")
    page.get_by_label("Choice 2").select_option(label="Prospecting and selling")
    for label in ("Are these objectives written down", "Do you have an editorial line"):
        answer(page, label, "No")
    answer(page, "Do you plan your posts ahead?", "No")
    answer(
        page,
        "Do you measure what social networks bring you?",
        "We sometimes look at followers and likes",
    )
    page.get_by_role("button", name="Next step").click()

    answer(page, "Do you answer comments and messages?", "Sometimes")
    answer(page, "How fast do you usually answer?", "Within the day")
    page.get_by_role("button", name="Next step").click()

    answer(page, "what were your posts mostly about?", "Company news")
    answer(page, "What holds you back the most?", "Lack of time")
    page.get_by_role("button", name="See my results").click()

    # The result: a maturity score, a placement, comparisons with their sources, in English.
    expect(page.get_by_role("heading", name="Your diagnostic result")).to_be_visible()
    expect(page.locator("#overall-score")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator(".comparisons .source").first).to_be_visible()
    expect(page.locator(".comparisons li").first).to_contain_text("of the SMEs and mid-caps")

    page.get_by_role("link", name="See my plan").click()
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Networks to leave for now")).to_be_visible()
    expect(page.get_by_text("LinkedIn would be useful, but 120 minutes a week")).to_be_visible()
    page.get_by_role("button", name="Adopt the plan").click()

    # Adopting set up the tools: the inbox's goal from the plan, and queue slots for the
    # connected account of each network the plan chose (here Facebook and Instagram, not yet
    # connected: the page says what connecting them will add).
    tools = page.locator("#tools")
    expect(tools).to_contain_text("Inbox")
    expect(page.get_by_role("status").first).to_contain_text("Inbox response-time goal")
    expect(tools).to_contain_text(re.compile(r"Facebook.*weekly slot", re.DOTALL))

    # My week: the routine fits the 120 minutes given; a task is ticked in place (HTMX).
    page.get_by_role("link", name="See my week").first.click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"minutes planned this week, within the 120"))
    ).to_be_visible()
    week_url = page.url
    page.locator("li.task").first.locator("button.tick").click()
    expect(page.locator("li.task.done")).to_have_count(1)

    # The account is connected and nothing is published yet: the score is measured, and low.
    score = page.locator("#alignment-score")
    expect(score).to_have_text(re.compile(r"^\d+$"))
    before = int(score.inner_text())
    expect(page.locator("#alignment-measured")).to_have_count(0)

    # A post written from a suggested idea opens in the composer: a first draft to finish,
    # not the idea's instruction pasted.
    idea = page.locator("li.task p.idea").first.inner_text().removeprefix("Idea:").strip()
    page.get_by_role("button", name="Write a post from this idea").first.click()
    expect(page.get_by_role("heading", name="Edit post")).to_be_visible()
    page.wait_for_load_state("load")  # htmx is listening before the first change
    draft = page.get_by_label("Message").input_value()
    assert draft.strip() and draft != idea and idea not in draft
    category = page.locator("#id_category").input_value()
    assert category, "the draft carries the idea's content category"

    # Published on the local Mastodon at the next minutes, by the real worker.
    page.get_by_role("checkbox", name=re.compile(re.escape(handle))).check()
    expect(page.locator('article.preview[data-valid="yes"]')).to_have_count(1)
    planned = (datetime.now(UTC) + LEAD).astimezone(ZONE).replace(
        second=0, microsecond=0
    ) + timedelta(minutes=1)
    page.get_by_label("Date").fill(f"{planned:%Y-%m-%d}")
    page.get_by_label("Time").fill(f"{planned:%H:%M}")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Scheduled for")).to_be_visible()
    # The post's page, left open, follows its publication by itself.
    expect(page.locator("#post-status")).to_have_attribute(
        "data-status", "published", timeout=(LEAD.total_seconds() + 150) * 1000
    )
    statuses = httpx.get(
        f"{mastodon_peer.base_url}/api/v1/accounts/{remote_id}/statuses", timeout=10
    ).json()
    assert len(statuses) == 1

    # Back on "My week", the score has moved without waiting for the sweep, and the post's
    # category is what was measured.
    page.goto(week_url)
    deadline = time.monotonic() + 60
    while score.inner_text() == str(before) and time.monotonic() < deadline:
        page.wait_for_timeout(2000)
        page.reload()
    after = int(score.inner_text())
    assert after > before
    expect(page.locator("#comp-mix")).to_have_text("Content mix")
    expect(page.locator(f'#alignment-measured [data-category="{category}"] .count')).to_have_text(
        "1"
    )

    # Its history says so too.
    page.get_by_role("link", name="Alignment history").click()
    expect(page.locator("table tbody tr").first).to_contain_text(str(after))

    # The organisation's home is now the week.
    page.goto("/")
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(page.locator("li.task.done")).to_have_count(1)
