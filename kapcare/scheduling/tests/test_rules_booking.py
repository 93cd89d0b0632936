"""Input shape, the plan, telehealth and double booking: both sides of every boundary."""

import dataclasses
import datetime as dt

import pytest

from kapcare.core.violations import Violation
from kapcare.pathway.rules import TreatmentPlan
from kapcare.pathway.vocabulary import PlanFormat, PlanStatus
from kapcare.scheduling.rules import ClientInfo, PathwayFacts, RoomInfo, intervals_overlap
from kapcare.scheduling.tests import (
    ARD_THERAPY,
    ARDMORE,
    BM_MEDICINE,
    BM_THERAPY,
    BRYN_MAWR,
    CLIENT,
    DAY,
    HOUR,
    MINUTE,
    MONITOR,
    NY,
    NY_THERAPIST,
    PA_ONLY_THERAPIST,
    PH_MEDICINE,
    PHILADELPHIA,
    PRESCRIBER,
    START,
    THERAPIST,
    adding,
    appt,
    check,
    codes,
    local,
    proposed,
    ready_pathway,
    virtual,
    without,
)
from kapcare.scheduling.vocabulary import (
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)

ALL_KINDS = list(AppointmentKind)


# --- a clean booking --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_ready_client_may_book_every_kind_in_person(kind: AppointmentKind) -> None:
    assert check(proposed(kind)) == []


@pytest.mark.parametrize("kind", [k for k in AppointmentKind if k is not AppointmentKind.MEDICINE])
def test_ready_client_may_book_every_talking_session_by_telehealth(kind: AppointmentKind) -> None:
    assert check(virtual(kind)) == []


def test_philadelphia_medicine_room_is_equipped_too() -> None:
    assert check(proposed(location=PHILADELPHIA, room=PH_MEDICINE)) == []


# --- input shape ------------------------------------------------------------------------


def test_naive_times_stop_the_check_with_one_violation() -> None:
    naive = dt.datetime(2025, 3, 11, 10, 0)  # noqa: DTZ001 - the bad input under test
    violations = check(proposed(start=naive, end=naive + HOUR), ready_pathway())
    assert codes(violations) == [Rule.NAIVE_DATETIME]
    assert "offset" in violations[0].message


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (START - MINUTE, [Rule.END_BEFORE_START]),
        (START, [Rule.END_BEFORE_START]),
        (START + MINUTE, []),
    ],
)
def test_end_must_be_after_start(end: dt.datetime, expected: list[str]) -> None:
    assert codes(check(proposed(AppointmentKind.THERAPY, end=end))) == expected


def test_end_before_start_still_reports_time_independent_rules() -> None:
    # given a medicine session with its times swapped and no consent on file
    booking = proposed(start=START, end=START - HOUR)
    # when
    violations = check(booking, ready_pathway(consents=()))
    # then the rules that do not need an interval still speak
    assert codes(violations) == [Rule.END_BEFORE_START, Rule.MEDICINE_REQUIRES_CONSENT]


def test_in_person_needs_location_and_room() -> None:
    booking = proposed(AppointmentKind.THERAPY, location=None, room=None)
    assert codes(check(booking)) == [
        Rule.IN_PERSON_NEEDS_LOCATION,
        Rule.IN_PERSON_NEEDS_ROOM,
    ]


def test_in_person_medicine_without_room_asks_for_a_medicine_room() -> None:
    violations = check(proposed(room=None))
    assert codes(violations) == [Rule.IN_PERSON_NEEDS_ROOM]
    assert "medicine room" in violations[0].message


def test_telehealth_needs_neither_location_nor_room() -> None:
    assert check(virtual(AppointmentKind.PREPARATION, location=None, room=None)) == []


def test_room_at_another_location_is_a_mismatch() -> None:
    violations = check(proposed(location=PHILADELPHIA, room=BM_MEDICINE))
    assert codes(violations) == [Rule.ROOM_LOCATION_MISMATCH]
    assert violations[0].message == (
        "Room Medicine is not at Philadelphia office. Choose a room at Philadelphia office, "
        "or change the location."
    )


