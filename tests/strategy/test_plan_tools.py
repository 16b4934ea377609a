"""Adopting a plan sets up the tools: queue slots per account of the chosen networks, the inbox's
response-time goal; the week only schedules what the company has and chose."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse
from django.utils import timezone

from parvis.inbox.ingest import inbox_settings_for
from parvis.inbox.models import InboxSettings
from parvis.networks.models import SocialAccount
from parvis.publishing.models import QueueSlot
from parvis.strategy import selectors, services
from parvis.strategy.models import Plan, week_code
from tests.conftest import Cast
from tests.strategy.conftest import make_plan


def _account(cast: Cast, kind: str, handle: str, **extra: object) -> SocialAccount:
    return SocialAccount.objects.create(
        organisation=cast.org, kind=kind, remote_id=handle, handle=handle, **extra
    )


def _planned_times(plan: Plan) -> dict[str, set[tuple[int, str]]]:
    week = week_code(timezone.localtime(timezone.now(), plan.organisation.tzinfo).date())
    tasks = services.routine_ensure(plan=plan, week=week).tasks.filter(kind="publish")
    times: dict[str, set[tuple[int, str]]] = {}
    for task in tasks:
        times.setdefault(task.network, set()).add((task.weekday, task.at.strftime("%H:%M")))
    return times


def _slots(cast: Cast) -> Counter[str]:
    return Counter(
        s.account.handle if s.account else "ANY"
        for s in QueueSlot.objects.filter(organisation=cast.org).select_related("account")
    )


def test_adopting_creates_slots_for_each_account_of_each_chosen_network(
    english: Cast, plan: Plan
) -> None:
    times = _planned_times(plan)
    assert set(times) == {"facebook", "instagram"}
    _account(english, "facebook", "bakery.fb")
    _account(english, "facebook", "bakery.shop")
    _account(english, "linkedin", "bakery.li")  # a network the plan did not choose
    _account(english, "facebook", "gone", status=SocialAccount.Status.DISCONNECTED)
    client = english.client_for(english.alice)
    response = client.post(reverse("strategy:plan_accept", args=[english.org.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/strategy/plan/#tools")

    per_account = len(times["facebook"])
    assert _slots(english) == {"bakery.fb": per_account, "bakery.shop": per_account}
    fb = QueueSlot.objects.filter(organisation=english.org, account__handle="bakery.fb")
    assert {(s.weekday, s.local_time.strftime("%H:%M")) for s in fb} == times["facebook"]

    page = client.get(reverse("strategy:plan", args=[english.org.slug])).content.decode()
    assert "What the plan set up" in page
    assert f"{2 * per_account} weekly slots in the queue for bakery.fb, bakery.shop." in page
    assert "no Instagram account connected yet" in page
    assert reverse("posts:queue", args=[english.org.slug]) in page
    assert reverse("networks:accounts", args=[english.org.slug]) in page

    # Connecting Instagram, then updating: only Instagram's slots are added.
    _account(english, "instagram", "bakery.ig")
    page = client.get(reverse("strategy:plan", args=[english.org.slug])).content.decode()
    assert "Update the plan’s tools" in page
    client.post(reverse("strategy:plan_accept", args=[english.org.slug]))
    assert _slots(english) == {
        "bakery.fb": per_account,
        "bakery.shop": per_account,
        "bakery.ig": len(times["instagram"]),
    }
    page = client.get(reverse("strategy:plan", args=[english.org.slug])).content.decode()
    assert "Update the plan’s tools" not in page


def test_adopting_sets_the_inbox_goal_from_the_plan(english: Cast) -> None:
    # A consumer-facing company: the plan's goal is the consumers' expectation (4 hours).
    plan = make_plan(english, b2b_share=10)
    hours = plan.data["editorial"]["response_time_goal_hours"]
    assert hours == 4
    assert inbox_settings_for(english.org.pk).goal_hours == 24  # the inbox's default
    client = english.client_for(english.alice)
    client.post(reverse("strategy:plan_accept", args=[english.org.slug]))
    assert InboxSettings.objects.get(organisation=english.org).goal_hours == 4
    follow = client.get(reverse("strategy:plan", args=[english.org.slug]))
    page = follow.content.decode()
    assert "Response-time goal: answer within 4 hours." in page
    assert reverse("inbox:goals", args=[english.org.slug]) in page

    # A manager changes the goal in the inbox: the plan page says so and offers to set it back.
    settings = inbox_settings_for(english.org.pk)
    settings.goal_hours = 12
    settings.save()
    page = client.get(reverse("strategy:plan", args=[english.org.slug])).content.decode()
    assert "answer within 12 hours" in page and "The plan suggests 4 hours" in page
    assert "Update the plan’s tools" in page


def test_the_success_message_names_the_slots_and_the_goal(cast: Cast, plan: Plan) -> None:
    _account(cast, "facebook", "page")
    client = cast.client_for(cast.alice)
    response = client.post(reverse("strategy:plan_accept", args=[cast.org.slug]), follow=True)
    body = response.content.decode()
    assert "Plan adopté" in body and "créneau" in body
    assert "Objectif de délai de réponse de la boîte de réception" in body


def test_the_inbox_task_links_the_inbox_only_when_an_account_brings_messages(
    english: Cast, plan: Plan
) -> None:
    client = english.client_for(english.alice)
    week = reverse("strategy:week", args=[english.org.slug])
    link = f'<a href="{reverse("inbox:inbox", args=[english.org.slug])}">Open the inbox</a>'
    page = client.get(week).content.decode()
    assert "Answer messages and comments" in page
    assert link not in page
    assert "No connected account brings its messages into Parvis yet" in page
    _account(english, "facebook", "page")
    page = client.get(week).content.decode()
    assert link in page
    assert "No connected account brings its messages into Parvis yet" not in page


def test_no_watch_task_unless_watch_is_chosen_and_then_it_opens_the_watch(english: Cast) -> None:
    client = english.client_for(english.alice)
    week = reverse("strategy:week", args=[english.org.slug])
    plan = make_plan(english, objectives=["visibility", "prospecting"])
    assert not services.routine_ensure(plan=plan, week=202648).tasks.filter(kind="watch")
    assert "industry watch" not in client.get(week).content.decode()

    plan = make_plan(english, objectives=["watch", "visibility"], minutes_per_week=180)
    assert selectors.current_plan(english.org) == plan
    page = client.get(week).content.decode()
    assert "Do the week’s industry watch" in page
    assert "Open the public pages of two or three competitors" in page
    assert f'href="{reverse("watch:timeline", args=[english.org.slug])}"' in page
