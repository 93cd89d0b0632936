"""Which appointments overlap a span (``scheduling.spans``): the same answer on every
database, and on PostgreSQL an answer the span indexes give (issue 14)."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db import connection

from kapcare.people.models import StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.spans import overlapping
from tests.factories import make_appointment

NINE = dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.UTC)  # 9:00 am in Philadelphia
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def day(staff: dict[Role, StaffMember]) -> dict[str, Appointment]:
    """A therapist's appointments around 9:00 to 10:00, each named for where it lies
    (two cancelled, which the calendar lists too, so that the rest do not overlap)."""
    therapist = staff[Role.THERAPIST]
    spans = {
        "ends at nine": (NINE - HOUR, NINE, "cancelled"),
        "across nine": (NINE - HOUR / 2, NINE + HOUR / 4, "booked"),
        "inside": (NINE + HOUR / 4, NINE + HOUR / 2, "booked"),
        "across ten": (NINE + HOUR * 3 / 4, NINE + HOUR * 3 / 2, "booked"),
        "starts at ten": (NINE + HOUR, NINE + HOUR * 2, "cancelled"),
        "the day before": (NINE - HOUR * 24, NINE - HOUR * 23, "booked"),
    }
    return {
        name: make_appointment(start=start, end=end, status=status, staff=[therapist])
        for name, (start, end, status) in spans.items()
    }


def _names(found: Iterable[Appointment], day: dict[str, Appointment]) -> set[str]:
    ids = {a.pk for a in found}
    return {name for name, a in day.items() if a.pk in ids}


def test_an_appointment_overlaps_a_span_when_it_starts_before_its_end_and_ends_after_its_start(
    day: dict[str, Appointment],
) -> None:
    # when the appointments of 9:00 to 10:00 are asked for
    found = overlapping(Appointment.objects.all(), after=NINE, before=NINE + HOUR)
    # then those that touch it at either end are not among them
    assert _names(found, day) == {"across nine", "inside", "across ten"}


def test_an_open_bound_reaches_to_the_end_of_the_calendar(day: dict[str, Appointment]) -> None:
    everything = Appointment.objects.all()

    assert _names(overlapping(everything, after=NINE + HOUR, before=None), day) == {
        "across ten",
        "starts at ten",
    }
    assert _names(overlapping(everything, after=None, before=NINE - HOUR / 2), day) == {
        "ends at nine",
        "the day before",
    }
    assert _names(overlapping(everything, after=None, before=None), day) == set(day)


def test_a_span_that_ends_before_it_starts_finds_what_lies_across_it(
    day: dict[str, Appointment],
) -> None:
    # A span the wrong way round keeps the comparisons' answer (PostgreSQL's ranges would
    # refuse it): an appointment running through both ends.
    backwards = overlapping(Appointment.objects.all(), after=NINE + HOUR / 4, before=NINE)
    empty = overlapping(Appointment.objects.all(), after=NINE, before=NINE)

    assert _names(backwards, day) == set()  # none starts before 9:00 and ends after 9:15
    assert _names(empty, day) == {"across nine"}


def test_the_ids_narrow_to_a_location_or_a_staff_member(
    day: dict[str, Appointment], staff: dict[Role, StaffMember]
) -> None:
    elsewhere = make_appointment(start=NINE, end=NINE + HOUR / 2)  # another place, no staff
    location = day["inside"].location_id
    assert location is not None
    assert elsewhere.location_id != location

    at_location = overlapping(
        Appointment.objects.all(), after=NINE, before=NINE + HOUR, location_id=location
    )
    booked = overlapping(
        AppointmentStaff.objects.all(),
        after=NINE,
        before=NINE + HOUR,
        staff_id=staff[Role.THERAPIST].pk,
    )

    assert _names(at_location, day) == {"inside"}
    assert _names((b.appointment for b in booked), day) == {
        "across nine",
        "inside",
        "across ten",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the span indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("query", "condition"),
    [
        (
            lambda: overlapping(
                Appointment.objects.all(), after=NINE, before=NINE + HOUR, location_id=1
            ),
            "location_id = '1'::bigint",
        ),
        (
            lambda: overlapping(
                AppointmentStaff.objects.all(), after=NINE, before=NINE + HOUR, staff_id=1
            ),
            "staff_id = '1'::bigint",
        ),
        (lambda: overlapping(Appointment.objects.all(), after=NINE, before=None), ""),
    ],
    ids=["location", "staff", "span"],
)
def test_postgresql_answers_the_overlap_from_a_span_index(
    db: None, query: Callable[[], Any], condition: str
) -> None:
    # given a planner that scans a table only when nothing else can answer
    sql, params = query().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    # then a span index answers it, the id (if any) and the span both in its condition: a
    # query spelled otherwise than the index (an integer id, another range) would filter
    # the rows of a btree instead
    assert any("_span_gist" in line for line in plan), plan
    conditions = [line for line in plan if "Index Cond" in line]
    assert any("tstzrange" in line and condition in line for line in conditions), plan
    assert not any("Filter" in line for line in plan), plan
