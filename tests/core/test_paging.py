"""Pages of a long list: its rows plus one say whether a next page exists; nothing counts it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parvis.accounts.models import Organisation
from parvis.core.paging import MAX_PAGE, page_number, page_of
from tests.conftest import Cast


def test_pages_and_the_next_one(cast: Cast) -> None:
    rows = Organisation.objects.order_by("pk")  # the cast's two organisations
    first = page_of(rows, None, 1)
    assert (first.object_list, first.number, first.has_next) == ([cast.org], 1, True)
    assert not first.has_previous and first.next_page_number == 2
    last = page_of(rows, "2", 1)
    assert (last.object_list, last.has_next, last.previous_page_number) == (
        [cast.other_org],
        False,
        1,
    )
    assert page_of(rows, "3", 1).object_list == []


def test_one_query_and_no_count(cast: Cast) -> None:
    with CaptureQueriesContext(connection) as queries:
        page_of(Organisation.objects.order_by("pk"), "1", 1)
    assert len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper()


@pytest.mark.parametrize(
    ("raw", "number"),
    [(None, 1), ("", 1), ("0", 1), ("-2", 1), ("abc", 1), ("7", 7), ("9" * 30, MAX_PAGE)],
)
def test_any_page_number_is_a_page(raw: str | None, number: int) -> None:
    assert page_number(raw) == number
