"""The one reader of the networks' JSON: odd answers give empty values, never a crash, and a
timestamp without an offset is UTC whatever the machine's zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from parvis.networks import jsonread

EPOCH = datetime.fromtimestamp(0, UTC)


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    """Run in a zone twelve hours away from UTC, where reading naive as local would show."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-26T06:00:00.000Z", datetime(2026, 11, 26, 6, tzinfo=UTC)),  # X, Bluesky
        ("2026-11-01T08:00:00+0000", datetime(2026, 11, 1, 8, tzinfo=UTC)),  # Graph
        ("2026-11-01T10:00:00+02:00", datetime(2026, 11, 1, 8, tzinfo=UTC)),
        ("2026-11-01T08:00:00", datetime(2026, 11, 1, 8, tzinfo=UTC)),  # naive: UTC
        ("hier", EPOCH),
        (None, EPOCH),
        (1700000000, EPOCH),
    ],
)
def test_timestamps_are_aware_utc(far_from_utc: None, raw: object, expected: datetime) -> None:
    assert jsonread.parse_time(raw) == expected


def test_epoch_numbers() -> None:
    assert jsonread.epoch_millis(1700000000000) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert jsonread.epoch_seconds("1700000000") == jsonread.epoch_millis(1700000000000)
    for garbage in (None, "soon", True, 10**30, 1.5):
        assert jsonread.epoch_millis(garbage) == EPOCH
        assert jsonread.epoch_seconds(garbage) == EPOCH


def test_paths_and_text() -> None:
    item = {"message": {"text": "Bonjour"}, "id": 42, "flag": True, "list": [1]}
    assert jsonread.text(item, "message", "text") == "Bonjour"
    assert jsonread.text(item, "message", "missing") == ""
    assert jsonread.text("not an object", "message") == ""
    assert jsonread.text(item, "id") == "" and jsonread.text_or_number(item, "id") == "42"
    assert jsonread.text_or_number(item, "flag") == ""
    assert jsonread.obj(item, "message") == {"text": "Bonjour"} and jsonread.obj(item, "list") == {}
    assert jsonread.nested(item, "message", "text", "deeper") is None


def test_counters() -> None:
    raw = {"likeCount": 3, "engagement": 0.5, "viewCount": "1234", "hidden": True}
    assert jsonread.counters(raw) == {"likeCount": 3}
    assert jsonread.counters(raw, digit_strings=True) == {"likeCount": 3, "viewCount": 1234}
    assert jsonread.counters(raw, {"likeCount": "like_count", "absent": "x"}) == {"like_count": 3}
    assert jsonread.counters(["not", "an", "object"]) == {}
