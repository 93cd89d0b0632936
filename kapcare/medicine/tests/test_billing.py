"""Billable monitoring time: CPT 0820T, +0821T, +0822T from recorded intervals."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.medicine.billing import (
    BillingLine,
    BillingRole,
    ExcludedTime,
    MonitoringBill,
    MonitoringInterval,
    billable_monitoring,
    units_for_minutes,
)
from kapcare.medicine.tests import T0, at
from kapcare.medicine.thresholds import BillingPolicy, UnitRule

POLICY = BillingPolicy()
WHOLE = BillingPolicy(unit_rule=UnitRule.WHOLE_UNITS)
QHP, STAFF = BillingRole.QHP, BillingRole.CLINICAL_STAFF


def interval(person: str, role: BillingRole, start: float, end: float) -> MonitoringInterval:
    return MonitoringInterval(person_id=person, role=role, start=at(start), end=at(end))


def summary(bill: MonitoringBill) -> list[tuple[str, str, int, int]]:
    return [(line.code, line.person_id, line.minutes, line.units) for line in bill.lines]


@pytest.mark.parametrize(
    ("minutes", "midpoint", "whole"),
    [
        (0, 0, 0),
        (30, 0, 0),
        (31, 1, 0),
        (59, 1, 0),
        (60, 1, 1),
        (90, 1, 1),
        (91, 2, 1),
        (119, 2, 1),
        (120, 2, 2),
        (150, 2, 2),
        (151, 3, 2),
        (211, 4, 3),
    ],
)
def test_units_for_an_hourly_code(minutes: int, midpoint: int, whole: int) -> None:
    assert units_for_minutes(minutes, POLICY) == midpoint
    assert units_for_minutes(minutes, WHOLE) == whole


@pytest.mark.parametrize(("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3)])
def test_midpoint_rule_matches_the_published_15_minute_chart(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes, BillingPolicy(unit_minutes=15)) == units


def test_negative_minutes_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        units_for_minutes(-1, POLICY)


@given(
    minutes=st.integers(min_value=0, max_value=2000), unit=st.integers(min_value=1, max_value=120)
)
def test_midpoint_units_are_the_units_whose_midpoint_is_passed(minutes: int, unit: int) -> None:
    policy = BillingPolicy(unit_minutes=unit)
    by_definition = sum(1 for n in range(1, minutes + 2) if minutes > (n - 1) * unit + unit / 2)

    assert units_for_minutes(minutes, policy) == by_definition
    assert units_for_minutes(minutes + 1, policy) >= units_for_minutes(minutes, policy)


def test_one_clinician_for_two_and_a_half_hours() -> None:
    bill = billable_monitoring([interval("therapist-1", QHP, 0, 150)], policy=POLICY)

    assert bill == MonitoringBill(
        first_clinician="therapist-1",
        lines=(BillingLine(code="0820T", person_id="therapist-1", minutes=150, units=2),),
        excluded=(),
    )


def test_second_clinician_and_staff_bill_only_their_concurrent_time() -> None:
    # given a therapist for 0-150, a medical provider 20-70 and an RN monitor 15-165
    bill = billable_monitoring(
        [
            interval("therapist-1", QHP, 0, 150),
            interval("provider-1", QHP, 20, 70),
            interval("monitor-1", STAFF, 15, 165),
        ],
        policy=POLICY,
    )

    assert summary(bill) == [
        ("0820T", "therapist-1", 150, 2),
        ("0821T", "provider-1", 50, 1),
        ("0822T", "monitor-1", 135, 2),
    ]
    assert bill.units("0822T") == 2


def test_overlapping_entries_of_one_person_count_once_and_gaps_do_not_count() -> None:
    bill = billable_monitoring(
        [
            interval("therapist-1", QHP, 0, 60),
            interval("therapist-1", QHP, 30, 90),
            interval("therapist-1", QHP, 110, 140),
        ],
        policy=POLICY,
    )

    assert summary(bill) == [("0820T", "therapist-1", 120, 2)]


def test_seconds_are_dropped_never_rounded_up() -> None:
    thirty_and_a_bit = MonitoringInterval(
        person_id="therapist-1", role=QHP, start=T0, end=T0 + dt.timedelta(minutes=30, seconds=59)
    )

    bill = billable_monitoring([thirty_and_a_bit], policy=POLICY)

    assert summary(bill) == [("0820T", "therapist-1", 30, 0)]
    assert bill.claim_lines == ()


def test_staff_alone_bill_nothing() -> None:
    bill = billable_monitoring([interval("monitor-1", STAFF, 0, 180)], policy=POLICY)

    assert bill == MonitoringBill(first_clinician=None, lines=(), excluded=())


def test_no_intervals_bill_nothing() -> None:
    assert billable_monitoring([], policy=POLICY).lines == ()


def test_first_clinician_is_the_qhp_with_the_most_time_unless_named() -> None:
    intervals = [interval("provider-1", QHP, 0, 60), interval("therapist-1", QHP, 0, 150)]

    chosen = billable_monitoring(intervals, policy=POLICY)
    named = billable_monitoring(intervals, policy=POLICY, first_clinician="provider-1")

    assert summary(chosen) == [("0820T", "therapist-1", 150, 2), ("0821T", "provider-1", 60, 1)]
    assert summary(named) == [("0820T", "provider-1", 60, 1), ("0821T", "therapist-1", 60, 1)]


def test_ties_go_to_the_earliest_start_then_the_person_id() -> None:
    early = billable_monitoring(
        [interval("b", QHP, 0, 60), interval("a", QHP, 10, 70)], policy=POLICY
    )
    same = billable_monitoring(
        [interval("b", QHP, 0, 60), interval("a", QHP, 0, 60)], policy=POLICY
    )

    assert early.first_clinician == "b"
    assert same.first_clinician == "a"


@pytest.mark.parametrize("person", ["monitor-1", "nobody"])
def test_named_first_clinician_must_be_a_qhp_with_time(person: str) -> None:
    intervals = [interval("therapist-1", QHP, 0, 60), interval("monitor-1", STAFF, 0, 60)]

    with pytest.raises(ValueError, match="must be a QHP"):
        billable_monitoring(intervals, policy=POLICY, first_clinician=person)


def test_one_person_per_add_on_code_by_default() -> None:
    intervals = [
        interval("therapist-1", QHP, 0, 150),
        interval("monitor-1", STAFF, 0, 100),
        interval("monitor-2", STAFF, 0, 150),
    ]

    bill = billable_monitoring(intervals, policy=POLICY)
    both = billable_monitoring(intervals, policy=BillingPolicy(max_people_per_addon_code=2))

    assert summary(bill) == [("0820T", "therapist-1", 150, 2), ("0822T", "monitor-2", 150, 2)]
    assert bill.excluded == (
        ExcludedTime(
            person_id="monitor-1",
            minutes=100,
            reason="Only 1 person(s) per 0822T are billed under this practice's policy.",
        ),
    )
    assert summary(both)[1:] == [("0822T", "monitor-2", 150, 2), ("0822T", "monitor-1", 100, 2)]


def test_whole_units_policy() -> None:
    bill = billable_monitoring([interval("therapist-1", QHP, 0, 119)], policy=WHOLE)

    assert summary(bill) == [("0820T", "therapist-1", 119, 1)]


@pytest.mark.parametrize(
    ("intervals", "match"),
    [
        ([interval("t", QHP, 10, 10)], "end after it starts"),
        ([interval("t", QHP, 10, 5)], "end after it starts"),
        ([interval("t", QHP, 0, 10), interval("t", STAFF, 20, 30)], "one billing role"),
        (
            [
                MonitoringInterval(
                    person_id="t",
                    role=QHP,
                    start=dt.datetime(2025, 3, 4, 15, 0),  # noqa: DTZ001 - under test
                    end=T0,
                )
            ],
            "timezone-aware",
        ),
    ],
)
def test_malformed_intervals_are_programming_errors(
    intervals: list[MonitoringInterval], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        billable_monitoring(intervals, policy=POLICY)


people = st.sampled_from([("qhp-a", QHP), ("qhp-b", QHP), ("staff-a", STAFF), ("staff-b", STAFF)])
spans = st.tuples(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=200))
interval_lists = st.lists(
    st.builds(
        lambda who, span: interval(who[0], who[1], span[0], span[0] + span[1]), people, spans
    ),
    max_size=8,
)


@given(intervals=interval_lists)
def test_add_on_time_never_exceeds_the_first_clinicians(
    intervals: list[MonitoringInterval],
) -> None:
    bill = billable_monitoring(intervals, policy=POLICY)

    if bill.lines:
        primary, *addons = bill.lines
        assert primary.code == "0820T"
        assert all(line.minutes <= primary.minutes for line in addons)
        assert all(line.units <= primary.units for line in addons)
        assert len({line.code for line in addons}) == len(addons)  # one person per code


@given(intervals=interval_lists, more=st.integers(min_value=1, max_value=120))
def test_more_recorded_time_never_bills_less(
    intervals: list[MonitoringInterval], more: int
) -> None:
    # given a fixed first clinician, when any person's interval is extended
    intervals = [interval("qhp-a", QHP, 0, 45), *intervals]
    before = billable_monitoring(intervals, policy=POLICY, first_clinician="qhp-a")
    longer = [
        MonitoringInterval(i.person_id, i.role, i.start, i.end + dt.timedelta(minutes=more))
        for i in intervals
    ]
    after = billable_monitoring(longer, policy=POLICY, first_clinician="qhp-a")

    # then no code's billed minutes or units go down (the person billed for an
    # add-on code may change, but never to one with less concurrent time)
    for code in ("0820T", "0821T", "0822T"):
        assert before.units(code) <= after.units(code)
        assert sum(x.minutes for x in before.lines if x.code == code) <= sum(
            x.minutes for x in after.lines if x.code == code
        )
