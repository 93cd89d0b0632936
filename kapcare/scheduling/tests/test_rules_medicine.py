"""The medicine-session rules, each on both sides of its boundary."""

import dataclasses
import datetime as dt

import pytest

from kapcare.core.violations import Violation
from kapcare.pathway.rules import Clearance, Consent, DoseOrder
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat
from kapcare.people.policy import Role
from kapcare.scheduling.rules import Appointment, LocationInfo, PathwayFacts, RoomInfo, StaffInfo
from kapcare.scheduling.tests import (
    ARD_THERAPY,
    ARDMORE,
    BM_MEDICINE,
    BM_THERAPY,
    BRYN_MAWR,
    DAY,
    END,
    HOUR,
    MINUTE,
    MONITOR,
    NY,
    PA_NJ,
    PRESCRIBER,
    SECOND_MONITOR,
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
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Rule, Subject

SESSION_DAY = dt.date(2025, 3, 11)
RECORDED = local(2025, 2, 1)


def only(rule: str, violations: list[Violation]) -> list[str]:
    """The codes found, asserting nothing but ``rule`` could have fired."""
    found = codes(violations)
    assert set(found) <= {rule}, found
    return found


# --- place ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "room", "expected"),
    [
        (BRYN_MAWR, BM_MEDICINE, []),
        (BRYN_MAWR, BM_THERAPY, [Rule.MEDICINE_LOCATION_NOT_EQUIPPED]),
        (ARDMORE, ARD_THERAPY, [Rule.MEDICINE_LOCATION_NOT_EQUIPPED]),
        # a medicine room at an office that no longer offers medicine sessions
        (
            dataclasses.replace(BRYN_MAWR, offers_medicine_sessions=False),
            BM_MEDICINE,
            [Rule.MEDICINE_LOCATION_NOT_EQUIPPED],
        ),
    ],
)
def test_medicine_needs_an_equipped_office_and_a_medicine_room(
    location: LocationInfo, room: RoomInfo, expected: list[str]
) -> None:
    assert codes(check(proposed(location=location, room=room))) == expected


def test_not_equipped_message_names_both_problems() -> None:
    [violation] = check(proposed(location=ARDMORE, room=ARD_THERAPY))
    assert violation.message == (
        "Ardmore office does not offer medicine sessions. Room Oak is a therapy room, not a "
        "medicine room. Book it in a medicine room at an office that offers medicine sessions."
    )


def test_therapy_may_use_the_medicine_room() -> None:
    assert check(proposed(AppointmentKind.THERAPY, room=BM_MEDICINE)) == []


# --- monitor ----------------------------------------------------------------------------


def test_therapist_alone_cannot_run_a_medicine_session() -> None:
    [violation] = check(proposed(staff=(THERAPIST,)))
    assert violation == Violation(
        Rule.MEDICINE_MONITOR_REQUIRED,
        "A medicine session needs a monitor (RN or clinical staff) present for the whole "
        "session. Add a monitor to the booking.",
        Subject.APPOINTMENT,
    )


def test_a_prescriber_is_not_a_monitor() -> None:
    assert codes(check(proposed(staff=(THERAPIST, PRESCRIBER)))) == [Rule.MEDICINE_MONITOR_REQUIRED]


def test_staff_holding_the_monitor_role_among_others_counts() -> None:
    nurse_therapist = StaffInfo(110, frozenset({Role.THERAPIST, Role.MONITOR}), PA_NJ)
    assert check(proposed(staff=(nurse_therapist,))) == []


