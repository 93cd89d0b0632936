"""A page and its count: the count is the whole list's, and a short page needs no COUNT."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from kapcare.core.pagination import PageQuery, page_of
from kapcare.people.models import Practice

Queries = Callable[..., AbstractContextManager[object]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limit", "offset", "names", "queries"),
    [
        (3, 0, ["P0", "P1", "P2"], 2),  # a full page: more may follow, so counted
        (3, 3, ["P3", "P4", "P5"], 2),
        (3, 6, ["P6"], 1),  # the last page, short: nothing lies beyond it
        (10, 0, [f"P{n}" for n in range(7)], 1),
        (3, 7, [], 2),  # past the end: how many there are is still counted
        (3, 20, [], 2),
    ],
)
def test_a_page_and_the_whole_count(
    django_assert_num_queries: Queries, limit: int, offset: int, names: list[str], queries: int
) -> None:
    # given seven rows
    Practice.objects.bulk_create(Practice(name=f"P{n}") for n in range(7))
    listed = Practice.objects.order_by("name")
    # when a page of them is read
    with django_assert_num_queries(queries):
        items, count = page_of(listed, PageQuery(limit=limit, offset=offset))
    # then it holds its rows, and the count is all seven's
    assert [p.name for p in items] == names
    assert count == 7


@pytest.mark.django_db
def test_nothing_at_all_is_one_query(django_assert_num_queries: Queries) -> None:
    with django_assert_num_queries(1):
        assert page_of(Practice.objects.order_by("name"), PageQuery(limit=50, offset=0)) == ([], 0)
