"""What the client search box understands (pure)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.people.search_terms import SearchTerms, parse_search


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("", SearchTerms()),
        ("   ", SearchTerms()),
        ("lane", SearchTerms(names=("lane",))),
        ("Ada  Lane", SearchTerms(names=("Ada", "Lane"))),
        ("a b c d e f", SearchTerms(names=("a", "b", "c", "d"))),
        ("1990-03-04", SearchTerms(date_of_birth=dt.date(1990, 3, 4))),
        ("3/4/1990", SearchTerms(date_of_birth=dt.date(1990, 3, 4))),
        ("03/04/1990", SearchTerms(date_of_birth=dt.date(1990, 3, 4))),
        ("lane 1990-03-04", SearchTerms(names=("lane",), date_of_birth=dt.date(1990, 3, 4))),
        ("1990-02-31", SearchTerms(impossible=True)),
        ("13/01/1990", SearchTerms(impossible=True)),
        ("(610) 555-0123", SearchTerms(phone_digits="6105550123")),
        ("+1 610.555.0123", SearchTerms(phone_digits="16105550123")),
        ("0123", SearchTerms(phone_digits="0123")),
        ("123", SearchTerms(names=("123",))),  # too few digits for a phone number
        ("Ada@Example.org", SearchTerms(email="ada@example.org")),
        ("lane @example", SearchTerms(names=("lane",), email="@example")),
    ],
)
def test_the_box_reads_names_dates_phones_and_emails(typed: str, terms: SearchTerms) -> None:
    assert parse_search(typed) == terms


@given(st.text(max_size=100))
def test_any_text_parses(typed: str) -> None:
    terms = parse_search(typed)

    assert len(terms.names) <= 4
    assert terms.phone_digits is None or terms.phone_digits.isdigit()