@pytest.mark.parametrize(
    ("busy_from", "expected"),
    [
        (END, []),  # busy straight after: still covers the whole session
        (END - MINUTE, [Rule.MEDICINE_MONITOR_REQUIRED, Rule.CONFLICT_CLINICIAN]),
        (START - HOUR, []),  # busy until the session starts
        (START - HOUR + MINUTE, [Rule.MEDICINE_MONITOR_REQUIRED, Rule.CONFLICT_CLINICIAN]),
    ],
)
def test_sole_monitor_booked_elsewhere_does_not_cover_the_session(
    busy_from: dt.datetime, expected: list[str]
) -> None:
    elsewhere = appt(AppointmentKind.MEDICINE, busy_from, staff=[MONITOR])
    assert codes(check(proposed(), calendar=[elsewhere])) == expected


def test_a_free_second_monitor_covers_the_session() -> None:
    elsewhere = appt(AppointmentKind.MEDICINE, START, staff=[MONITOR])
    booking = proposed(staff=(THERAPIST, MONITOR, SECOND_MONITOR))
    assert codes(check(booking, calendar=[elsewhere])) == [Rule.CONFLICT_CLINICIAN]


def test_cancelled_elsewhere_leaves_the_monitor_free() -> None:
    elsewhere = appt(
        AppointmentKind.MEDICINE, START, staff=[MONITOR], status=AppointmentStatus.CANCELLED
    )
    assert check(proposed(), calendar=[elsewhere]) == []


# --- consent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consents", "ok"),
    [
        ((Consent(ConsentKind.KAP_INFORMED_CONSENT, SESSION_DAY - DAY),), True),
        ((Consent(ConsentKind.KAP_INFORMED_CONSENT, SESSION_DAY),), True),
        ((Consent(ConsentKind.KAP_INFORMED_CONSENT, SESSION_DAY + DAY),), False),
        ((), False),
        ((Consent(ConsentKind.TELEHEALTH, SESSION_DAY - DAY),), False),
        ((Consent(ConsentKind.FINANCIAL, SESSION_DAY - DAY),), False),
        # revoked: before / on / after the session date
        (
            (Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 1, 1), SESSION_DAY - DAY),),
            False,
        ),
        ((Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 1, 1), SESSION_DAY),), False),
        (
            (Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 1, 1), SESSION_DAY + DAY),),
            True,
        ),
        # revoked, then signed again
        (
            (
                Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
                Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 3, 1), version="2"),
            ),
            True,
        ),
    ],
)
def test_consent_signed_on_or_before_and_not_revoked_by_the_session_date(
    consents: tuple[Consent, ...], ok: bool
) -> None:
    found = only(Rule.MEDICINE_REQUIRES_CONSENT, check(pathway=ready_pathway(consents=consents)))
    assert found == ([] if ok else [Rule.MEDICINE_REQUIRES_CONSENT])


@pytest.mark.parametrize(
    ("consents", "message"),
    [
        (
            (),
            "No signed KAP informed consent is on file. Have the client review and sign the "
            "KAP informed consent before the medicine session.",
        ),
        (
            (Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 1, 1), dt.date(2025, 3, 10)),),
            "The client revoked the KAP informed consent on Mon 10 Mar 2025. A medicine "
            "session needs a newly signed consent; book it only if the client chooses to sign "
            "again.",
        ),
        (
            (Consent(ConsentKind.KAP_INFORMED_CONSENT, dt.date(2025, 3, 12)),),
            "The KAP informed consent on file was signed on Wed 12 Mar 2025, after the session "
            "date (Tue 11 Mar 2025). Have the client review and sign the KAP informed consent "
            "before the medicine session.",
        ),
    ],
)
def test_consent_messages(consents: tuple[Consent, ...], message: str) -> None:
    [violation] = check(pathway=ready_pathway(consents=consents))
    assert violation.message == message


def test_consent_date_is_the_session_date_in_the_location_zone() -> None:
    # given a session at 21:00 on 11 March in Bryn Mawr (already 12 March in UTC)
    start = local(2025, 3, 11, 21)
    pathway = ready_pathway(
        start, consents=(Consent(ConsentKind.KAP_INFORMED_CONSENT, SESSION_DAY),)
    )
    # then a consent signed on 11 March counts, one revoked on 12 March still does
    assert check(proposed(start=start), pathway) == []
    revoked_next_day = Consent(ConsentKind.KAP_INFORMED_CONSENT, SESSION_DAY, SESSION_DAY + DAY)
    assert check(proposed(start=start), ready_pathway(start, consents=(revoked_next_day,))) == []