def test_inactive_room_is_refused() -> None:
    closed = dataclasses.replace(BM_THERAPY, is_active=False)
    assert codes(check(proposed(AppointmentKind.THERAPY, room=closed))) == [Rule.ROOM_INACTIVE]


def test_appointment_needs_staff() -> None:
    assert codes(check(proposed(AppointmentKind.THERAPY, staff=()))) == [Rule.NO_STAFF]


def test_staff_listed_twice_is_refused() -> None:
    booking = proposed(AppointmentKind.THERAPY, staff=(THERAPIST, THERAPIST))
    assert codes(check(booking)) == [Rule.DUPLICATE_STAFF]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("PA", []),
        ("NJ", []),
        ("XX", [Rule.CLIENT_LOCATION_STATE_INVALID]),
        ("pa", [Rule.CLIENT_LOCATION_STATE_INVALID]),
    ],
)
def test_attested_state_must_be_a_state_code(state: str, expected: list[str]) -> None:
    booking = virtual(AppointmentKind.INTEGRATION, client_location_state=state)
    assert codes(check(booking)) == expected


def test_follow_up_must_be_integration() -> None:
    # given a medicine session whose follow-up is a therapy session
    follow_up = proposed(AppointmentKind.THERAPY, start=START + DAY)
    # when
    violations = check(proposed(), follow_up=follow_up)
    # then
    assert [(v.rule, v.subject) for v in violations] == [
        (Rule.FOLLOW_UP_NOT_INTEGRATION, Subject.FOLLOW_UP)
    ]


def test_follow_up_is_checked_like_any_booking() -> None:
    # given an integration follow-up by telehealth to a client in New York
    follow_up = virtual(AppointmentKind.INTEGRATION, START + DAY, client_location_state="NY")
    # when
    violations = check(proposed(), follow_up=follow_up)
    # then the follow-up carries its own violation
    assert [(v.rule, v.subject) for v in violations] == [
        (Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED, Subject.FOLLOW_UP)
    ]


def test_follow_up_conflicts_with_the_main_appointment() -> None:
    # given a follow-up integration that overlaps the medicine session it follows
    pathway = ready_pathway(appointments=ready_pathway().appointments[:2])
    follow_up = virtual(AppointmentKind.INTEGRATION, START + 2 * HOUR)
    # when
    violations = check(proposed(), pathway, follow_up=follow_up)
    # then the main session lacks integration and the follow-up double-books
    assert [(v.rule, v.subject) for v in violations] == [
        (Rule.MEDICINE_REQUIRES_INTEGRATION, Subject.APPOINTMENT),
        (Rule.CONFLICT_CLINICIAN, Subject.FOLLOW_UP),
        (Rule.CONFLICT_CLIENT, Subject.FOLLOW_UP),
    ]


def test_rescheduled_medicine_session_and_its_new_follow_up_do_not_clash_with_old_times() -> None:
    # given a booked medicine session (id 8) being moved a day later
    old = appt(AppointmentKind.MEDICINE, START, START + 3 * HOUR, staff=[THERAPIST, MONITOR], id=8)
    pathway = adding(without(ready_pathway(), AppointmentKind.INTEGRATION), old)
    moved = proposed(start=START + DAY, id=8)
    # when its new follow-up takes the therapist at the old medicine session's hour
    follow_up = virtual(AppointmentKind.INTEGRATION, START + 2 * DAY)
    # then nothing clashes with the old time
    assert check(moved, pathway, calendar=[old], follow_up=follow_up) == []
    # and a follow-up overlapping the *new* time is caught
    clash = virtual(AppointmentKind.INTEGRATION, START + DAY + HOUR)
    found = check(moved, pathway, calendar=[old], follow_up=clash)
    assert [(v.rule, v.subject) for v in found] == [
        (Rule.MEDICINE_REQUIRES_INTEGRATION, Subject.APPOINTMENT),
        (Rule.CONFLICT_CLINICIAN, Subject.FOLLOW_UP),
        (Rule.CONFLICT_CLIENT, Subject.FOLLOW_UP),
    ]


