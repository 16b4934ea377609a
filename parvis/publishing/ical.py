"""The calendar as an iCalendar feed (RFC 5545), written with the ``icalendar`` library.

The library does what is easy to get subtly wrong by hand: escaping of text values, folding of
long lines at 75 octets without splitting a UTF-8 character, and the UTC form of date-times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vText

from parvis.publishing.models import Post

PRODID = "-//Parvis//Publishing calendar//FR"
EVENT_LENGTH = timedelta(minutes=15)


def _event(
    post: Post, *, scheduled_at: datetime, host: str, now: datetime, url: str | None
) -> Event:
    targets = list(post.targets.all())
    description = post.body
    urls = [target.remote_url for target in targets if target.remote_url]
    if urls:
        description += "\n\n" + "\n".join(urls)
    start = scheduled_at.astimezone(UTC)
    event = Event()
    event.add("uid", f"post-{post.pk}@{host}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    event.add("summary", f"[{post.get_status_display()}] {post}")
    event.add("description", description)
    if url:
        # The post's page in Parvis, for a calendar app's « open » link.
        event.add("url", url)
    if targets:
        # One category per account, so that a client can filter the calendar by account.
        event.add("categories", [str(target.account) for target in targets])
    return event


def calendar(
    posts: Iterable[Post],
    *,
    name: str,
    host: str,
    now: datetime,
    post_url: Callable[[Post], str] | None = None,
) -> str:
    """A VCALENDAR with one 15-minute VEVENT per post (times in UTC, which every client
    shows in its own zone). ``host`` makes the events' UIDs; ``post_url`` gives each event
    the absolute address of the post's page (both from the instance's configured address)."""
    feed = Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", PRODID)
    feed.add("calscale", "GREGORIAN")
    # An X- property is not text to the library: wrap it so that it is escaped like one.
    feed.add("x-wr-calname", vText(name))
    for post in posts:
        if post.scheduled_at is not None:
            url = post_url(post) if post_url is not None else None
            event = _event(post, scheduled_at=post.scheduled_at, host=host, now=now, url=url)
            feed.add_component(event)
    # sorted=False keeps the lines in the order added above; the library would otherwise sort
    # them (both are valid RFC 5545, this one reads like the feed always did).
    body: bytes = feed.to_ical(sorted=False)
    return body.decode("utf-8")