# --- clearance --------------------------------------------------------------------------


def clearance(
    status: ClearanceStatus = ClearanceStatus.CLEARED,
    valid_until: dt.date = SESSION_DAY,
    recorded_at: dt.datetime = RECORDED,
) -> Clearance:
    return Clearance(status, valid_until, recorded_at)


@pytest.mark.parametrize(
    ("clearances", "ok"),
    [
        ((clearance(valid_until=SESSION_DAY + DAY),), True),
        ((clearance(valid_until=SESSION_DAY),), True),  # expires the day of the session
        ((clearance(valid_until=SESSION_DAY - DAY),), False),  # the day before
        ((clearance(ClearanceStatus.NOT_CLEARED, SESSION_DAY + DAY),), False),
        ((clearance(ClearanceStatus.NEEDS_INFORMATION, SESSION_DAY + DAY),), False),
        ((), False),
        # the latest decision governs, whichever order they come in
        (
            (
                clearance(valid_until=SESSION_DAY + 90 * DAY, recorded_at=local(2025, 1, 5)),
                clearance(ClearanceStatus.NOT_CLEARED, SESSION_DAY + DAY, local(2025, 2, 5)),
            ),
            False,
        ),
        (
            (
                clearance(ClearanceStatus.NEEDS_INFORMATION, SESSION_DAY, local(2025, 1, 5)),
                clearance(valid_until=SESSION_DAY + DAY, recorded_at=local(2025, 2, 5)),
            ),
            True,
        ),
        # a renewal recorded later replaces an expired clearance
        (
            (
                clearance(valid_until=SESSION_DAY - DAY, recorded_at=local(2025, 1, 5)),
                clearance(valid_until=SESSION_DAY + 30 * DAY, recorded_at=local(2025, 3, 1)),
            ),
            True,
        ),
        # two decisions recorded at the same instant: both must allow it
        (
            (
                clearance(valid_until=SESSION_DAY + DAY),
                clearance(ClearanceStatus.NOT_CLEARED, SESSION_DAY + DAY),
            ),
            False,
        ),
    ],
)
def test_clearance_cleared_and_valid_on_the_session_date(
    clearances: tuple[Clearance, ...], ok: bool
) -> None:
    found = only(
        Rule.MEDICINE_REQUIRES_CLEARANCE, check(pathway=ready_pathway(clearances=clearances))
    )
    assert found == ([] if ok else [Rule.MEDICINE_REQUIRES_CLEARANCE])


def test_clearance_boundary_uses_the_local_session_date() -> None:
    # given a session at 21:00 EDT on 11 March, 01:00 UTC on 12 March
    start = local(2025, 3, 11, 21)
    pathway = ready_pathway(start, clearances=(clearance(valid_until=SESSION_DAY),))
    # then a clearance valid until 11 March still covers it
    assert check(proposed(start=start), pathway) == []


def test_expired_clearance_message_says_when_and_how() -> None:
    pathway = ready_pathway(clearances=(clearance(valid_until=SESSION_DAY - DAY),))
    [violation] = check(pathway=pathway)
    assert violation.message == (
        "The medical clearance is valid until Mon 10 Mar 2025, before the session date "
        "(Tue 11 Mar 2025). Ask the medical provider to renew it, or book the session on or "
        "before Mon 10 Mar 2025."
    )


def test_refused_clearance_message_quotes_the_decision() -> None:
    pathway = ready_pathway(clearances=(clearance(ClearanceStatus.NEEDS_INFORMATION),))
    [violation] = check(pathway=pathway)
    assert violation.message == (
        "The latest medical clearance says 'needs more information'. A medical provider must "
        "record a clearance before a medicine session can be booked."
    )


