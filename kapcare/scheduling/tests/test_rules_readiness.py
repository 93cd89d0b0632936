"""Pathway at a glance, the pre-dose check, and the policy settings behind the rules."""

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from kapcare.core.violations import Violation
from kapcare.pathway.rules import Clearance, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, PlanFormat, PlanStatus
from kapcare.scheduling.rules import (
    PathwayFacts,
    ReadinessItem,
    check_pathway_at_dosing,
    check_preparation_at_dosing,
    check_ready_to_dose,
    medicine_readiness,
)
from kapcare.scheduling.tests import (
    DAY,
    END,
    HOUR,
    MONITOR,
    NY_THERAPIST,
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
from kapcare.scheduling.thresholds import (
    DEFAULT_POLICY,
    MedicineSpacing,
    SchedulingPolicy,
    Setting,
    SpacingMeasure,
)
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Rule

ZONE = "America/New_York"
ORDER = [
    Rule.PLAN_REQUIRED,
    Rule.MEDICINE_REQUIRES_CONSENT,
    Rule.MEDICINE_REQUIRES_CLEARANCE,
    Rule.MEDICINE_DOSE_ORDER_REQUIRED,
    Rule.MEDICINE_REQUIRES_PREPARATION,
    Rule.SAFETY_UNREVIEWED_RISK_FLAG,
    Rule.MEDICINE_MIN_SPACING,
    Rule.MEDICINE_REQUIRES_INTEGRATION,
]


def missing(items: list[ReadinessItem]) -> list[str]:
    return [item.rule for item in items if not item.ok]


# --- pathway at a glance ----------------------------------------------------------------


def test_readiness_of_a_booked_ready_session_is_all_done() -> None:
    # given the medicine session is booked and everything is in place
    session = appt(AppointmentKind.MEDICINE, START, END, staff=[THERAPIST, MONITOR])
    pathway = adding(ready_pathway(), session)
    # when the chart opens a week earlier
    items = medicine_readiness(pathway=pathway, now=START - 7 * DAY, time_zone=ZONE)
    # then
    assert [item.rule for item in items] == ORDER
    assert missing(items) == []
    assert items[2].message == "Medically cleared, valid until Sat 10 May 2025."
    assert items[4].message == "2 of 2 preparation sessions completed (ongoing format)."


def test_readiness_of_a_new_client_lists_everything_missing() -> None:
    items = medicine_readiness(pathway=PathwayFacts(plan=None), now=START, time_zone=ZONE)
    assert [item.rule for item in items] == ORDER
    assert missing(items) == [
        Rule.PLAN_REQUIRED,
        Rule.MEDICINE_REQUIRES_CONSENT,
        Rule.MEDICINE_REQUIRES_CLEARANCE,
        Rule.MEDICINE_DOSE_ORDER_REQUIRED,
        Rule.MEDICINE_REQUIRES_PREPARATION,
    ]
    assert items[4].message == (
        "0 of 2 preparation sessions completed (ongoing format). Book 2 more preparation "
        "sessions before the medicine session."
    )


def test_readiness_counts_booked_preparations_before_a_session_is_booked() -> None:
    # given one completed preparation and one booked next week, no medicine session yet
    pathway = without(ready_pathway(), AppointmentKind.PREPARATION)
    pathway = adding(
        pathway,
        appt(AppointmentKind.PREPARATION, START - 7 * DAY, status=AppointmentStatus.COMPLETED),
        appt(AppointmentKind.PREPARATION, START + 7 * DAY),
    )
    # when
    items = medicine_readiness(pathway=pathway, now=START, time_zone=ZONE)
    # then
    assert items[4] == ReadinessItem(
        Rule.MEDICINE_REQUIRES_PREPARATION,
        True,
        "1 of 2 preparation sessions completed, 1 more booked (ongoing format).",
    )


def test_readiness_of_a_paused_plan() -> None:
    pathway = ready_pathway(plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.PAUSED))
    items = medicine_readiness(pathway=pathway, now=START, time_zone=ZONE)
    assert items[0].rule == Rule.PLAN_PAUSED
    assert missing(items) == [Rule.PLAN_PAUSED]


