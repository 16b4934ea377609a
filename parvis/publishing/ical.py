"""The calendar as an iCalendar feed (RFC 5545), written by hand: a few fields, no library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from parvis.publishing.models import Post

PRODID = "-//Parvis//Publishing calendar//FR"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(posts: Iterable[Post], *, name: str, host: str, now: datetime) -> str:
    """A VCALENDAR with one 15-minute VEVENT per post (times in UTC, which every client
    shows in its own zone)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for post in posts:
        if post.scheduled_at is None:
            continue
        accounts = ", ".join(str(t.account) for t in post.targets.all())
        description = post.body
        urls = [t.remote_url for t in post.targets.all() if t.remote_url]
        if urls:
            description += "\n\n" + "\n".join(urls)
        lines += [
            "BEGIN:VEVENT",
            f"UID:post-{post.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(post.scheduled_at)}",
            f"DTEND:{_stamp(post.scheduled_at + timedelta(minutes=15))}",
            f"SUMMARY:{_escape(f'[{post.get_status_display()}] {post}')}",
            f"DESCRIPTION:{_escape(description)}",
            f"CATEGORIES:{_escape(accounts)}" if accounts else "",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines if line)