# --- dose order -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orders", "ok"),
    [
        ((DoseOrder(SESSION_DAY - DAY),), True),
        ((DoseOrder(SESSION_DAY),), True),
        ((DoseOrder(SESSION_DAY + DAY),), False),
        ((DoseOrder(dt.date(2025, 1, 1), SESSION_DAY),), True),
        ((DoseOrder(dt.date(2025, 1, 1), SESSION_DAY - DAY),), False),
        ((), False),
        ((DoseOrder(dt.date(2025, 1, 1), dt.date(2025, 2, 1)), DoseOrder(SESSION_DAY)), True),
    ],
)
def test_dose_order_active_on_the_session_date(orders: tuple[DoseOrder, ...], ok: bool) -> None:
    found = only(
        Rule.MEDICINE_DOSE_ORDER_REQUIRED, check(pathway=ready_pathway(dose_orders=orders))
    )
    assert found == ([] if ok else [Rule.MEDICINE_DOSE_ORDER_REQUIRED])


# --- preparation ------------------------------------------------------------------------


def preparation(
    end: dt.datetime, status: AppointmentStatus = AppointmentStatus.COMPLETED
) -> Appointment:
    return appt(AppointmentKind.PREPARATION, end - HOUR, end, status=status)


def with_preparations(plan_format: PlanFormat, *preparations: Appointment) -> PathwayFacts:
    base = without(ready_pathway(plan_format=plan_format), AppointmentKind.PREPARATION)
    return adding(base, *preparations)


C, B = AppointmentStatus.COMPLETED, AppointmentStatus.BOOKED
X, N = AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW


@pytest.mark.parametrize(
    ("plan_format", "preparations", "ok"),
    [
        (PlanFormat.ONGOING, [], False),
        (PlanFormat.ONGOING, [(START - 7 * DAY, C)], False),
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START - 2 * DAY, C)], True),
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START - 2 * DAY, B)], True),
        (PlanFormat.ONGOING, [(START - 7 * DAY, B), (START - 2 * DAY, B)], True),
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START - 2 * DAY, X)], False),
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START - 2 * DAY, N)], False),
        # ends exactly as the medicine session starts: counts
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START, B)], True),
        # after the medicine session: does not count
        (PlanFormat.ONGOING, [(START - 7 * DAY, C), (START + 2 * DAY, B)], False),
        (PlanFormat.INTENSIVE, [], False),
        (PlanFormat.INTENSIVE, [(START - DAY, B)], True),
        (PlanFormat.INTENSIVE, [(START - DAY, N)], False),
        (PlanFormat.INTENSIVE, [(START, C)], True),
    ],
)
def test_preparation_count_by_format(
    plan_format: PlanFormat,
    preparations: list[tuple[dt.datetime, AppointmentStatus]],
    ok: bool,
) -> None:
    pathway = with_preparations(plan_format, *(preparation(e, s) for e, s in preparations))
    found = only(Rule.MEDICINE_REQUIRES_PREPARATION, check(pathway=pathway))
    assert found == ([] if ok else [Rule.MEDICINE_REQUIRES_PREPARATION])


def test_preparation_ending_a_minute_into_the_session_does_not_count() -> None:
    # given the second preparation runs one minute into the medicine session
    pathway = with_preparations(
        PlanFormat.ONGOING, preparation(START - 7 * DAY), preparation(START + MINUTE, B)
    )
    # then it neither counts nor fits
    assert codes(check(pathway=pathway)) == [
        Rule.MEDICINE_REQUIRES_PREPARATION,
        Rule.CONFLICT_CLIENT,
    ]