def test_every_code_is_reported_once_at_most() -> None:
    # given a booking that breaks many rules at once
    booking = proposed(
        modality=Modality.TELEHEALTH,
        location=ARDMORE,
        room=BM_THERAPY,
        staff=(THERAPIST, THERAPIST),
        client_location_state="NY",
    )
    pathway = PathwayFacts(
        plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.PAUSED), unreviewed_risk_flags=2
    )
    # when
    found = codes(check(booking, pathway))
    # then
    assert found == [
        Rule.ROOM_LOCATION_MISMATCH,
        Rule.DUPLICATE_STAFF,
        Rule.PLAN_PAUSED,
        Rule.MEDICINE_IN_PERSON_ONLY,
        Rule.MEDICINE_MONITOR_REQUIRED,
        Rule.MEDICINE_REQUIRES_CONSENT,
        Rule.MEDICINE_REQUIRES_CLEARANCE,
        Rule.MEDICINE_DOSE_ORDER_REQUIRED,
        Rule.MEDICINE_REQUIRES_PREPARATION,
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        Rule.SAFETY_UNREVIEWED_RISK_FLAG,
        Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED,
    ]


# --- the plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (AppointmentKind.THERAPY, []),
        (AppointmentKind.CONSULTATION, []),
        (AppointmentKind.PREPARATION, []),
        (AppointmentKind.INTEGRATION, []),
        (AppointmentKind.MEDICINE, [Rule.PLAN_PAUSED]),
    ],
)
def test_paused_plan_refuses_medicine_sessions_only(
    kind: AppointmentKind, expected: list[str]
) -> None:
    pathway = ready_pathway(plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.PAUSED))
    assert codes(check(proposed(kind), pathway)) == expected


def test_paused_message_names_the_way_forward() -> None:
    pathway = ready_pathway(plan=TreatmentPlan(PlanFormat.INTENSIVE, PlanStatus.PAUSED))
    [violation] = check(proposed(AppointmentKind.MEDICINE), pathway)
    assert violation.message == (
        "The client has paused their KAP plan, so no medicine session can be booked. "
        "Therapy, preparation and integration sessions stay open; resume the plan "
        "first if the client chooses to."
    )


@pytest.mark.parametrize(
    ("plan", "kind", "expected"),
    [
        (None, AppointmentKind.MEDICINE, [Rule.PLAN_REQUIRED]),
        (None, AppointmentKind.CONSULTATION, []),
        (None, AppointmentKind.PREPARATION, []),
        (
            TreatmentPlan(PlanFormat.ONGOING, PlanStatus.CLOSED),
            AppointmentKind.MEDICINE,
            [Rule.PLAN_REQUIRED],
        ),
        (TreatmentPlan(PlanFormat.ONGOING, PlanStatus.CLOSED), AppointmentKind.THERAPY, []),
        (TreatmentPlan(PlanFormat.ONGOING, PlanStatus.CLOSED), AppointmentKind.INTEGRATION, []),
        (TreatmentPlan(PlanFormat.INTENSIVE, PlanStatus.ACTIVE), AppointmentKind.MEDICINE, []),
    ],
)
def test_medicine_needs_a_plan_that_is_not_closed(
    plan: TreatmentPlan | None, kind: AppointmentKind, expected: list[str]
) -> None:
    assert codes(check(proposed(kind), ready_pathway(plan=plan))) == expected


# --- telehealth -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attested", "home", "staff", "expected"),
    [
        ("PA", "PA", (THERAPIST,), []),
        ("NJ", "PA", (THERAPIST,), []),
        ("NY", "PA", (THERAPIST,), [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]),
        (None, "PA", (THERAPIST,), []),
        (None, "NY", (THERAPIST,), [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]),
        ("PA", "NY", (THERAPIST,), []),  # the attested location wins over home
        ("NJ", "PA", (PA_ONLY_THERAPIST,), [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]),
        ("NJ", "PA", (THERAPIST, PA_ONLY_THERAPIST), [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]),
        ("PA", "PA", (THERAPIST, PA_ONLY_THERAPIST), []),
        # licensed in NY, but the practice does not serve clients located there
        ("NY", "PA", (NY_THERAPIST,), [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]),
    ],
)
def test_telehealth_follows_the_client_location(
    attested: str | None, home: str, staff: tuple[object, ...], expected: list[str]
) -> None:
    booking = virtual(AppointmentKind.INTEGRATION, client_location_state=attested, staff=staff)
    found = check(booking, client=ClientInfo(CLIENT.id, home))
    assert codes(found) == expected


