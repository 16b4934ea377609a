"""The competitor benchmark: its figures on a known set of rows, periods, the page, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Organisation
from parvis.publishing.models import Post, PostTarget
from parvis.watch.benchmark import benchmark, period_days
from parvis.watch.ingest import Found, items_store
from parvis.watch.models import Competitor, FollowerSnapshot, Item, WatchedProfile
from parvis.web.demo import demo_create
from tests.conftest import Cast, english_client
from tests.inbox.conftest import make_account

NOW = timezone.now()  # the pages read the clock too: the rows are placed from it


def _profile(
    org: Organisation,
    handle: str,
    network: str = "bluesky",
    competitor: Competitor | None = None,
    followers: int | None = None,
) -> WatchedProfile:
    return WatchedProfile.objects.create(
        organisation=org,
        network=network,
        handle=handle,
        remote_id=f"id-{handle}",
        competitor=competitor,
        followers=followers,
    )


def _snap(profile: WatchedProfile, days_ago: int, followers: int) -> None:
    FollowerSnapshot.objects.create(
        organisation=profile.organisation,
        profile=profile,
        day=(NOW - timedelta(days=days_ago)).date(),
        followers=followers,
    )


def _post(profile: WatchedProfile, n: int, days_ago: float, counters: dict[str, int]) -> None:
    items_store(
        profile.organisation_id,
        [
            Found(
                source=profile,
                network=profile.network,
                remote_id=f"{profile.handle}-{n}",
                url="",
                text=f"Publication {n} de {profile.handle}",
                published_at=NOW - timedelta(days=days_ago),
                counters=counters,
            )
        ],
        now=NOW,
    )


@pytest.fixture
def known(cast: Cast) -> Cast:
    """Chêne on Bluesky (followers read) and Mastodon (snapshots only since 10 days), Ouest on
    X (the network gives no follower count), and the company's own Bluesky account."""
    chene = Competitor.objects.create(organisation=cast.org, name="Atelier Chêne")
    ouest = Competitor.objects.create(organisation=cast.org, name="Escaliers Ouest")
    bsky = _profile(cast.org, "chene.example", competitor=chene, followers=1840)
    masto = _profile(cast.org, "chene@masto.example", "mastodon", chene, followers=420)
    x = _profile(cast.org, "ouest", "x", ouest)
    own = _profile(cast.org, "martin.example", followers=500)
    _snap(bsky, 40, 1600)
    _snap(bsky, 30, 1700)  # the 30-day period's first day: its start
    _snap(bsky, 0, 1840)
    _snap(masto, 10, 400)  # first read inside the period: growth since that day
    _snap(masto, 0, 420)
    _post(bsky, 1, 1, {"like_count": 10, "repost_count": 2, "reply_count": 3})  # 15
    _post(bsky, 2, 5, {"like_count": 40, "quote_count": 5})  # 45
    _post(bsky, 3, 20, {"like_count": 1})  # 1
    _post(bsky, 4, 45, {"like_count": 500})  # outside 30 days
    _post(masto, 1, 3, {"favourites_count": 6, "reblogs_count": 2, "replies_count": 1})  # 9
    _post(masto, 2, 8, {"views": 999})  # no interaction counter: unknown engagement
    _post(x, 1, 2, {"like_count": 7, "retweet_count": 3, "impression_count": 900})  # 10
    _post(own, 1, 2, {"like_count": 4})
    Item.objects.filter(text="Publication 1 de chene.example").update(category="promotion")
    Item.objects.filter(text="Publication 2 de chene.example").update(category="promotion")
    Item.objects.filter(text="Publication 3 de chene.example").update(category="educational")
    Item.objects.filter(text="Publication 1 de chene@masto.example").update(category="")
    Item.objects.filter(text="Publication 2 de chene@masto.example").update(category="")
    return cast


def _rows(org: Organisation, days: int = 30) -> dict[str, object]:
    return {row.entity.label: row for row in benchmark(org, days, NOW, "Vous")}


def test_the_figures_on_a_known_set(known: Cast) -> None:
    rows = _rows(known.org)
    assert list(rows) == ["Vous", "Atelier Chêne", "Escaliers Ouest"]
    chene = rows["Atelier Chêne"]
    # Followers: the latest snapshots, summed over the competitor's accounts.
    assert chene.followers == 1840 + 420
    by_handle = {a.profile.handle: a for a in chene.audiences}
    assert by_handle["chene.example"].start == 1700  # the last day read at the period's start
    assert by_handle["chene.example"].growth == 140
    assert by_handle["chene@masto.example"].growth == 20
    assert by_handle["chene@masto.example"].since == (NOW - timedelta(days=10)).date()
    assert by_handle["chene@masto.example"].late and not by_handle["chene.example"].late
    assert chene.growth == 160
    assert chene.growth_percent == pytest.approx(100 * 160 / 2100)
    # Posts: 3 Bluesky + 2 Mastodon in 30 days = 5 → 5 × 7 / 30 per week.
    assert chene.posts == 5
    assert chene.posts_per_week == pytest.approx(5 * 7 / 30)
    # Engagement: only the 4 posts whose network gave interaction counters (views are not).
    assert chene.engagement_posts == 4
    assert chene.engagement_total == 15 + 45 + 1 + 9
    assert chene.engagement_per_post == pytest.approx(70 / 4)
    assert [(m.category, m.posts) for m in chene.mix] == [("promotion", 2), ("educational", 1)]
    assert chene.mix[0].percent == pytest.approx(200 / 3)
    assert [b.engagement for b in chene.best] == [45, 15, 9]


