"""Monitoring: typed readings, out-of-range alerts, and the vitals schedule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.violations import Violation
from kapcare.medicine.rules import (
    CheckKind,
    CheckState,
    ScheduledCheck,
    VitalAlert,
    check_vitals,
    next_vitals_due,
    overdue_vitals,
    vital_alerts,
    vitals_schedule,
)
from kapcare.medicine.tests import T0, at, vitals
from kapcare.medicine.thresholds import SessionPolicy

POLICY = SessionPolicy()


# --- Typed readings ----------------------------------------------------------------


def test_plausible_reading_in_the_past_may_be_recorded() -> None:
    assert check_vitals(vitals(-30), now=T0, policy=POLICY) == []


def test_reading_in_the_future_is_refused() -> None:
    assert check_vitals(vitals(0.01), now=T0, policy=POLICY) == [
        Violation(
            rule="vitals.time_in_future",
            message="The time of these vitals is in the future.",
            subject="at",
        )
    ]


@pytest.mark.parametrize(
    ("values", "subjects"),
    [
        ({"systolic": 39, "diastolic": 30}, ["systolic"]),
        ({"systolic": 40, "diastolic": 20}, []),
        ({"systolic": 301}, ["systolic"]),
        ({"diastolic": 19}, ["diastolic"]),
        ({"systolic": 250, "diastolic": 201}, ["diastolic"]),
        ({"heart_rate": 19}, ["heart_rate"]),
        ({"heart_rate": 251}, ["heart_rate"]),
        ({"spo2": 49}, ["spo2"]),
        ({"spo2": 101}, ["spo2"]),
        ({"spo2": 100}, []),
        ({"systolic": 80, "diastolic": 80}, ["diastolic"]),
        ({"systolic": 1200}, ["systolic"]),
    ],
)
def test_implausible_values_are_refused_as_typing_errors(
    values: dict[str, int], subjects: list[str]
) -> None:
    reading = vitals(-1, **values)

    found = check_vitals(reading, now=T0, policy=POLICY)

    assert [(v.rule, v.subject) for v in found] == [("vitals.implausible", s) for s in subjects]


# --- Alerts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        ({"systolic": 179}, []),
        ({"systolic": 180}, ["vitals.systolic_high"]),
        ({"systolic": 181}, ["vitals.systolic_high"]),
        ({"diastolic": 109}, []),
        ({"diastolic": 110}, ["vitals.diastolic_high"]),
        ({"heart_rate": 50}, []),
        ({"heart_rate": 49}, ["vitals.heart_rate_low"]),
        ({"heart_rate": 120}, []),
        ({"heart_rate": 121}, ["vitals.heart_rate_high"]),
        ({"spo2": 92}, []),
        ({"spo2": 91}, ["vitals.spo2_low"]),
        (
            {"systolic": 190, "diastolic": 115, "heart_rate": 130, "spo2": 88},
            [
                "vitals.systolic_high",
                "vitals.diastolic_high",
                "vitals.heart_rate_high",
                "vitals.spo2_low",
            ],
        ),
    ],
)
def test_alerts_at_and_around_each_threshold(values: dict[str, int], codes: list[str]) -> None:
    assert [a.code for a in vital_alerts(vitals(20, **values), policy=POLICY)] == codes


def test_alert_carries_time_value_threshold_and_a_plain_message() -> None:
    assert vital_alerts(vitals(40, systolic=184, diastolic=100), policy=POLICY) == (
        VitalAlert(
            code="vitals.systolic_high",
            message="Systolic pressure 184 is at or above 180.",
            at=at(40),
            measure="systolic",
            value=184,
            threshold=180,
        ),
    )


def test_a_practice_may_set_its_own_alert_range() -> None:
    policy = SessionPolicy(alert_spo2_below=94, alert_heart_rate_above=110)

    found = vital_alerts(vitals(20, heart_rate=111, spo2=93), policy=policy)

    assert [a.code for a in found] == ["vitals.heart_rate_high", "vitals.spo2_low"]


@given(
    systolic=st.integers(min_value=40, max_value=179),
    diastolic=st.integers(min_value=20, max_value=109),
    heart_rate=st.integers(min_value=50, max_value=120),
    spo2=st.integers(min_value=92, max_value=100),
)
def test_alerts_never_fire_inside_the_normal_range(
    systolic: int, diastolic: int, heart_rate: int, spo2: int
) -> None:
    reading = vitals(20, systolic, diastolic, heart_rate, spo2)

    assert vital_alerts(reading, policy=POLICY) == ()


@given(
    systolic=st.integers(min_value=40, max_value=300),
    diastolic=st.integers(min_value=20, max_value=200),
    heart_rate=st.integers(min_value=20, max_value=250),
    spo2=st.integers(min_value=50, max_value=100),
)
def test_every_value_outside_the_range_raises_its_alert(
    systolic: int, diastolic: int, heart_rate: int, spo2: int
) -> None:
    codes = {
        a.code
        for a in vital_alerts(vitals(20, systolic, diastolic, heart_rate, spo2), policy=POLICY)
    }

    assert ("vitals.systolic_high" in codes) is (systolic >= 180)
    assert ("vitals.diastolic_high" in codes) is (diastolic >= 110)
    assert ("vitals.heart_rate_low" in codes) is (heart_rate < 50)
    assert ("vitals.heart_rate_high" in codes) is (heart_rate > 120)
    assert ("vitals.spo2_low" in codes) is (spo2 < 92)


# --- Schedule ----------------------------------------------------------------------


def states(now_minutes: float, reading_minutes: tuple[float, ...] = ()) -> list[CheckState]:
    schedule = vitals_schedule(
        at(now_minutes),
        first_dose_at=T0,
        readings=[vitals(m) for m in reading_minutes],
        policy=POLICY,
    )
    return [c.state for c in schedule]


UP, DUE, LATE, MISS, DONE = (
    CheckState.UPCOMING,
    CheckState.DUE,
    CheckState.OVERDUE,
    CheckState.MISSED,
    CheckState.DONE,
)


def test_schedule_is_the_documented_offsets_after_the_first_dose() -> None:
    schedule = vitals_schedule(T0, first_dose_at=T0, readings=[], policy=POLICY)

    assert [(c.minutes_after_dose, c.due_at) for c in schedule] == [
        (15, at(15)),
        (30, at(30)),
        (40, at(40)),
        (60, at(60)),
        (90, at(90)),
        (120, at(120)),
    ]
    assert schedule[0].label == "15 minutes after the first dose"
    assert {c.kind for c in schedule} == {CheckKind.TIMED}


@pytest.mark.parametrize(
    ("now_minutes", "first_state"),
    [
        (9.99, UP),
        (10, DUE),
        (15, DUE),
        (17, DUE),
        (17.01, LATE),
        (24.99, LATE),
        (25, MISS),
    ],
)
def test_first_check_due_overdue_and_missed(now_minutes: float, first_state: CheckState) -> None:
    assert states(now_minutes)[0] is first_state


@pytest.mark.parametrize(
    ("reading_minute", "done"),
    [
        (9.99, [MISS, DUE, UP, UP, UP, UP]),
        (10, [DONE, DUE, UP, UP, UP, UP]),
        (24.99, [DONE, DUE, UP, UP, UP, UP]),
        (25, [MISS, DONE, UP, UP, UP, UP]),
    ],
)
def test_a_reading_counts_from_five_minutes_early_until_the_next_window(
    reading_minute: float, done: list[CheckState]
) -> None:
    assert states(25, (reading_minute,)) == done


def test_the_last_check_is_overdue_but_never_missed() -> None:
    assert states(122) == [MISS, MISS, MISS, MISS, MISS, DUE]
    assert states(122.01) == [MISS, MISS, MISS, MISS, MISS, LATE]
    assert states(600) == [MISS, MISS, MISS, MISS, MISS, LATE]


def test_a_full_set_of_readings_marks_every_check_done() -> None:
    schedule = vitals_schedule(
        at(130),
        first_dose_at=T0,
        readings=[vitals(m) for m in (-10, 15, 31, 39, 60, 92, 121)],
        policy=POLICY,
    )

    assert [(c.state, c.reading_at) for c in schedule] == [
        (DONE, at(15)),
        (DONE, at(31)),
        (DONE, at(39)),
        (DONE, at(60)),
        (DONE, at(92)),
        (DONE, at(121)),
    ]


def test_overdue_vitals_lists_late_and_missed_checks() -> None:
    overdue = overdue_vitals(at(33), first_dose_at=T0, readings=[vitals(-5)], policy=POLICY)

    assert [(c.minutes_after_dose, c.state) for c in overdue] == [(15, MISS), (30, LATE)]


def test_next_before_the_first_dose_is_the_pre_dose_check() -> None:
    due = next_vitals_due(T0, first_dose_at=None, readings=[], policy=POLICY)
    done = next_vitals_due(T0, first_dose_at=None, readings=[vitals(-60)], policy=POLICY)
    stale = next_vitals_due(T0, first_dose_at=None, readings=[vitals(-61)], policy=POLICY)

    assert due == ScheduledCheck(
        kind=CheckKind.PRE_DOSE,
        label="Pre-dose",
        minutes_after_dose=None,
        due_at=None,
        state=DUE,
    )
    assert (done.state, done.reading_at) == (DONE, at(-60))
    assert stale.state is DUE


@pytest.mark.parametrize(
    ("now_minutes", "readings", "expected"),
    [
        (0, (), (15, UP)),
        (16, (), (15, DUE)),
        (20, (), (15, LATE)),
        (26, (), (30, DUE)),
        (26, (16,), (30, DUE)),
        (33, (16, 29), (40, UP)),
        (41, (16, 29), (40, DUE)),
        (200, (16, 29), (120, LATE)),
    ],
)
def test_next_after_the_first_dose_is_the_earliest_open_check(
    now_minutes: float, readings: tuple[float, ...], expected: tuple[int, CheckState]
) -> None:
    check = next_vitals_due(
        at(now_minutes), first_dose_at=T0, readings=[vitals(m) for m in readings], policy=POLICY
    )

    assert (check.minutes_after_dose, check.state) == expected


def test_after_the_last_timed_check_next_is_before_discharge() -> None:
    readings = [vitals(m) for m in (15, 30, 40, 60, 90, 120)]

    later = next_vitals_due(at(150), first_dose_at=T0, readings=readings, policy=POLICY)
    fresh = next_vitals_due(at(135), first_dose_at=T0, readings=readings, policy=POLICY)

    assert (later.kind, later.state, later.due_at) == (CheckKind.BEFORE_DISCHARGE, DUE, None)
    assert (fresh.kind, fresh.state, fresh.reading_at) == (
        CheckKind.BEFORE_DISCHARGE,
        DONE,
        at(120),
    )


@given(
    readings=st.lists(st.floats(min_value=-30, max_value=200, allow_nan=False), max_size=12),
    now_minutes=st.floats(min_value=0, max_value=300, allow_nan=False),
)
def test_each_reading_counts_for_at_most_one_check_and_done_means_a_reading(
    readings: list[float], now_minutes: float
) -> None:
    schedule = vitals_schedule(
        at(now_minutes), first_dose_at=T0, readings=[vitals(m) for m in readings], policy=POLICY
    )

    used = [c.reading_at for c in schedule if c.reading_at is not None]
    assert len(used) == len(set(used))
    assert all((c.state is DONE) is (c.reading_at is not None) for c in schedule)
    # states only move forward along the schedule: nothing upcoming before something late
    order = [c.state for c in schedule if c.state is not DONE]
    rank = {MISS: 0, LATE: 1, DUE: 2, UP: 3}
    assert [rank[s] for s in order] == sorted(rank[s] for s in order)