def test_in_person_session_ignores_client_home_state() -> None:
    assert check(proposed(AppointmentKind.THERAPY), client=ClientInfo(CLIENT.id, "NY")) == []


def test_telehealth_message_names_state_clinician_and_fix() -> None:
    booking = virtual(
        AppointmentKind.PREPARATION, client_location_state="NJ", staff=(PA_ONLY_THERAPIST,)
    )
    [violation] = check(booking)
    assert violation.message == (
        "Pia Penn is not licensed in NJ. A virtual session needs every clinician licensed "
        "where the client will be in NJ during the session. Book it in person, with a "
        "clinician licensed there, or for a time when the client is in a state the practice "
        "serves."
    )


def test_telehealth_message_for_home_state_asks_to_record_location() -> None:
    booking = virtual(AppointmentKind.PREPARATION, client_location_state=None)
    [violation] = check(booking, client=ClientInfo(CLIENT.id, "NY"))
    assert violation.message.startswith(
        "The practice offers virtual sessions only to clients located in NJ and PA, and no "
        "location was attested for this session, so the client's home state (NY) applies."
    )
    assert violation.message.endswith("If the client will be elsewhere, record where.")


def test_telehealth_medicine_is_refused_and_licensing_still_checked() -> None:
    booking = proposed(modality=Modality.TELEHEALTH, client_location_state="NY")
    found = check(booking)
    assert codes(found) == [
        Rule.MEDICINE_IN_PERSON_ONLY,
        Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED,
    ]
    assert found[0].message == (
        "Medicine sessions happen in person only. Book it at an office that offers medicine "
        "sessions, or choose a preparation or integration session for telehealth."
    )


# --- double booking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        (local(2025, 3, 11, 11), local(2025, 3, 11, 12), False),  # starts as the other ends
        (local(2025, 3, 11, 9), local(2025, 3, 11, 10), False),  # ends as the other starts
        (local(2025, 3, 11, 10, 59), local(2025, 3, 11, 12), True),
        (local(2025, 3, 11, 9), local(2025, 3, 11, 10, 1), True),
        (local(2025, 3, 11, 9), local(2025, 3, 11, 12), True),  # encloses
        (local(2025, 3, 11, 10, 15), local(2025, 3, 11, 10, 45), True),  # inside
        (local(2025, 3, 11, 10), local(2025, 3, 11, 11), True),  # identical
    ],
)
def test_overlap_is_half_open(start: dt.datetime, end: dt.datetime, overlaps: bool) -> None:
    # given the therapist, the room and the client busy 10:00-11:00
    existing = local(2025, 3, 11, 10)
    other = appt(AppointmentKind.THERAPY, existing, staff=[THERAPIST], room=BM_THERAPY)
    mine = appt(AppointmentKind.THERAPY, existing, staff=[PRESCRIBER])
    booking = proposed(AppointmentKind.THERAPY, start=start, end=end)
    pathway = ready_pathway(appointments=(mine,))
    # when
    found = codes(check(booking, pathway, calendar=[other]))
    # then
    expected = [Rule.CONFLICT_CLINICIAN, Rule.CONFLICT_ROOM, Rule.CONFLICT_CLIENT]
    assert found == (expected if overlaps else [])
    assert intervals_overlap(start, end, existing, existing + HOUR) is overlaps