def test_a_network_that_gives_no_followers_is_not_communicated_never_zero(known: Cast) -> None:
    ouest = _rows(known.org)["Escaliers Ouest"]
    assert ouest.followers is None and ouest.growth is None and ouest.growth_percent is None
    assert ouest.engagement_per_post == 10  # X's like + retweet, not its impressions
    page = known.client_for(known.alice).get(reverse("watch:benchmark", args=[known.org.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "non communiqué" in html
    assert "2\u202f260" in html or "2\u00a0260" in html  # Chêne's followers, French grouping


def test_you_are_in_the_same_table(known: Cast) -> None:
    you = _rows(known.org)["Vous"]
    assert you.entity.competitor is None
    assert you.followers == 500 and you.growth is None  # no snapshot yet
    assert you.posts == 1 and you.engagement_per_post == 4


def test_periods(known: Cast) -> None:
    assert _rows(known.org, 7)["Atelier Chêne"].posts == 3  # days 1, 5 and 3; not 8
    assert _rows(known.org, 7)["Atelier Chêne"].posts_per_week == 3
    assert _rows(known.org, 90)["Atelier Chêne"].posts == 6
    assert _rows(known.org, 90)["Atelier Chêne"].best[0].engagement == 500
    assert [period_days(v) for v in ("7", "30", "90", "", "365", None)] == [7, 30, 90, 30, 30, 30]


def test_another_organisation_sees_none_of_it(known: Cast) -> None:
    assert benchmark(known.other_org, 30, NOW, "Vous") == []
    client = known.client_for(known.charlie)
    assert client.get(reverse("watch:benchmark", args=[known.org.slug])).status_code == 404
    html = client.get(reverse("watch:benchmark", args=[known.other_org.slug])).content.decode()
    assert "Atelier Chêne" not in html


def test_the_demo_fills_the_page(cast: Cast) -> None:
    demo = demo_create(owner=cast.alice)
    rows = {r.entity.label: r for r in benchmark(demo, 30, timezone.now(), "Vous")}
    assert set(rows) == {"Vous", "Atelier Chêne & Fils", "Escaliers de l’Ouest"}
    assert all(row.posts and row.followers and row.best for row in rows.values())
    page = cast.client_for(cast.alice).get(reverse("watch:benchmark", args=[demo.slug]))
    html = page.content.decode()
    assert "démo" in html and "<svg" in html


def test_posts_published_through_parvis_count_for_you_once(known: Cast) -> None:
    account = make_account(known.org)
    post = Post.objects.create(
        organisation=known.org, body="Notre atelier", category="behind_the_scenes"
    )
    PostTarget.objects.create(
        organisation=known.org,
        post=post,
        account=account,
        status=PostTarget.Status.PUBLISHED,
        published_at=NOW - timedelta(days=2),
        engagement=30,
    )
    you = _rows(known.org)["Vous"]
    assert you.posts == 2 and you.engagement_posts == 2
    assert you.engagement_per_post == pytest.approx((4 + 30) / 2)
    # Both now carry a category: the own watched post (categorised on ingestion) and the post.
    assert sorted(m.category for m in you.mix) == sorted(["behind_the_scenes", "expertise"])
    assert [b.engagement for b in you.best] == [30, 4]
    # Once the company watches that account as its own, its posts are items: not counted twice.
    WatchedProfile.objects.create(
        organisation=known.org, network=account.kind, handle="compte", remote_id=account.remote_id
    )
    assert _rows(known.org)["Vous"].posts == 1


def test_the_page_in_english(known: Cast) -> None:
    html = english_client(known.alice).get(reverse("watch:benchmark", args=[known.org.slug]))
    text = html.content.decode()
    assert "not communicated" in text and "Posts per week" in text and "2,260" in text


def test_instagram_posts_of_other_accounts_have_an_engagement(cast: Cast) -> None:
    """Business Discovery gives ``like_count`` and ``comments_count`` (not the insights'
    ``total_interactions``): a competitor's Instagram posts are counted, not « non communiqué »."""
    rival = Competitor.objects.create(organisation=cast.org, name="Fournil Ouest")
    insta = _profile(cast.org, "fournilouest", "instagram", rival, followers=900)
    _post(insta, 1, 2, {"like_count": 30, "comments_count": 4})
    row = _rows(cast.org)["Fournil Ouest"]
    assert (row.engagement_posts, row.engagement_total) == (1, 34)
