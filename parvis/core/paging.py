"""Pages of long lists that are never counted.

Counting the rows of a list of millions (the watch's timeline) takes longer than showing a
page of it: an exact count took seconds at 5,000,000 items, and even a count capped at 1,001
rows cost 200 ms when a filter keeps one item in a hundred (``parvis bench watch``). People
page a few times and then filter: a page here reads its rows plus one, which says whether
there is a next page, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# Far enough for anyone paging by hand; an offset beyond it is refused by clamping, so a
# crafted ?page=10**9 never asks the database to skip billions of rows.
MAX_PAGE = 1_000


@dataclass(frozen=True)
class Page:
    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(raw: str | None) -> int:
    """The page asked for: 1 for anything that is not a page number, at most ``MAX_PAGE``."""
    if raw is None or not raw.isdigit():
        return 1
    return max(1, min(int(raw), MAX_PAGE))


def page_of(rows: QuerySet[Any], raw_number: str | None, per_page: int) -> Page:
    """The rows of page ``raw_number`` (``?page=``), ``per_page`` of them, without a count."""
    number = page_number(raw_number)
    start = (number - 1) * per_page
    found = list(rows[start : start + per_page + 1])
    return Page(found[:per_page], number, has_next=len(found) > per_page)
