"""Before and at the dose: checklist, hold rule on pre-dose vitals, dose checks."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.violations import Violation
from kapcare.medicine.rules import (
    DoseAdministration,
    DoseOrder,
    PreDoseChecklist,
    VitalSigns,
    check_checklist,
    check_dose,
    check_predose_vitals,
)
from kapcare.medicine.tests import T0, at, complete_checklist, dose, dose_order, vitals
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.pathway.vocabulary import Route

POLICY = SessionPolicy()


def rules(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.rule, v.subject) for v in violations]


def checklist_rules(
    checklist: PreDoseChecklist,
    predose: VitalSigns | None = None,
    dose_at: dt.datetime = T0,
) -> list[tuple[str, str]]:
    reading = vitals(-10) if predose is None else predose
    return rules(check_checklist(checklist, predose_vitals=reading, dose_at=dose_at, policy=POLICY))


# --- Checklist -------------------------------------------------------------------


def test_complete_checklist_has_nothing_missing() -> None:
    assert checklist_rules(complete_checklist()) == []


@pytest.mark.parametrize(
    ("changes", "subject"),
    [
        ({"identity_confirmed": False}, "identity_confirmed"),
        ({"fasting_confirmed": False}, "fasting_confirmed"),
        ({"escort_name": ""}, "escort_name"),
        ({"escort_name": "   "}, "escort_name"),
        ({"no_driving_agreed": False}, "no_driving_agreed"),
        ({"todays_measures_done": False}, "todays_measures_done"),
        ({"unreviewed_risk_flag": True}, "unreviewed_risk_flag"),
        ({"intention": ""}, "intention"),
        ({"intention": "\n\t"}, "intention"),
    ],
)
def test_each_missing_checklist_item_is_named(changes: dict[str, Any], subject: str) -> None:
    assert checklist_rules(complete_checklist(**changes)) == [
        ("dose.checklist_incomplete", subject)
    ]


def test_fasting_message_names_the_practice_window() -> None:
    violations = check_checklist(
        complete_checklist(fasting_confirmed=False),
        predose_vitals=vitals(-10),
        dose_at=T0,
        policy=POLICY,
    )

    assert violations[0].message == (
        "Confirm nothing to eat in the last 4 hours and nothing to drink in the last 2 hours."
    )


@pytest.mark.parametrize(
    ("last_food_minutes_before", "missing"), [(239, True), (240, False), (241, False)]
)
def test_last_food_against_the_four_hour_window(
    last_food_minutes_before: int, missing: bool
) -> None:
    checklist = complete_checklist(last_food_at=at(-last_food_minutes_before))

    expected = [("dose.checklist_incomplete", "fasting_confirmed")] if missing else []
    assert checklist_rules(checklist) == expected


@pytest.mark.parametrize(
    ("last_drink_minutes_before", "missing"), [(119, True), (120, False), (121, False)]
)
def test_last_drink_against_the_two_hour_window(
    last_drink_minutes_before: int, missing: bool
) -> None:
    checklist = complete_checklist(last_liquids_at=at(-last_drink_minutes_before))

    expected = [("dose.checklist_incomplete", "fasting_confirmed")] if missing else []
    assert checklist_rules(checklist) == expected


@pytest.mark.parametrize(
    ("reading_minutes_before", "missing"),
    [(0, False), (30, False), (60, False), (60.02, True), (90, True), (-1, True)],
)
def test_predose_vitals_must_be_at_most_an_hour_old(
    reading_minutes_before: float, missing: bool
) -> None:
    reading = vitals(-reading_minutes_before)

    expected = [("dose.checklist_incomplete", "predose_vitals")] if missing else []
    assert checklist_rules(complete_checklist(), predose=reading) == expected


def test_no_predose_vitals_is_incomplete() -> None:
    violations = check_checklist(
        complete_checklist(), predose_vitals=None, dose_at=T0, policy=POLICY
    )

    assert violations == [
        Violation(
            rule="dose.checklist_incomplete",
            message="Take and record pre-dose vitals.",
            subject="predose_vitals",
        )
    ]


@pytest.mark.parametrize(
    ("completed", "required", "incomplete"),
    [(0, 1, True), (1, 2, True), (2, 2, False), (3, 2, False), (0, 0, False)],
)
def test_preparation_sessions_completed(completed: int, required: int, incomplete: bool) -> None:
    checklist = complete_checklist(preparation_completed=completed, preparation_required=required)

    expected = [("dose.preparation_incomplete", "preparation")] if incomplete else []
    assert checklist_rules(checklist) == expected


def test_checklist_lists_every_missing_item() -> None:
    checklist = PreDoseChecklist(
        identity_confirmed=False,
        fasting_confirmed=False,
        escort_name="",
        no_driving_agreed=False,
        todays_measures_done=False,
        unreviewed_risk_flag=True,
        intention="",
        preparation_completed=0,
        preparation_required=2,
    )

    violations = check_checklist(checklist, predose_vitals=None, dose_at=T0, policy=POLICY)

    assert rules(violations) == [
        ("dose.checklist_incomplete", "identity_confirmed"),
        ("dose.checklist_incomplete", "fasting_confirmed"),
        ("dose.checklist_incomplete", "escort_name"),
        ("dose.checklist_incomplete", "no_driving_agreed"),
        ("dose.checklist_incomplete", "todays_measures_done"),
        ("dose.checklist_incomplete", "unreviewed_risk_flag"),
        ("dose.checklist_incomplete", "intention"),
        ("dose.checklist_incomplete", "predose_vitals"),
        ("dose.preparation_incomplete", "preparation"),
    ]
    assert violations[-1].message == (
        "0 of 2 preparation sessions are completed; the plan needs all of them before a dose."
    )


def test_naive_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_checklist(
            complete_checklist(),
            predose_vitals=vitals(-10),
            dose_at=dt.datetime(2025, 3, 4, 15, 0),  # noqa: DTZ001 - the naive value under test
            policy=POLICY,
        )


# --- Hold rule -------------------------------------------------------------------

HOLD = ("dose.predose_vitals_hold", "blood_pressure")
ACK = ("dose.predose_vitals_ack_required", "blood_pressure")
SPO2_HOLD = ("dose.predose_vitals_hold", "spo2")


@pytest.mark.parametrize(
    ("systolic", "diastolic", "spo2", "acknowledged", "expected"),
    [
        (139, 89, 98, False, []),
        (140, 60, 98, False, [ACK]),
        (140, 60, 98, True, []),
        (120, 90, 98, False, [ACK]),
        (120, 90, 98, True, []),
        (159, 99, 98, False, [ACK]),
        (159, 99, 98, True, []),
        (160, 60, 98, False, [HOLD]),
        (160, 60, 98, True, [HOLD]),
        (120, 100, 98, True, [HOLD]),
        (159, 100, 98, True, [HOLD]),
        (160, 100, 98, False, [HOLD]),
        (120, 80, 92, False, []),
        (120, 80, 91, False, [SPO2_HOLD]),
        (120, 80, 91, True, [SPO2_HOLD]),
        (150, 95, 91, False, [ACK, SPO2_HOLD]),
        (165, 105, 88, True, [HOLD, SPO2_HOLD]),
    ],
)
def test_hold_rule_at_and_around_its_thresholds(
    systolic: int,
    diastolic: int,
    spo2: int,
    acknowledged: bool,
    expected: list[tuple[str, str]],
) -> None:
    reading = vitals(-5, systolic=systolic, diastolic=diastolic, spo2=spo2)

    assert (
        rules(check_predose_vitals(reading, acknowledged=acknowledged, policy=POLICY)) == expected
    )


def test_hold_messages_are_plain() -> None:
    hold = check_predose_vitals(vitals(-5, 162, 96), acknowledged=True, policy=POLICY)
    ack = check_predose_vitals(vitals(-5, 144, 86), acknowledged=False, policy=POLICY)

    assert hold[0].message == (
        "Blood pressure 162/96 is at or above 160/100: no dose today unless a later reading "
        "is lower."
    )
    assert ack[0].message == (
        "Blood pressure 144/86 is at or above 140/90: a medical provider must acknowledge it "
        "before the dose."
    )


def test_a_practice_may_set_its_own_hold_rule() -> None:
    policy = SessionPolicy(hold_systolic_at_or_above=170, hold_diastolic_at_or_above=105)

    assert rules(check_predose_vitals(vitals(-5, 165, 102), acknowledged=True, policy=policy)) == []


@given(
    systolic=st.integers(min_value=60, max_value=139),
    diastolic=st.integers(min_value=30, max_value=89),
    spo2=st.integers(min_value=92, max_value=100),
    acknowledged=st.booleans(),
)
def test_below_acknowledgement_thresholds_never_holds(
    systolic: int, diastolic: int, spo2: int, acknowledged: bool
) -> None:
    reading = vitals(-5, systolic=systolic, diastolic=diastolic, spo2=spo2)

    assert check_predose_vitals(reading, acknowledged=acknowledged, policy=POLICY) == []


@given(
    systolic=st.integers(min_value=60, max_value=300),
    diastolic=st.integers(min_value=30, max_value=200),
    acknowledged=st.booleans(),
)
def test_acknowledgement_never_lifts_a_hold(
    systolic: int, diastolic: int, acknowledged: bool
) -> None:
    reading = vitals(-5, systolic=systolic, diastolic=diastolic)

    found = rules(check_predose_vitals(reading, acknowledged=acknowledged, policy=POLICY))

    assert (HOLD in found) is (systolic >= 160 or diastolic >= 100)


# --- Dose administration -----------------------------------------------------------


def check(
    given_dose: DoseAdministration,
    *,
    order: DoseOrder | None = None,
    previous: tuple[DoseAdministration, ...] = (),
    checklist: PreDoseChecklist | None = None,
    readings: tuple[VitalSigns, ...] = (vitals(-10),),
    acknowledged: bool = False,
    now: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    return rules(
        check_dose(
            given_dose,
            order=dose_order() if order is None else order,
            previous_doses=previous,
            checklist=complete_checklist() if checklist is None else checklist,
            readings=readings,
            predose_acknowledged=acknowledged,
            now=at(1) if now is None else now,
            policy=POLICY,
        )
    )


def test_dose_within_an_active_order_after_a_complete_checklist_is_allowed() -> None:
    assert check(dose(0, 200)) == []


def test_no_order_refuses_the_dose() -> None:
    violations = check_dose(
        dose(0),
        order=None,
        previous_doses=(),
        checklist=complete_checklist(),
        readings=(vitals(-10),),
        predose_acknowledged=False,
        now=at(1),
        policy=POLICY,
    )

    assert violations == [
        Violation(
            rule="dose.no_active_order",
            message="There is no active dose order from a medical provider for this time.",
            subject="order",
        )
    ]


@pytest.mark.parametrize(
    ("changes", "active"),
    [
        ({"signed_at": T0}, True),
        ({"signed_at": at(0.01)}, False),
        ({"expires_at": at(0.01)}, True),
        ({"expires_at": T0}, False),
        ({"expires_at": None}, True),
        ({"withdrawn_at": at(0.01)}, True),
        ({"withdrawn_at": T0}, False),
        ({"withdrawn_at": at(-60)}, False),
    ],
)
def test_order_must_be_active_when_the_dose_is_given(changes: dict[str, Any], active: bool) -> None:
    expected = [] if active else [("dose.no_active_order", "order")]
    assert check(dose(0), order=dose_order(**changes)) == expected


@pytest.mark.parametrize(
    ("previous_mg", "this_mg", "exceeds"),
    [
        ((), "300", False),
        ((), "300.01", True),
        (("200",), "100", False),
        (("200",), "100.5", True),
        (("150", "100"), "50", False),
        (("150", "100"), "51", True),
        (("300",), "1", True),
    ],
)
def test_supplemental_doses_count_toward_the_orders_maximum(
    previous_mg: tuple[str, ...], this_mg: str, exceeds: bool
) -> None:
    previous = tuple(dose(-30 + i, mg) for i, mg in enumerate(previous_mg))

    expected = [("dose.exceeds_order", "dose_mg")] if exceeds else []
    assert (
        check(
            dose(0, this_mg),
            order=dose_order(max_total_mg=Decimal(300)),
            previous=previous,
            readings=(vitals(-5),),
        )
        == expected
    )


def test_exceeding_the_order_says_by_how_much() -> None:
    violations = check_dose(
        dose(40, 150),
        order=dose_order(),
        previous_doses=(dose(0, 200),),
        checklist=complete_checklist(),
        readings=(vitals(-10), vitals(38)),
        predose_acknowledged=False,
        now=at(41),
        policy=POLICY,
    )

    assert violations[0].message == (
        "200 mg already given plus 150 mg would exceed the order's maximum of 300 mg."
    )


def test_route_must_match_the_order() -> None:
    assert check(dose(0, route=Route.INTRAMUSCULAR)) == [("dose.route_mismatch", "route")]


@pytest.mark.parametrize(
    ("now_minutes", "future"), [(0, False), (-0.01, True), (-1, True), (60, False)]
)
def test_dose_time_may_be_past_but_not_future(now_minutes: float, future: bool) -> None:
    expected = [("dose.time_in_future", "at")] if future else []
    assert check(dose(0), now=at(now_minutes)) == expected


@pytest.mark.parametrize("mg", ["0", "-5"])
def test_dose_must_be_positive(mg: str) -> None:
    assert check(dose(0, mg)) == [("dose.invalid_amount", "dose_mg")]


@pytest.mark.parametrize("lot", ["", "  "])
def test_dose_needs_a_lot_number(lot: str) -> None:
    assert check(dose(0, lot=lot)) == [("dose.lot_missing", "lot")]


def test_incomplete_checklist_refuses_the_dose() -> None:
    assert check(dose(0), checklist=complete_checklist(no_driving_agreed=False)) == [
        ("dose.checklist_incomplete", "no_driving_agreed")
    ]


def test_hold_refuses_the_dose_and_acknowledgement_does_not_lift_it() -> None:
    readings = (vitals(-10, systolic=162, diastolic=94),)

    assert check(dose(0), readings=readings, acknowledged=True) == [HOLD]


def test_elevated_pressure_needs_acknowledgement_before_the_dose() -> None:
    readings = (vitals(-10, systolic=146, diastolic=88),)

    assert check(dose(0), readings=readings, acknowledged=False) == [ACK]
    assert check(dose(0), readings=readings, acknowledged=True) == []


def test_a_lower_repeat_reading_lifts_the_hold() -> None:
    # given a first reading at the hold line and a calmer one ten minutes later
    readings = (vitals(-20, systolic=164, diastolic=98), vitals(-10, systolic=138, diastolic=86))

    assert check(dose(0), readings=readings) == []


def test_readings_after_the_dose_time_do_not_count_as_pre_dose() -> None:
    assert check(dose(0), readings=(vitals(5),)) == [
        ("dose.checklist_incomplete", "predose_vitals")
    ]


def test_supplemental_dose_is_judged_on_the_latest_reading_before_it() -> None:
    # given a first dose of 200 mg and a reading at +38 at the hold line
    previous = (dose(0, 200),)
    readings = (vitals(-10), vitals(38, systolic=166, diastolic=92))

    # when a 100 mg supplemental dose is given at +40
    found = check(dose(40, 100), previous=previous, readings=readings, now=at(41))

    # then the hold fires on the +38 reading
    assert found == [HOLD]


def test_dose_lists_every_reason() -> None:
    found = check(
        dose(5, 400, route=Route.ORAL, lot=""),
        order=dose_order(max_total_mg=Decimal(300)),
        checklist=complete_checklist(identity_confirmed=False, preparation_completed=1),
        readings=(vitals(-10, systolic=170, diastolic=90, spo2=90),),
        now=at(0),
    )

    assert found == [
        ("dose.time_in_future", "at"),
        ("dose.lot_missing", "lot"),
        ("dose.route_mismatch", "route"),
        ("dose.exceeds_order", "dose_mg"),
        ("dose.checklist_incomplete", "identity_confirmed"),
        ("dose.preparation_incomplete", "preparation"),
        HOLD,
        SPO2_HOLD,
    ]


milligrams = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(400), places=2)


@given(
    doses=st.lists(milligrams, min_size=1, max_size=5),
    headroom=st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_dose_sum_within_the_maximum_never_exceeds_the_order(
    doses: list[Decimal], headroom: Decimal
) -> None:
    maximum = sum(doses, Decimal(0)) + headroom
    *previous_mg, this_mg = doses
    previous = tuple(
        DoseAdministration(at=at(-60 + i), route=Route.SUBLINGUAL, dose_mg=mg, lot="L1")
        for i, mg in enumerate(previous_mg)
    )

    found = check(
        DoseAdministration(at=T0, route=Route.SUBLINGUAL, dose_mg=this_mg, lot="L1"),
        order=dose_order(max_total_mg=maximum),
        previous=previous,
    )

    assert ("dose.exceeds_order", "dose_mg") not in found


@given(doses=st.lists(milligrams, min_size=1, max_size=5), excess=milligrams)
def test_a_dose_sum_above_the_maximum_always_exceeds_the_order(
    doses: list[Decimal], excess: Decimal
) -> None:
    maximum = sum(doses, Decimal(0)) - excess
    *previous_mg, this_mg = doses
    previous = tuple(
        DoseAdministration(at=at(-60 + i), route=Route.SUBLINGUAL, dose_mg=mg, lot="L1")
        for i, mg in enumerate(previous_mg)
    )

    found = check(
        DoseAdministration(at=T0, route=Route.SUBLINGUAL, dose_mg=this_mg, lot="L1"),
        order=dose_order(max_total_mg=maximum),
        previous=previous,
    )

    assert ("dose.exceeds_order", "dose_mg") in found