def test_readiness_flags_a_clearance_that_expires_before_the_booked_session() -> None:
    session = appt(AppointmentKind.MEDICINE, START, END)
    cleared = Clearance(ClearanceStatus.CLEARED, dt.date(2025, 3, 10), local(2025, 1, 1))
    pathway = adding(ready_pathway(clearances=(cleared,)), session)
    items = medicine_readiness(pathway=pathway, now=START - 3 * DAY, time_zone=ZONE)
    assert missing(items) == [Rule.MEDICINE_REQUIRES_CLEARANCE]


def test_readiness_flags_a_booked_session_whose_integration_was_cancelled() -> None:
    session = appt(AppointmentKind.MEDICINE, START, END)
    pathway = adding(without(ready_pathway(), AppointmentKind.INTEGRATION), session)
    pathway = adding(
        pathway,
        appt(AppointmentKind.INTEGRATION, START + DAY, status=AppointmentStatus.CANCELLED),
    )
    items = medicine_readiness(pathway=pathway, now=START - DAY, time_zone=ZONE)
    assert missing(items) == [Rule.MEDICINE_REQUIRES_INTEGRATION]


def test_readiness_gives_the_earliest_next_session_when_none_is_booked() -> None:
    # given a completed medicine session on 11 March with its integration
    pathway = adding(
        ready_pathway(),
        appt(AppointmentKind.MEDICINE, START, END, status=AppointmentStatus.COMPLETED),
    )
    # when the chart opens on 14 March
    items = medicine_readiness(pathway=pathway, now=local(2025, 3, 14), time_zone=ZONE)
    # then spacing is not yet met and says when it will be
    assert items[6] == ReadinessItem(
        Rule.MEDICINE_MIN_SPACING,
        False,
        "The ongoing format allows medicine sessions at least 7 days apart: the next one can "
        "be on or after Tue 18 Mar 2025, 10:00 am.",
    )
    assert items[7] == ReadinessItem(
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        True,
        "The last medicine session (Tue 11 Mar 2025, 10:00 am) was followed by integration.",
    )
    # and from 18 March 10:00 it is met
    later = medicine_readiness(pathway=pathway, now=local(2025, 3, 18), time_zone=ZONE)
    assert later[6].ok


def test_readiness_notices_a_past_session_without_integration() -> None:
    pathway = adding(
        without(ready_pathway(), AppointmentKind.INTEGRATION),
        appt(AppointmentKind.MEDICINE, START, END, status=AppointmentStatus.COMPLETED),
    )
    items = medicine_readiness(pathway=pathway, now=START + 10 * DAY, time_zone=ZONE)
    assert items[7] == ReadinessItem(
        Rule.MEDICINE_REQUIRES_INTEGRATION,
        False,
        "The last medicine session (Tue 11 Mar 2025, 10:00 am) has no integration session in "
        "the 7 days after it (by Tue 18 Mar 2025). Book one as soon as possible.",
    )


def test_readiness_intensive_spacing_is_by_day() -> None:
    pathway = adding(
        ready_pathway(plan_format=PlanFormat.INTENSIVE),
        appt(AppointmentKind.MEDICINE, START, END, status=AppointmentStatus.COMPLETED),
    )
    same_day = medicine_readiness(pathway=pathway, now=START + 4 * HOUR, time_zone=ZONE)
    next_day = medicine_readiness(pathway=pathway, now=local(2025, 3, 12, 0, 1), time_zone=ZONE)
    assert not same_day[6].ok
    assert "on or after Wed 12 Mar 2025." in same_day[6].message
    assert next_day[6].ok


def test_readiness_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        medicine_readiness(
            pathway=ready_pathway(),
            now=dt.datetime(2025, 3, 11),  # noqa: DTZ001 - the bad input under test
            time_zone=ZONE,
        )


# --- at dosing --------------------------------------------------------------------------


def test_booked_preparation_counts_for_booking_but_not_for_dosing() -> None:
    # given one completed and one booked (not yet held) preparation before the session
    pathway = adding(
        without(ready_pathway(), AppointmentKind.PREPARATION),
        appt(AppointmentKind.PREPARATION, START - 7 * DAY, status=AppointmentStatus.COMPLETED),
        appt(AppointmentKind.PREPARATION, START - DAY),
    )
    # then booking is fine
    assert check(pathway=pathway) == []
    # and dosing is not
    found = check_preparation_at_dosing(
        medicine_start=START,
        appointments=pathway.appointments,
        plan_format=PlanFormat.ONGOING,
        time_zone=ZONE,
    )
    assert found == Violation(
        Rule.MEDICINE_REQUIRES_PREPARATION,
        "Dosing needs 2 completed preparation sessions (ongoing format); 1 completed. "
        "Complete 1 more preparation session before dosing.",
    )


