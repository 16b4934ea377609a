"""LinkedIn reads: comments on the page's posts, mentions, statistics.

Comments come from ``socialActions/{post}/comments`` (paged with ``start``/``count``) over the
page's recent posts; the cursor is ``<post urn>|<start>``. Mentions come from the organisation
social-action notifications (``SHARE_MENTION``), whose posts are then batch-fetched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from parvis.networks import jsonread
from parvis.networks.contracts import InboundItem, InboundKind, MetricPoint, Page
from parvis.networks.errors import NotSupported, Transient
from parvis.networks.linkedin import client as api
from parvis.networks.transport import JsonResponse


class PageReader(Protocol):
    """What reading needs of the connector (``PageReader``): its page, its clock, its
    calls and its recent posts. A protocol, so this module does not import the connector."""

    @property
    def org(self) -> str: ...

    def clock(self) -> datetime: ...

    def request(self, method: str, path: str, **kwargs: Any) -> JsonResponse: ...

    def _recent_posts(self, count: int) -> list[dict[str, Any]]: ...


POSTS_SCANNED = 20  # recent posts whose comments the inbox reads
STATISTICS_BATCH = 20


def read_inbound(
    connector: PageReader, kind: InboundKind, *, cursor: str | None, limit: int
) -> Page[InboundItem]:
    if kind is InboundKind.DM:
        raise NotSupported(
            "lecture des messages des pages (pas d’API publique)", network="linkedin"
        )
    if kind is InboundKind.MENTION:
        return _mentions(connector, cursor=cursor, limit=limit)
    return _comments(connector, cursor=cursor, limit=limit)


def _comments(connector: PageReader, *, cursor: str | None, limit: int) -> Page[InboundItem]:
    posts = [jsonread.text(post, "id") for post in connector._recent_posts(POSTS_SCANNED)]
    first_post, _, raw_start = (cursor or "").rpartition("|")
    index = posts.index(first_post) if first_post in posts else 0
    start = int(raw_start) if raw_start.isdigit() and first_post in posts else 0
    items: list[InboundItem] = []
    count = min(max(limit, 1), 100)
    for post in posts[index:]:
        path = api.COMMENTS.format(urn=api.encode(post)) + api.query(start=start, count=count)
        body = connector.request("GET", path).body
        for comment in api.elements(body):
            if jsonread.text(comment, "actor") != connector.org:  # our own answers are not inbound
                items.append(_comment_item(comment, post))
        following = api.next_start(body, start, count)
        if following is not None:
            return Page(tuple(items), f"{post}|{following}")
        start = 0
        if len(items) >= limit:
            later = posts[posts.index(post) + 1 :]
            return Page(tuple(items), f"{later[0]}|0" if later else None)
    return Page(tuple(items), None)


def _comment_item(comment: dict[str, Any], post: str) -> InboundItem:
    urn = jsonread.text(comment, "$URN") or jsonread.text(comment, "commentUrn")
    return InboundItem(
        kind=InboundKind.COMMENT,
        remote_id=urn,
        text=jsonread.text(comment, "message", "text"),
        created_at=jsonread.epoch_millis(jsonread.nested(comment, "created", "time")),
        author_id=jsonread.text(comment, "actor"),
        thread_id=post,
        parent_id=jsonread.text(comment, "parentComment") or post,
        url=f"https://www.linkedin.com/feed/update/{post}/",
    )


def _mentions(connector: PageReader, *, cursor: str | None, limit: int) -> Page[InboundItem]:
    start = int(cursor) if cursor and cursor.isdigit() else 0
    count = min(max(limit, 1), 100)
    path = api.NOTIFICATIONS + api.query(
        q="criteria",
        actions="List(SHARE_MENTION)",
        organizationalEntity=api.encode(connector.org),
        start=start,
        count=count,
    )
    body = connector.request("GET", path).body
    urns = [jsonread.text(n, "sourcePost") for n in api.elements(body)]
    urns = [urn for urn in urns if urn]
    posts: dict[str, Any] = {}
    if urns:
        batch = connector.request("GET", api.POSTS + api.query(ids=api.restli_list(urns))).body
        results = batch.get("results") if isinstance(batch, dict) else None
        if not isinstance(results, dict):
            raise Transient("batch get of posts answered without results", network="linkedin")
        posts = results
    items = []
    for urn in urns:
        post = posts.get(urn)
        if isinstance(post, dict):  # deleted since the notification: skip it
            items.append(
                InboundItem(
                    kind=InboundKind.MENTION,
                    remote_id=urn,
                    text=jsonread.text(post, "commentary"),
                    created_at=jsonread.epoch_millis(jsonread.nested(post, "createdAt")),
                    author_id=jsonread.text(post, "author"),
                    thread_id=urn,
                    url=f"https://www.linkedin.com/feed/update/{urn}/",
                )
            )
    following = api.next_start(body, start, count)
    return Page(tuple(items), str(following) if following is not None else None)


def post_metrics(connector: PageReader, urns: list[str]) -> list[MetricPoint]:
    now = connector.clock()
    points: list[MetricPoint] = []
    for offset in range(0, len(urns), STATISTICS_BATCH):
        batch = urns[offset : offset + STATISTICS_BATCH]
        params: dict[str, str | int] = {
            "q": "organizationalEntity",
            "organizationalEntity": api.encode(connector.org),
        }
        shares = [urn for urn in batch if urn.startswith("urn:li:share:")]
        ugc = [urn for urn in batch if not urn.startswith("urn:li:share:")]
        if shares:
            params["shares"] = api.restli_list(shares)
        if ugc:
            params["ugcPosts"] = api.restli_list(ugc)
        body = connector.request("GET", api.SHARE_STATISTICS + api.query(**params)).body
        for element in api.elements(body):
            subject = jsonread.text(element, "share") or jsonread.text(element, "ugcPost")
            for name, value in jsonread.counters(element.get("totalShareStatistics")).items():
                points.append(MetricPoint(subject, name, value, now))
    return points


def account_metrics(connector: PageReader) -> list[MetricPoint]:
    """Followers (``firstDegreeSize``), lifetime page views (``allPageViews``), and organic /
    paid followers from the lifetime follower statistics."""
    org, now = connector.org, connector.clock()
    encoded = api.encode(org)
    size = connector.request(
        "GET",
        api.NETWORK_SIZE.format(urn=encoded) + api.query(edgeType="COMPANY_FOLLOWED_BY_MEMBER"),
    ).object()
    if not isinstance(size.get("firstDegreeSize"), int):
        raise Transient("networkSizes answered without firstDegreeSize", network="linkedin")
    points = [MetricPoint(org, "firstDegreeSize", size["firstDegreeSize"], now)]
    pages = connector.request(
        "GET", api.PAGE_STATISTICS + api.query(q="organization", organization=encoded)
    ).body
    for element in api.elements(pages)[:1]:
        page_views = jsonread.counters(
            jsonread.nested(element, "totalPageStatistics", "views", "allPageViews")
        )
        if "pageViews" in page_views:
            points.append(MetricPoint(org, "allPageViews", page_views["pageViews"], now))
    followers = connector.request(
        "GET",
        api.FOLLOWER_STATISTICS + api.query(q="organizationalEntity", organizationalEntity=encoded),
    ).body
    totals = {"organicFollowerCount": 0, "paidFollowerCount": 0}
    for element in api.elements(followers)[:1]:
        by_seniority = element.get("followerCountsBySeniority")
        for row in by_seniority if isinstance(by_seniority, list) else []:
            counts = jsonread.counters(row.get("followerCounts") if isinstance(row, dict) else None)
            for name in totals:
                totals[name] += counts.get(name, 0)
        points.extend(MetricPoint(org, name, value, now) for name, value in totals.items())
    return points
