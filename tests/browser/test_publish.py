"""The issue's "done when", in a real browser against a real ``parvis run``: a new user writes
one post for three accounts (X fake, two mastodon-mock accounts), sees three valid previews,
schedules it for tomorrow, drags it to today on the calendar, and the real worker publishes it
at the planned minute on the local peers; its links are shown."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.peers.mastodon import MastodonPeer, mastodon_peer  # noqa: F401 - fixture
from tests.peers.x_fake import XFake, x_fake  # noqa: F401 - fixture
from tests.processes import ROOT, IsolatedInstance

TEXT = "Nouvelle porte d’entrée en chêne massif, posée cette semaine à Nantes."
# Enough time to compose and drag before the planned minute comes.
LEAD = timedelta(seconds=150)


def pick_zone(now: datetime) -> tuple[ZoneInfo, datetime]:
    """An organisation zone where the planned minute is on a Monday to Saturday, far from
    midnight: then "tomorrow" and "today" are in the same Monday-first calendar week whatever
    the day the suite runs. Returns the zone and the planned local minute."""
    names = ["Europe/Paris", *(f"Etc/GMT{offset:+d}" for offset in range(-14, 13))]
    for name in names:
        zone = ZoneInfo(name)
        planned = (now + LEAD).astimezone(zone).replace(second=0, microsecond=0) + timedelta(
            minutes=1
        )
        if planned.weekday() != 6 and 1 <= planned.hour <= 22:
            return zone, planned
    raise AssertionError("no zone fits")  # impossible: offsets span 26 hours


def seed(instance: IsolatedInstance, zone: ZoneInfo, x: XFake, mastodon: MastodonPeer) -> None:
    token = x.issue_tokens()["access_token"]
    accounts: list[dict[str, str]] = [
        {
            "kind": "x",
            "remote_id": x.me,
            "handle": "parvis_test",
            "access_token": token,
            "api_base_url": x.url,
        }
    ]
    for name in ("alice", "bob"):
        who = httpx.get(
            f"{mastodon.base_url}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {mastodon.accounts[name].access_token}"},
            timeout=10,
        ).json()
        accounts.append(
            {
                "kind": "mastodon",
                "remote_id": str(who["id"]),
                "handle": f"@{name}@127.0.0.1",
                "access_token": mastodon.accounts[name].access_token,
                "api_base_url": mastodon.base_url,
            }
        )
    spec = json.dumps({"timezone": zone.key, "accounts": accounts})
    subprocess.run(
        [sys.executable, "-m", "tests.publishing.ui.seed_peers", spec],
        env=instance.env,
        cwd=ROOT,
        check=True,
    )


def test_compose_for_three_accounts_schedule_drag_and_publish(
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

    zone, planned = pick_zone(datetime.now(UTC))
    seed(server, zone, x_fake, mastodon_peer)
    today = planned.date()
    tomorrow = today + timedelta(days=1)

    # Compose once for three accounts: three previews, all valid.
    page.get_by_role("link", name="Publish").first.click()
    page.get_by_role("link", name="New post").first.click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    page.wait_for_load_state("load")  # htmx is listening before the first change
    for handle in ("parvis_test", "@alice@127.0.0.1", "@bob@127.0.0.1"):
        page.get_by_label(re.compile(re.escape(handle))).first.check()
    page.get_by_label("Message").fill(TEXT)
    previews = page.locator("article.preview")
    expect(previews).to_have_count(3)
    expect(page.locator('article.preview[data-valid="yes"]')).to_have_count(3)
    expect(previews.first).to_contain_text("Ready to publish")
    expect(page.get_by_text(re.compile(r"Saved at \d\d:\d\d"))).to_be_visible()

    # Schedule for tomorrow at the planned minute, in the organisation's zone.
    page.get_by_label("Date").fill(f"{tomorrow:%Y-%m-%d}")
    page.get_by_label("Time").fill(f"{planned:%H:%M}")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Scheduled for")).to_be_visible()
    post_id = re.search(r"/posts/(\d+)/$", page.url).group(1)  # type: ignore[union-attr]
    expect(page.locator('[data-target-status="scheduled"]')).to_have_count(3)

    # The calendar: drag the post from tomorrow to today.
    page.get_by_role("link", name="Calendar").first.click()
    page.goto(f"{page.url.split('?')[0]}?view=week&date={today:%Y-%m-%d}")
    chip = page.locator(f"#cal-post-{post_id}")
    expect(
        page.locator(f'[data-drop-date="{tomorrow:%Y-%m-%d}"] #cal-post-{post_id}')
    ).to_be_visible()
    chip.drag_to(page.locator(f'[data-drop-date="{today:%Y-%m-%d}"]'))
    expect(page.locator("#cal-status")).to_contain_text("Moved to")
    page.reload()
    expect(
        page.locator(f'[data-drop-date="{today:%Y-%m-%d}"] #cal-post-{post_id}')
    ).to_contain_text(f"{planned:%H:%M}")

    # The real worker publishes at the planned minute; the post's page, left open, follows it
    # by itself and shows each link, then stops following.
    page.locator(f"#cal-post-{post_id} a").first.click()
    expect(page.locator("#post-live")).to_have_attribute("data-live", "yes")
    links = page.locator("a.remote-link")
    wait_ms = (LEAD.total_seconds() + 150) * 1000
    expect(links).to_have_count(3, timeout=wait_ms)
    # A poll or two after the last link (the post's status follows its targets).
    expect(page.locator("#post-status")).to_have_attribute(
        "data-status", "published", timeout=15_000
    )
    expect(page.locator("#post-live")).not_to_have_attribute("data-live", "yes", timeout=15_000)

    posts = [p for p in x_fake.own_posts() if p.text == TEXT]
    assert len(posts) == 1
    assert posts[0].created_at >= planned.timestamp()  # not a minute early
    hrefs = {links.nth(i).get_attribute("href") for i in range(3)}
    assert f"https://x.com/i/web/status/{posts[0].id}" in hrefs
    for name in ("alice", "bob"):
        who = httpx.get(
            f"{mastodon_peer.base_url}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {mastodon_peer.accounts[name].access_token}"},
            timeout=10,
        ).json()
        statuses = httpx.get(
            f"{mastodon_peer.base_url}/api/v1/accounts/{who['id']}/statuses", timeout=10
        ).json()
        published = [s for s in statuses if "porte d’entrée en chêne" in s["content"]]
        assert len(published) == 1
        assert published[0]["url"] in hrefs or published[0]["uri"] in hrefs