@pytest.mark.parametrize(
    ("status", "ok"),
    [
        (AppointmentStatus.COMPLETED, True),
        (AppointmentStatus.BOOKED, False),
        (AppointmentStatus.NO_SHOW, False),
        (AppointmentStatus.CANCELLED, False),
    ],
)
def test_at_dosing_only_completed_preparation_counts(status: AppointmentStatus, ok: bool) -> None:
    preparation = appt(AppointmentKind.PREPARATION, START - DAY, status=status)
    found = check_preparation_at_dosing(
        medicine_start=START,
        appointments=(preparation,),
        plan_format=PlanFormat.INTENSIVE,
        time_zone=ZONE,
    )
    assert (found is None) is ok


def test_ready_to_dose() -> None:
    session = appt(AppointmentKind.MEDICINE, START, END, id=9)
    pathway = adding(ready_pathway(), session)
    assert check_ready_to_dose(session=session, pathway=pathway, time_zone=ZONE) == []


def test_not_ready_to_dose_lists_every_reason() -> None:
    # given the clearance lapsed the day before, a risk flag is open, one preparation
    # was only booked and then missed
    session = appt(AppointmentKind.MEDICINE, START, END, id=9)
    lapsed = Clearance(ClearanceStatus.CLEARED, dt.date(2025, 3, 10), local(2025, 1, 1))
    pathway = ready_pathway(
        clearances=(lapsed,),
        unreviewed_risk_flags=1,
        appointments=(
            appt(AppointmentKind.PREPARATION, START - 7 * DAY, status=AppointmentStatus.COMPLETED),
            appt(AppointmentKind.PREPARATION, START - DAY, status=AppointmentStatus.NO_SHOW),
            session,
        ),
    )
    # when
    found = check_ready_to_dose(session=session, pathway=pathway, time_zone=ZONE)
    # then
    assert codes(found) == [
        Rule.MEDICINE_REQUIRES_CLEARANCE,
        Rule.MEDICINE_REQUIRES_PREPARATION,
        Rule.SAFETY_UNREVIEWED_RISK_FLAG,
    ]


def test_not_ready_to_dose_when_plan_paused_or_consent_revoked() -> None:
    session = appt(AppointmentKind.MEDICINE, START, END, id=9)
    pathway = ready_pathway(
        plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.PAUSED),
        consents=(
            dataclasses.replace(ready_pathway().consents[0], revoked_on=dt.date(2025, 3, 11)),
        ),
        dose_orders=(),
    )
    found = check_ready_to_dose(session=session, pathway=pathway, time_zone=ZONE)
    assert codes(found) == [
        Rule.PLAN_PAUSED,
        Rule.MEDICINE_REQUIRES_CONSENT,
        Rule.MEDICINE_DOSE_ORDER_REQUIRED,
    ]


SESSION_DAY = dt.date(2025, 3, 11)


def _revoked(on: dt.date) -> PathwayFacts:
    consent = dataclasses.replace(ready_pathway().consents[0], revoked_on=on)
    return ready_pathway(consents=(consent,))


def _cleared_until(until: dt.date) -> PathwayFacts:
    return ready_pathway(clearances=(Clearance(ClearanceStatus.CLEARED, until, START - 9 * DAY),))


@pytest.mark.parametrize(
    ("pathway", "expected"),
    [
        (ready_pathway(), []),
        (
            ready_pathway(plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.PAUSED)),
            [Rule.PLAN_PAUSED],
        ),
        (
            ready_pathway(plan=TreatmentPlan(PlanFormat.ONGOING, PlanStatus.CLOSED)),
            [Rule.PLAN_REQUIRED],
        ),
        (ready_pathway(plan=None), [Rule.PLAN_REQUIRED]),
        # revoked on the session day: not in force that day; the day after: still in force
        (_revoked(SESSION_DAY), [Rule.MEDICINE_REQUIRES_CONSENT]),
        (_revoked(SESSION_DAY - DAY), [Rule.MEDICINE_REQUIRES_CONSENT]),
        (_revoked(SESSION_DAY + DAY), []),
        (ready_pathway(consents=()), [Rule.MEDICINE_REQUIRES_CONSENT]),
        # valid until the session day: fine; until the day before: expired
        (_cleared_until(SESSION_DAY), []),
        (_cleared_until(SESSION_DAY - DAY), [Rule.MEDICINE_REQUIRES_CLEARANCE]),
        (ready_pathway(clearances=()), [Rule.MEDICINE_REQUIRES_CLEARANCE]),
        # what the medicine session checks itself is not repeated here
        (ready_pathway(dose_orders=(), unreviewed_risk_flags=2, appointments=()), []),
    ],
)
def test_the_pathway_at_the_moment_of_a_dose(pathway: PathwayFacts, expected: list[Rule]) -> None:
    found = check_pathway_at_dosing(session_start=START, pathway=pathway, time_zone=ZONE)
    assert codes(found) == expected