def test_preparation_message_says_how_many_more() -> None:
    pathway = with_preparations(PlanFormat.ONGOING, preparation(START - 7 * DAY))
    [violation] = check(pathway=pathway)
    assert violation.message == (
        "A medicine session needs 2 preparation sessions (ongoing format) completed or booked "
        "to end before it starts; 1 found. Book 1 more preparation session ending by "
        "Tue 11 Mar 2025, 10:00 am."
    )


# --- integration ------------------------------------------------------------------------


def integration(
    start: dt.datetime, status: AppointmentStatus = AppointmentStatus.BOOKED
) -> Appointment:
    return appt(AppointmentKind.INTEGRATION, start, status=status)


def with_integrations(plan_format: PlanFormat, *integrations: Appointment) -> PathwayFacts:
    base = without(ready_pathway(plan_format=plan_format), AppointmentKind.INTEGRATION)
    return adding(base, *integrations)


@pytest.mark.parametrize(
    ("plan_format", "integration_start", "status", "ok"),
    [
        (PlanFormat.ONGOING, END, B, True),  # right after the session ends
        (PlanFormat.ONGOING, local(2025, 3, 18, 23, 0), B, True),  # last evening of day 7
        (PlanFormat.ONGOING, local(2025, 3, 18, 23, 59), B, True),
        (PlanFormat.ONGOING, local(2025, 3, 19, 0, 0), B, False),  # day 8
        (PlanFormat.ONGOING, local(2025, 3, 12), C, True),
        (PlanFormat.ONGOING, local(2025, 3, 12), X, False),
        (PlanFormat.ONGOING, local(2025, 3, 12), N, False),
        (PlanFormat.ONGOING, START - DAY, B, False),  # before the session
        (PlanFormat.INTENSIVE, local(2025, 3, 13, 18), B, True),  # day 2
        (PlanFormat.INTENSIVE, local(2025, 3, 14, 9), B, False),  # day 3
    ],
)
def test_integration_within_k_days_after_the_session_ends(
    plan_format: PlanFormat, integration_start: dt.datetime, status: AppointmentStatus, ok: bool
) -> None:
    pathway = with_integrations(plan_format, integration(integration_start, status))
    found = only(Rule.MEDICINE_REQUIRES_INTEGRATION, check(pathway=pathway))
    assert found == ([] if ok else [Rule.MEDICINE_REQUIRES_INTEGRATION])


def test_integration_starting_before_the_session_ends_does_not_count() -> None:
    pathway = with_integrations(PlanFormat.ONGOING, integration(END - MINUTE))
    assert codes(check(pathway=pathway)) == [
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        Rule.CONFLICT_CLIENT,
    ]


def test_follow_up_in_the_same_request_satisfies_integration() -> None:
    pathway = with_integrations(PlanFormat.INTENSIVE)
    follow_up = virtual(AppointmentKind.INTEGRATION, local(2025, 3, 13, 9))
    assert check(pathway=pathway, follow_up=follow_up) == []


def test_follow_up_outside_the_window_is_named() -> None:
    pathway = with_integrations(PlanFormat.INTENSIVE)
    follow_up = virtual(AppointmentKind.INTEGRATION, local(2025, 3, 14, 9))
    [violation] = check(pathway=pathway, follow_up=follow_up)
    assert violation == Violation(
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        "Every medicine session needs an integration session within 2 days after it "
        "(intensive format): starting after the medicine session ends (Tue 11 Mar 2025, "
        "1:00 pm) and no later than Thu 13 Mar 2025. The integration session in this request is "
        "outside that window; move it into the window.",
        Subject.APPOINTMENT,
    )


def test_missing_integration_message_offers_the_follow_up() -> None:
    [violation] = check(pathway=with_integrations(PlanFormat.ONGOING))
    assert violation.message.endswith(
        "no later than Tue 18 Mar 2025. Book one in the same request as a follow-up, or book "
        "it first."
    )


# --- spacing ----------------------------------------------------------------------------


def medicine_at(
    start: dt.datetime, status: AppointmentStatus = AppointmentStatus.COMPLETED
) -> Appointment:
    return appt(AppointmentKind.MEDICINE, start, start + 3 * HOUR, status=status)


