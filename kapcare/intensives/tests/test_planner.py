"""The planner, pure: the best plan passes every booking rule; no plan says why."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from kapcare.intensives.planner import (
    SolverSettings,
    plan_intensives,
    prepare,
    quality,
    solve_greedy,
    solve_optimal,
    verify,
)
from kapcare.intensives.tests.worlds import (
    MONDAY,
    SECOND_THERAPIST,
    STAFF,
    b,
    intensive,
    problem,
    ready_pathway,
    weekday_hours,
)
from kapcare.pathway.rules import Clearance
from kapcare.pathway.vocabulary import ClearanceStatus
from kapcare.scheduling.hours import Absence, StaffSchedule
from kapcare.scheduling.rules import Appointment, ClientInfo
from kapcare.scheduling.tests import BM_MEDICINE, BM_THERAPY, MONITOR, THERAPIST
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

NY = ZoneInfo("America/New_York")
ONE_WORKER = SolverSettings(max_seconds=20, workers=1)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NY)


def test_three_days_are_planned_from_the_earliest_date_with_one_therapist() -> None:
    given = problem()
    outcome = plan_intensives(given, ONE_WORKER)
    assert outcome.violations == []
    assert outcome.optimal
    starts = [r.start.astimezone(NY) for r in outcome.requests]
    assert starts[0] == local(MONDAY, 8)
    assert {s.date() for s in starts} == {MONDAY + dt.timedelta(days=d) for d in range(3)}
    assert {x.therapist for x in outcome.placed} == {THERAPIST.id}
    medicine = next(r for r in outcome.requests if r.kind is AppointmentKind.MEDICINE)
    assert medicine.staff_ids == (THERAPIST.id, MONITOR.id)
    assert medicine.room_id == BM_MEDICINE.id
    assert medicine.follow_up is not None
    assert medicine.follow_up.kind is AppointmentKind.INTEGRATION
    assert medicine.follow_up.start == medicine.end
    # The integration rides with its medicine session: 9 blocks, 8 requests.
    assert len(outcome.placed) == 9
    assert len(outcome.requests) == 8
    virtual = [r for r in outcome.requests if r.modality is Modality.TELEHEALTH]
    assert [r.room_id for r in virtual] == [None, None]
    assert verify(given, outcome.requests) == []


def test_the_optimum_scores_what_the_solver_minimised_and_no_worse_than_first_fit() -> None:
    given = problem(
        intensive(500, preferred_staff=frozenset({SECOND_THERAPIST.id})),
        intensive(501, preferred_staff=frozenset({SECOND_THERAPIST.id})),
    )
    prepared = prepare(given)
    greedy = solve_greedy(prepared)
    solved = solve_optimal(prepared, ONE_WORKER, hint=greedy or ())
    assert greedy is not None
    assert solved.optimal
    best = quality(prepared, solved.placed)
    assert best.objective == solved.objective
    assert best.objective <= quality(prepared, greedy).objective
    assert best.same_therapist_rate == 1.0


def test_time_off_on_the_first_day_moves_the_start() -> None:
    schedule = weekday_hours(*STAFF)
    away = Absence(THERAPIST.id, local(MONDAY, 0), local(MONDAY + dt.timedelta(days=1), 0))
    away_too = Absence(SECOND_THERAPIST.id, away.start, away.end)
    given = problem(schedule=StaffSchedule(schedule.windows, (away, away_too)))
    outcome = plan_intensives(given, ONE_WORKER)
    assert outcome.requests[0].start.astimezone(NY).date() == MONDAY + dt.timedelta(days=1)


def test_an_existing_booking_of_the_medicine_room_is_left_alone() -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    taken = Appointment(
        900,
        AppointmentKind.MEDICINE,
        AppointmentStatus.BOOKED,
        local(tuesday, 8),
        local(tuesday, 12),
        frozenset(),
        BM_MEDICINE.id,
    )
    given = problem(calendar=(taken,))
    outcome = plan_intensives(given, ONE_WORKER)
    medicine = next(r for r in outcome.requests if r.kind is AppointmentKind.MEDICINE)
    assert medicine.start >= taken.end
    assert verify(given, outcome.requests) == []


def test_no_monitor_hours_says_no_monitor_is_free_on_any_approved_dosing_day() -> None:
    given = problem(schedule=weekday_hours(THERAPIST, SECOND_THERAPIST, start=8, end=18))
    given = dataclasses.replace(
        given,
        schedule=StaffSchedule(
            given.schedule.windows
            + weekday_hours(MONITOR, start=8, end=10).windows  # too short for 3 hours
        ),
    )
    outcome = plan_intensives(given, ONE_WORKER)
    assert [v.rule for v in outcome.violations] == ["medicine.monitor_required"]
    assert outcome.violations[0].message.startswith(
        "No monitor is free for a 180-minute medicine session on any approved dosing day in "
        "the next 6 weeks"
    )
    assert outcome.violations[0].subject == "client:500"
    assert outcome.requests == []


def test_a_dosing_day_the_provider_did_not_approve_is_named() -> None:
    outcome = plan_intensives(problem(intensive(approved_dosing_days=frozenset({3}))))
    assert [v.rule for v in outcome.violations] == ["intensive.dosing_not_approved"]
    assert "day 2" in outcome.violations[0].message


def test_a_clearance_that_ends_before_every_dosing_day_is_named() -> None:
    expired = Clearance(
        ClearanceStatus.CLEARED,
        MONDAY - dt.timedelta(days=1),
        local(MONDAY, 0) - dt.timedelta(days=60),
    )
    outcome = plan_intensives(problem(intensive(pathway=ready_pathway(clearances=(expired,)))))
    assert [v.rule for v in outcome.violations] == ["medicine.requires_clearance"]
    assert outcome.violations[0].message.startswith(
        "No start date in the next 6 weeks puts every medicine session on a day it may be booked."
    )


def test_virtual_blocks_for_a_client_in_an_unserved_state_are_named() -> None:
    outcome = plan_intensives(problem(intensive(client=ClientInfo(500, "NY"))))
    assert [v.rule for v in outcome.violations] == ["telehealth.client_location_unlicensed"]


def test_a_dose_without_a_preparation_before_it_is_named() -> None:
    pattern = [[b("medicine", 180), b("integration"), b("closure", 30)]]
    outcome = plan_intensives(
        problem(intensive(pattern=pattern, approved_dosing_days=frozenset({1})))
    )
    assert [v.rule for v in outcome.violations] == ["medicine.requires_preparation"]


def test_two_intensives_that_fit_alone_but_not_together_say_so() -> None:
    long_day = [
        [b("preparation", 60), b("closure", 30)],
        [b("medicine", 480), b("integration", 60), b("closure", 30)],
    ]
    given = problem(
        intensive(500, pattern=long_day),
        intensive(501, pattern=long_day),
        horizon_days=1,
    )
    outcome = plan_intensives(given, ONE_WORKER)
    # Both are named, with what they both need (the constraint to relax).
    assert [(v.rule, v.subject) for v in outcome.violations] == [
        ("intensive.together_do_not_fit", "client:500"),
        ("intensive.together_do_not_fit", "client:501"),
    ]
    assert "both need the same monitors" in outcome.violations[0].message
    assert "add monitor hours" in outcome.violations[0].message
    alone = plan_intensives(dataclasses.replace(given, intensives=given.intensives[:1]), ONE_WORKER)
    assert alone.violations == []


def test_of_three_intensives_the_pair_that_cannot_go_together_is_named() -> None:
    long_day = [
        [b("preparation", 60), b("closure", 30)],
        [b("medicine", 480), b("integration", 60), b("closure", 30)],
    ]
    given = problem(
        intensive(500, pattern=long_day),
        intensive(501, pattern=long_day),
        intensive(502, pattern=long_day),
        horizon_days=1,
    )
    outcome = plan_intensives(given, ONE_WORKER)
    assert [(v.rule, v.subject) for v in outcome.violations] == [
        ("intensive.together_do_not_fit", "client:500"),
        ("intensive.together_do_not_fit", "client:501"),
    ]


def test_two_intensives_in_one_week_share_the_medicine_room_without_clashing() -> None:
    given = problem(intensive(500), intensive(501))
    outcome = plan_intensives(given, ONE_WORKER)
    assert outcome.violations == []
    medicine = [r for r in outcome.requests if r.kind is AppointmentKind.MEDICINE]
    assert len(medicine) == 2
    assert {r.room_id for r in medicine} == {BM_MEDICINE.id}
    first, second = sorted(medicine, key=lambda r: r.start)
    assert first.end <= second.start
    assert all(r.room_id in (BM_THERAPY.id, BM_MEDICINE.id, None) for r in outcome.requests)
    assert verify(given, outcome.requests) == []
