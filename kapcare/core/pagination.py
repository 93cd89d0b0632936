"""Paging for list endpoints: ``?limit=&offset=`` in, ``{"items", "count"}`` out."""

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field

from kapcare.core.api_schema import Schema

R = TypeVar("R")
T = TypeVar("T")

MAX_LIMIT = 200
# Far beyond any practice's row count, and small enough for every database's
# LIMIT/OFFSET arithmetic (an unbounded offset overflowed SQLite: a 500).
MAX_OFFSET = 2**31 - 1


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="How many items (1 to 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="How many items there are in all, across every page.")


def page_of(queryset: QuerySet[Any, R], page: PageQuery) -> tuple[list[R], int]:
    """One page of ``queryset`` (its records, or its rows of ``values()``) and the total
    count: two queries whatever the size, or one when the page is short (the last, or the
    first of none): nothing lies beyond it, so the count is the items before it and on it."""
    items = list(queryset[page.offset : page.offset + page.limit])
    if len(items) < page.limit and (items or page.offset == 0):
        return items, page.offset + len(items)
    return items, queryset.count()