def spacing_codes(plan_format: PlanFormat, start: dt.datetime, *others: Appointment) -> list[str]:
    """Codes for a medicine session at ``start`` with a ready client and ``others``."""
    pathway = adding(ready_pathway(start, plan_format=plan_format), *others)
    return only(Rule.MEDICINE_MIN_SPACING, check(proposed(start=start), pathway))


SPACED = [Rule.MEDICINE_MIN_SPACING]


@pytest.mark.parametrize(
    ("previous", "status", "expected"),
    [
        (START - 7 * DAY, C, []),  # exactly 7 days
        (START - 7 * DAY + MINUTE, C, SPACED),  # 7 days minus a minute
        (START - 7 * DAY + MINUTE, B, SPACED),
        (START - 7 * DAY + MINUTE, X, []),  # cancelled never counts
        (START - 7 * DAY + MINUTE, N, []),  # nor a no-show (no dose was given)
        (START - 30 * DAY, C, []),
    ],
)
def test_ongoing_spacing_since_the_previous_session(
    previous: dt.datetime, status: AppointmentStatus, expected: list[str]
) -> None:
    assert spacing_codes(PlanFormat.ONGOING, START, medicine_at(previous, status)) == expected


@pytest.mark.parametrize(
    ("following", "expected"),
    [(START + 7 * DAY, []), (START + 7 * DAY - MINUTE, SPACED), (START + 3 * DAY, SPACED)],
)
def test_ongoing_spacing_before_the_next_session(
    following: dt.datetime, expected: list[str]
) -> None:
    assert spacing_codes(PlanFormat.ONGOING, START, medicine_at(following, B)) == expected


@pytest.mark.parametrize(
    ("previous", "start", "expected"),
    [
        # spring forward (9 March 2025): 10:00 EST to 10:00 EDT is 6 days 23 hours
        (local(2025, 3, 4, 10), local(2025, 3, 11, 10), []),
        (local(2025, 3, 4, 10), local(2025, 3, 11, 9, 59), SPACED),
        # fall back (2 November 2025): 10:00 EDT to 09:59 EST is 7 days 59 minutes
        (local(2025, 10, 28, 10), local(2025, 11, 4, 10), []),
        (local(2025, 10, 28, 10), local(2025, 11, 4, 9, 59), SPACED),
    ],
)
def test_ongoing_spacing_is_wall_clock_across_dst(
    previous: dt.datetime, start: dt.datetime, expected: list[str]
) -> None:
    assert spacing_codes(PlanFormat.ONGOING, start, medicine_at(previous)) == expected


def test_dst_spring_forward_week_is_shorter_than_seven_elapsed_days() -> None:
    elapsed = local(2025, 3, 11, 10).astimezone(dt.UTC) - local(2025, 3, 4, 10).astimezone(dt.UTC)
    assert elapsed == 7 * DAY - HOUR


@pytest.mark.parametrize(
    ("other", "start", "expected"),
    [
        (local(2025, 3, 10, 10), local(2025, 3, 11, 10), []),  # yesterday
        (local(2025, 3, 12, 9), local(2025, 3, 11, 10), []),  # tomorrow
        (local(2025, 3, 11, 15), local(2025, 3, 11, 9), SPACED),  # later the same day
        (local(2025, 3, 11, 6), local(2025, 3, 11, 10), SPACED),  # earlier the same day
        # 23:30 and 00:30 the next local day share a UTC date: allowed
        (local(2025, 3, 10, 20, 30), local(2025, 3, 11, 0, 30), []),
        # 00:30 and 21:00 on the same local day fall on different UTC dates: refused
        (local(2025, 3, 11, 0, 30), local(2025, 3, 11, 21), SPACED),
        # on the day clocks spring forward
        (local(2025, 3, 9, 0, 30), local(2025, 3, 9, 21), SPACED),
        (local(2025, 3, 8, 21), local(2025, 3, 9, 9), []),
    ],
)
def test_intensive_allows_one_medicine_session_per_local_day(
    other: dt.datetime, start: dt.datetime, expected: list[str]
) -> None:
    assert spacing_codes(PlanFormat.INTENSIVE, start, medicine_at(other, B)) == expected


