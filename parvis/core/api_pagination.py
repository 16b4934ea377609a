"""The API's paged lists: ``limit`` and ``offset`` bounded in the OpenAPI document.

Ninja's own ``LimitOffsetPagination`` leaves ``offset`` without a maximum: an offset of 2**70
reached the database, where SQLite cannot convert it and PostgreSQL answers « bigint out of
range », both a 500. Here both bounds are declared, so such a request is a documented 422.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from parvis.core.api_schemas import MAX_OFFSET, MAX_PAGE_SIZE

DEFAULT_PAGE_SIZE = 50


class BoundedPagination(LimitOffsetPagination):
    """``?limit=`` (1 to 100, 50 by default) and ``?offset=`` (0 to 2**31 - 1)."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)


# Lists that grow to millions (the watch's items): past this many, counting would cost more
# than the page itself (seconds at 5,000,000 items), so the count stops there.
COUNT_CAP = 10_000


class CappedCountPagination(BoundedPagination):
    """:class:`BoundedPagination` whose ``count`` stops at ``COUNT_CAP``: ``count_capped``
    says that there are more rows than ``count`` (page on with ``offset`` all the same)."""

    class Output(Schema):
        items: list[Any]
        count: int
        count_capped: bool

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: LimitOffsetPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        counted = queryset[: COUNT_CAP + 1].count()
        return {
            self.items_attribute: queryset[offset : offset + limit],
            "count": min(counted, COUNT_CAP),
            "count_capped": counted > COUNT_CAP,
        }
