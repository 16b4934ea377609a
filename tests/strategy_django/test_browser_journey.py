"""A new user's strategy journey in a real browser: diagnostic (paused and resumed), result,
plan, "My week", a ticked task, a draft from an idea, the alignment score.

The interface is switched to English first: the French catalogue is merged separately, and
the diagnostic's questions (the engine's French data) are chosen by their values.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.processes import IsolatedInstance


def _choose(page: Page, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check()


def test_a_new_user_takes_the_diagnostic_and_follows_the_week(
    page: Page, server: IsolatedInstance
) -> None:
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Your name").fill("Jeanne Martin")
    page.get_by_label("E-mail address").fill("jeanne@menuiserie-martin.fr")
    page.get_by_label("Password").fill("copeaux-de-chene-42")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_label("Company name").fill("Menuiserie Martin")
    page.get_by_role("button", name="Create the organisation").click()
    expect(page.get_by_role("heading", name="Menuiserie Martin")).to_be_visible()

    # Without a plan, the home page starts with the diagnostic.
    expect(page.get_by_role("heading", name="Start with a 10-minute diagnostic")).to_be_visible()
    page.get_by_role("link", name="Take the diagnostic").click()
    page.get_by_role("button", name="Start the diagnostic").click()

    # Step 1: the company.
    _choose(page, "headcount", "10-19")
    _choose(page, "sector", "building_crafts")
    page.locator("#id_b2b_share").fill("30")
    _choose(page, "website", "showcase")
    page.get_by_role("button", name="Next step").click()

    # Step 2: presence; then the leader is interrupted and pauses.
    for network in ("instagram", "linkedin", "x", "youtube", "bluesky", "mastodon"):
        page.locator(f"#id_networks__{network}").select_option("none")
    page.locator("#id_networks__facebook").select_option("occasional")
    _choose(page, "self_activity", "low")
    _choose(page, "tempo", "late")
    _choose(page, "leader_active", "no")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("heading", name="Diagnostic paused")).to_be_visible()
    expect(page.get_by_text("8 of 19 questions answered.")).to_be_visible()

    # Resuming opens the next unanswered step; a wrong number is explained and kept out.
    page.get_by_role("link", name="Resume the diagnostic").click()
    expect(page.get_by_role("heading", name="Organisation et moyens")).to_be_visible()
    _choose(page, "publishers", "leader")
    _choose(page, "trained", "no")
    page.locator("#id_minutes_per_week").fill("deux heures")
    _choose(page, "budget", "under_1k")
    page.get_by_role("button", name="Next step").click()
    expect(page.get_by_text("Indiquez un nombre entier.")).to_be_visible()
    page.locator("#id_minutes_per_week").fill("120")
    page.get_by_role("button", name="Next step").click()

    page.locator("#id_objectives_1").select_option("visibility")
    page.locator("#id_objectives_2").select_option("prospecting")
    for question in ("written_objectives", "editorial_line", "calendar"):
        _choose(page, question, "no")
    _choose(page, "measurement", "audience_only")
    page.get_by_role("button", name="Next step").click()

    _choose(page, "reply_habit", "sometimes")
    _choose(page, "response_delay", "within_day")
    page.get_by_role("button", name="Next step").click()

    _choose(page, "published_categories", "company_news")
    _choose(page, "obstacles", "time")
    page.get_by_role("button", name="See my results").click()

    # The result: a maturity score, a placement, comparisons with their sources.
    expect(page.get_by_role("heading", name="Your diagnostic result")).to_be_visible()
    expect(page.locator("#overall-score")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator(".comparisons .source").first).to_be_visible()

    page.get_by_role("link", name="See my plan").click()
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Networks to leave for now")).to_be_visible()
    page.get_by_role("button", name="Adopt the plan").click()

    # My week: the routine fits the 120 minutes given; a task is ticked in place (HTMX).
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"minutes planned this week, within the 120"))
    ).to_be_visible()
    week_url = page.url
    first_task = page.locator("li.task").first
    first_task.locator("button.tick").click()
    expect(page.locator("li.task.done")).to_have_count(1)

    # A post drafted from a suggested idea opens in the composer, its text already there.
    page.get_by_role("button", name="Write a post from this idea").first.click()
    expect(page.get_by_role("heading", name="Edit post")).to_be_visible()
    page.goto(week_url)

    expect(page.get_by_role("heading", name="Alignment score")).to_be_visible()
    expect(page.locator("#alignment-score")).to_be_visible()

    # The organisation's home is now the week.
    page.goto("/")
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(page.locator("li.task.done")).to_have_count(1)