def test_the_pathway_at_dosing_reads_the_session_date_in_the_locations_zone() -> None:
    # 23:30 in New York on the 10th is already the 11th in UTC: the consent revoked on
    # the 11th was still in force on the session's own date, the 10th.
    late = local(2025, 3, 10, 23, 30)
    found = check_pathway_at_dosing(
        session_start=late, pathway=_revoked(SESSION_DAY), time_zone=ZONE
    )
    assert found == []


# --- policy -----------------------------------------------------------------------------


def test_default_policy_matches_clinical_md() -> None:
    ongoing, intensive = DEFAULT_POLICY.ongoing, DEFAULT_POLICY.intensive
    assert ongoing.preparation_sessions.value == 2
    assert intensive.preparation_sessions.value == 1
    assert ongoing.integration_within_days.value == 7
    assert intensive.integration_within_days.value == 2
    assert ongoing.medicine_spacing.value == MedicineSpacing(7, SpacingMeasure.WALL_CLOCK)
    assert intensive.medicine_spacing.value == MedicineSpacing(1, SpacingMeasure.CALENDAR_DAY)
    assert DEFAULT_POLICY.telehealth_states.value == frozenset({"PA", "NJ"})
    assert DEFAULT_POLICY.time_zone.value == "America/New_York"


def test_every_setting_has_a_source() -> None:
    rows = DEFAULT_POLICY.settings()
    assert [name for name, _, _ in rows] == [
        "ongoing.preparation_sessions",
        "ongoing.integration_within_days",
        "ongoing.medicine_spacing",
        "intensive.preparation_sessions",
        "intensive.integration_within_days",
        "intensive.medicine_spacing",
        "telehealth_states",
        "time_zone",
        "client_cancel_notice_hours",
    ]
    # Clinical settings cite the clinical reference; the portal's cancellation notice is
    # practice policy, and cites the issue that asked for it.
    assert all(
        "CLINICAL.md" in source or "DESIGN.md" in source or "issue 11" in source
        for _, _, source in rows
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Setting(1, " "),
        lambda: MedicineSpacing(-1, SpacingMeasure.WALL_CLOCK),
        lambda: dataclasses.replace(
            DEFAULT_POLICY, telehealth_states=Setting(frozenset({"PA", "ZZ"}), "test")
        ),
        lambda: dataclasses.replace(DEFAULT_POLICY, time_zone=Setting("Mars/Olympus", "test")),
        lambda: dataclasses.replace(
            DEFAULT_POLICY.ongoing, preparation_sessions=Setting(-1, "test")
        ),
    ],
)
def test_invalid_settings_are_refused(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        make()


def test_a_practice_may_change_a_setting() -> None:
    # given a practice that wants three preparation sessions for ongoing plans
    policy = dataclasses.replace(
        DEFAULT_POLICY,
        ongoing=dataclasses.replace(
            DEFAULT_POLICY.ongoing,
            preparation_sessions=Setting(3, "Practice decision 2025-02-01 (audit #12)"),
        ),
    )
    # then the ready client now lacks one
    assert codes(check(proposed(), ready_pathway(), policy=policy)) == [
        Rule.MEDICINE_REQUIRES_PREPARATION
    ]
    assert isinstance(policy, SchedulingPolicy)


def test_a_practice_may_offer_telehealth_in_new_york() -> None:
    policy = dataclasses.replace(
        DEFAULT_POLICY, telehealth_states=Setting(frozenset({"PA", "NJ", "NY"}), "test")
    )
    booking = virtual(
        AppointmentKind.PREPARATION, client_location_state="NY", staff=(NY_THERAPIST,)
    )
    assert check(booking, policy=policy) == []
    assert codes(check(booking)) == [Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED]