@pytest.mark.parametrize(
    ("status", "conflicts"),
    [
        (AppointmentStatus.BOOKED, True),
        (AppointmentStatus.COMPLETED, True),
        (AppointmentStatus.NO_SHOW, True),
        (AppointmentStatus.CANCELLED, False),
    ],
)
def test_only_cancelled_appointments_free_their_slot(
    status: AppointmentStatus, conflicts: bool
) -> None:
    other = appt(AppointmentKind.THERAPY, START, status=status, staff=[THERAPIST], room=BM_THERAPY)
    found = codes(check(proposed(AppointmentKind.THERAPY), calendar=[other]))
    assert found == ([Rule.CONFLICT_CLINICIAN, Rule.CONFLICT_ROOM] if conflicts else [])


def test_clinician_conflict_message_names_staff_and_local_time() -> None:
    other = appt(AppointmentKind.THERAPY, START, staff=[THERAPIST])
    [violation] = check(
        proposed(AppointmentKind.THERAPY, room=None, location=None, modality=Modality.TELEHEALTH),
        calendar=[other],
    )
    assert violation == Violation(
        Rule.CONFLICT_CLINICIAN,
        "Dana Therapist is already booked on Tue 11 Mar 2025 from 10:00 am to 11:00 am. "
        "Choose another time or another staff member.",
        Subject.APPOINTMENT,
    )


def test_client_conflict_message_names_no_one() -> None:
    pathway = ready_pathway(appointments=(appt(AppointmentKind.THERAPY, START),))
    [violation] = check(proposed(AppointmentKind.THERAPY), pathway)
    assert violation.message == (
        "The client already has an appointment on Tue 11 Mar 2025 from 10:00 am to 11:00 am. "
        "Choose another time."
    )


def test_room_conflict_only_for_the_same_room() -> None:
    busy = appt(AppointmentKind.THERAPY, START, room=BM_THERAPY)
    other_room = RoomInfo(12, BRYN_MAWR.id, BM_THERAPY.kind, "Birch")
    assert codes(check(proposed(AppointmentKind.THERAPY), calendar=[busy])) == [Rule.CONFLICT_ROOM]
    assert check(proposed(AppointmentKind.THERAPY, room=other_room), calendar=[busy]) == []


def test_rescheduling_does_not_conflict_with_itself() -> None:
    # given the appointment being moved, still at its old time, in every list
    old = appt(AppointmentKind.THERAPY, START, staff=[THERAPIST], room=BM_THERAPY, id=77)
    pathway = ready_pathway(appointments=(old,))
    # when it moves by half an hour
    booking = proposed(AppointmentKind.THERAPY, start=START + 30 * MINUTE, id=77)
    # then
    assert check(booking, pathway, calendar=[old]) == []
    assert len(check(dataclasses.replace(booking, id=None), pathway, calendar=[old])) == 3


def test_conflicts_compare_instants_across_the_fall_back_hour() -> None:
    # given the therapist busy 01:10-01:50 EDT on the night clocks fall back
    first = dt.datetime(2025, 11, 2, 1, 10, tzinfo=NY, fold=0)
    other = appt(AppointmentKind.THERAPY, first, first.replace(minute=50), staff=[THERAPIST])
    # when the same wall-clock times are booked an hour later (EST, fold=1)
    second = first.replace(fold=1)
    booking = virtual(AppointmentKind.THERAPY, second, end=second.replace(minute=50))
    # then they do not overlap, and the same instants do
    assert check(booking, calendar=[other]) == []
    clash = virtual(AppointmentKind.THERAPY, first, end=first.replace(minute=50))
    assert codes(check(clash, calendar=[other])) == [Rule.CONFLICT_CLINICIAN]


def test_monitor_and_prescriber_conflicts_are_clinician_conflicts() -> None:
    busy = appt(AppointmentKind.THERAPY, START, staff=[PRESCRIBER])
    booking = proposed(staff=(THERAPIST, MONITOR, PRESCRIBER))
    assert codes(check(booking, calendar=[busy])) == [Rule.CONFLICT_CLINICIAN]


def test_conflicts_with_other_locations_still_count() -> None:
    busy = appt(AppointmentKind.THERAPY, START, staff=[THERAPIST], room=ARD_THERAPY)
    assert codes(check(proposed(AppointmentKind.THERAPY), calendar=[busy])) == [
        Rule.CONFLICT_CLINICIAN
    ]