def test_spacing_message_gives_the_earliest_start() -> None:
    pathway = adding(ready_pathway(), medicine_at(local(2025, 3, 6, 9)))
    [violation] = check(pathway=pathway)
    assert violation.message == (
        "The ongoing format allows medicine sessions at least 7 days apart. The previous one "
        "is on Thu 6 Mar 2025, 9:00 am, so this one can start from Thu 13 Mar 2025, 9:00 am. "
        "Choose another date."
    )


def test_spacing_message_names_previous_and_next() -> None:
    pathway = adding(
        ready_pathway(),
        medicine_at(local(2025, 3, 6, 9)),
        medicine_at(local(2025, 3, 14, 9), B),
    )
    [violation] = check(pathway=pathway)
    assert "The previous one is on Thu 6 Mar 2025, 9:00 am" in violation.message
    assert (
        "The next one is on Fri 14 Mar 2025, 9:00 am, so this one must start by "
        "Fri 7 Mar 2025, 9:00 am." in violation.message
    )
    assert violation.message.endswith(
        "There is no room for another one between them; choose a later date."
    )


def test_intensive_spacing_message() -> None:
    pathway = adding(
        ready_pathway(plan_format=PlanFormat.INTENSIVE),
        medicine_at(local(2025, 3, 11, 15), B),
    )
    [violation] = check(proposed(start=local(2025, 3, 11, 8)), pathway)
    assert violation.message == (
        "The intensive format allows at most one medicine session a day. The client already "
        "has a medicine session on Tue 11 Mar 2025. Choose a date with no medicine session "
        "that close."
    )


def test_rescheduled_medicine_session_is_not_spaced_against_itself() -> None:
    old = appt(AppointmentKind.MEDICINE, START, END, id=5, staff=[THERAPIST, MONITOR])
    pathway = adding(ready_pathway(), old)
    assert check(proposed(start=START + DAY, id=5), pathway, calendar=[old]) == []


# --- safety -----------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "expected"), [(0, []), (1, [Rule.SAFETY_UNREVIEWED_RISK_FLAG])])
def test_unreviewed_risk_flag_blocks_medicine(flags: int, expected: list[str]) -> None:
    assert codes(check(pathway=ready_pathway(unreviewed_risk_flags=flags))) == expected


@pytest.mark.parametrize("kind", [k for k in AppointmentKind if k is not AppointmentKind.MEDICINE])
def test_unreviewed_risk_flag_never_blocks_talking_sessions(kind: AppointmentKind) -> None:
    assert check(proposed(kind), ready_pathway(unreviewed_risk_flags=3)) == []


def test_risk_flag_message_gives_no_clinical_detail() -> None:
    [violation] = check(pathway=ready_pathway(unreviewed_risk_flags=2))
    assert violation.message == (
        "There are 2 open risk flags that a clinician has not reviewed yet. A clinician on the "
        "care team must review them before a medicine session can go ahead."
    )


def test_messages_use_the_location_time_zone() -> None:
    # given a session in the medicine room in Bryn Mawr and a booked clash at 14:00 UTC
    busy = appt(
        AppointmentKind.THERAPY,
        dt.datetime(2025, 3, 11, 14, tzinfo=dt.UTC),
        room=BM_MEDICINE,
    )
    [violation] = check(calendar=[busy])
    # then the message speaks Bryn Mawr time (EDT)
    assert "Tue 11 Mar 2025 from 10:00 am to 11:00 am" in violation.message
    assert START.tzinfo is NY
