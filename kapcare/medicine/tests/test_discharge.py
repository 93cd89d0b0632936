"""The discharge gate: every reason is listed, each rule at and around its threshold."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.core.violations import Violation
from kapcare.medicine.rules import (
    DischargeAssessment,
    DoseAdministration,
    VitalSigns,
    check_discharge,
    discharge_bp_in_range,
    predose_reading,
)
from kapcare.medicine.tests import T0, assessment, at, dose, vitals
from kapcare.medicine.thresholds import SessionPolicy

POLICY = SessionPolicy()
PREDOSE = vitals(-10, systolic=130, diastolic=84)


def reasons(
    gate: DischargeAssessment,
    *,
    doses: tuple[DoseAdministration, ...] = (dose(0),),
    last: VitalSigns | None = None,
    readings: tuple[VitalSigns, ...] | None = None,
    now: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    """Rules refusing ``gate``; by default the last vitals are 124/80, 5 minutes before."""
    if readings is None:
        last_reading = (
            VitalSigns(
                at=gate.at - dt.timedelta(minutes=5),
                systolic=124,
                diastolic=80,
                heart_rate=72,
                spo2=98,
            )
            if last is None
            else last
        )
        readings = (PREDOSE, last_reading)
    found = check_discharge(
        gate,
        doses=doses,
        readings=readings,
        now=gate.at if now is None else now,
        policy=POLICY,
    )
    return [(v.rule, v.subject) for v in found]


def test_ready_client_is_discharged() -> None:
    assert reasons(assessment(120)) == []


# --- Minimum monitoring time -----------------------------------------------------


@pytest.mark.parametrize(
    ("minutes_after_dose", "refused"),
    [(60, True), (119, True), (119.99, True), (120, False), (121, False), (240, False)],
)
def test_minimum_monitoring_at_and_around_120_minutes(
    minutes_after_dose: float, refused: bool
) -> None:
    expected = [("discharge.min_monitoring", "")] if refused else []
    assert reasons(assessment(minutes_after_dose)) == expected


def test_minimum_monitoring_runs_from_the_last_dose() -> None:
    doses = (dose(0, 200), dose(40, 100))

    assert reasons(assessment(159), doses=doses) == [("discharge.min_monitoring", "")]
    assert reasons(assessment(160), doses=doses) == []


def test_minimum_monitoring_message_says_how_long_is_left() -> None:
    found = check_discharge(
        assessment(95.5),
        doses=(dose(0),),
        readings=(PREDOSE, vitals(90)),
        now=at(96),
        policy=POLICY,
    )

    assert found == [
        Violation(
            rule="discharge.min_monitoring",
            message="95 minutes since the last dose; at least 120 are needed (25 more).",
        )
    ]


def test_no_dose_means_no_minimum_monitoring_time() -> None:
    # given a session stopped before dosing (a hold that did not lift)
    assert reasons(assessment(5), doses=()) == []


def test_a_dose_recorded_after_the_discharge_time_still_counts() -> None:
    assert reasons(assessment(120), doses=(dose(0), dose(130, 50))) == [
        ("discharge.min_monitoring", "")
    ]


# --- Vitals at discharge -----------------------------------------------------------

OUT_BP = ("discharge.vitals_out_of_range", "blood_pressure")


@pytest.mark.parametrize(
    ("predose", "last", "in_range"),
    [
        # below 140/90 always passes
        ((170, 99), (139, 89), True),
        ((100, 60), (139, 89), True),
        # at or above 140/90: only within 10 % over pre-dose
        ((120, 80), (140, 80), False),
        ((130, 84), (143, 89), True),
        ((130, 84), (144, 89), False),
        ((130, 84), (135, 92), True),
        ((130, 84), (135, 93), False),
        ((150, 90), (165, 99), True),
        ((150, 90), (166, 99), False),
        ((150, 90), (165, 100), False),
        ((150, 95), (140, 104), True),
        ((150, 95), (140, 105), False),
        # lower than pre-dose is never a reason to stay
        ((158, 98), (145, 91), True),
        # a blood-pressure alert is never in range, whatever the pre-dose reading
        ((170, 105), (180, 100), False),
        ((170, 105), (170, 110), False),
    ],
)
def test_discharge_blood_pressure_range(
    predose: tuple[int, int], last: tuple[int, int], in_range: bool
) -> None:
    before = vitals(-10, systolic=predose[0], diastolic=predose[1])
    reading = vitals(118, systolic=last[0], diastolic=last[1])

    assert discharge_bp_in_range(reading, before, policy=POLICY) is in_range
    found = reasons(assessment(120), readings=(before, reading))
    assert found == ([] if in_range else [OUT_BP])


def test_without_a_pre_dose_reading_only_below_140_90_passes() -> None:
    assert discharge_bp_in_range(vitals(0, 139, 89), None, policy=POLICY) is True
    assert discharge_bp_in_range(vitals(0, 140, 70), None, policy=POLICY) is False


def test_the_ten_percent_is_exact_decimal_arithmetic() -> None:
    # 1.10 x 110 = 121.000..., which floating point puts a hair above 121
    before = vitals(-10, systolic=110, diastolic=70)

    assert discharge_bp_in_range(vitals(118, 121, 77), before, policy=POLICY) is True


def test_a_practice_may_set_its_own_margin() -> None:
    policy = SessionPolicy(discharge_predose_margin=Decimal("0.05"))
    before = vitals(-10, systolic=140, diastolic=85)

    assert discharge_bp_in_range(vitals(118, 147, 89), before, policy=policy) is True
    assert discharge_bp_in_range(vitals(118, 148, 89), before, policy=policy) is False


def test_pre_dose_reading_is_the_latest_before_the_first_dose() -> None:
    readings = (vitals(-30, 150, 95), vitals(-10, 128, 82), vitals(15, 150, 90))
    doses = (dose(40, 50), dose(0, 200))

    assert predose_reading(readings, doses) == readings[1]
    assert predose_reading(readings, ()) is None
    assert predose_reading((vitals(5),), doses) is None


def test_out_of_range_message_names_both_limits() -> None:
    found = check_discharge(
        assessment(120),
        doses=(dose(0),),
        readings=(PREDOSE, vitals(116, 150, 88)),
        now=at(120),
        policy=POLICY,
    )

    assert found[0].message == (
        "Blood pressure 150/88 is not below 140/90, and more than 10 % above pre-dose 130/84."
    )


@pytest.mark.parametrize(
    ("values", "subject"),
    [
        ({"heart_rate": 121}, "heart_rate"),
        ({"heart_rate": 49}, "heart_rate"),
        ({"spo2": 91}, "spo2"),
    ],
)
def test_heart_rate_and_oxygen_must_be_in_the_alert_range(
    values: dict[str, int], subject: str
) -> None:
    last = vitals(115, **values)

    assert reasons(assessment(120), last=last) == [("discharge.vitals_out_of_range", subject)]


@pytest.mark.parametrize("values", [{"heart_rate": 120}, {"heart_rate": 50}, {"spo2": 92}])
def test_heart_rate_and_oxygen_at_the_limits_are_in_range(values: dict[str, int]) -> None:
    assert reasons(assessment(120), last=vitals(115, **values)) == []


@pytest.mark.parametrize(
    ("minutes_before", "recent"), [(0, True), (15, True), (15.01, False), (40, False)]
)
def test_last_vitals_must_be_from_the_15_minutes_before_leaving(
    minutes_before: float, recent: bool
) -> None:
    last = vitals(150 - minutes_before)

    expected = [] if recent else [("discharge.vitals_not_recent", "")]
    assert reasons(assessment(150), last=last) == expected


def test_no_vitals_at_all_is_refused() -> None:
    assert reasons(assessment(150), readings=()) == [("discharge.vitals_not_recent", "")]


def test_vitals_after_the_discharge_time_do_not_count() -> None:
    readings = (PREDOSE, vitals(100), vitals(125, 170, 100))

    assert reasons(assessment(120), readings=readings) == [("discharge.vitals_not_recent", "")]


# --- The client's state, time, and every reason at once ----------------------------


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("alert_oriented", "discharge.not_oriented"),
        ("steady_gait", "discharge.unsteady_gait"),
        ("escort_present", "discharge.escort_missing"),
    ],
)
def test_client_state_and_escort(field: str, rule: str) -> None:
    assert reasons(assessment(120, **{field: False})) == [(rule, "")]


def test_discharge_time_may_not_be_in_the_future() -> None:
    assert reasons(assessment(120), now=at(119.99)) == [("discharge.time_in_future", "at")]


def test_every_reason_is_listed() -> None:
    # given a client 30 minutes after the dose, hypertensive, drowsy, unsteady, alone
    gate = assessment(30, alert_oriented=False, steady_gait=False, escort_present=False)
    readings = (PREDOSE, vitals(10, systolic=176, diastolic=104, spo2=90))

    # when the monitor tries to discharge
    found = check_discharge(gate, doses=(dose(0),), readings=readings, now=at(31), policy=POLICY)

    # then every reason is listed, each with a plain message
    assert [(v.rule, v.subject) for v in found] == [
        ("discharge.min_monitoring", ""),
        ("discharge.vitals_not_recent", ""),
        ("discharge.vitals_out_of_range", "blood_pressure"),
        ("discharge.vitals_out_of_range", "spo2"),
        ("discharge.not_oriented", ""),
        ("discharge.unsteady_gait", ""),
        ("discharge.escort_missing", ""),
    ]
    assert all(v.message.endswith(".") for v in found)


minutes = st.floats(min_value=0, max_value=400, allow_nan=False)


@given(
    dose_minutes=st.lists(minutes, min_size=1, max_size=3),
    earlier=minutes,
    extra=st.floats(min_value=0, max_value=400, allow_nan=False),
)
def test_more_monitoring_time_never_adds_a_min_monitoring_violation(
    dose_minutes: list[float], earlier: float, extra: float
) -> None:
    doses = tuple(dose(m, 50) for m in dose_minutes)

    def refused_at(minutes_after: float) -> bool:
        return ("discharge.min_monitoring", "") in reasons(assessment(minutes_after), doses=doses)

    if refused_at(earlier + extra):
        assert refused_at(earlier)
    # and the rule is exactly "120 minutes since the last dose"
    assert refused_at(earlier) is (
        at(earlier) - max(at(m) for m in dose_minutes) < dt.timedelta(minutes=120)
    )


@given(
    systolic=st.integers(min_value=60, max_value=139),
    diastolic=st.integers(min_value=30, max_value=89),
    pre_systolic=st.integers(min_value=90, max_value=159),
    pre_diastolic=st.integers(min_value=50, max_value=99),
)
def test_below_140_90_is_always_in_range(
    systolic: int, diastolic: int, pre_systolic: int, pre_diastolic: int
) -> None:
    before = vitals(-10, pre_systolic, pre_diastolic)

    assert discharge_bp_in_range(vitals(118, systolic, diastolic), before, policy=POLICY)


@given(
    pre_systolic=st.integers(min_value=90, max_value=159),
    pre_diastolic=st.integers(min_value=50, max_value=99),
    rise=st.integers(min_value=0, max_value=40),
    fall=st.integers(min_value=0, max_value=40),
)
def test_lower_discharge_pressure_is_never_worse(
    pre_systolic: int, pre_diastolic: int, rise: int, fall: int
) -> None:
    before = vitals(-10, pre_systolic, pre_diastolic)
    higher = vitals(118, pre_systolic + rise, pre_diastolic + rise // 2)
    lower = vitals(118, max(60, higher.systolic - fall), max(30, higher.diastolic - fall))

    if discharge_bp_in_range(higher, before, policy=POLICY):
        assert discharge_bp_in_range(lower, before, policy=POLICY)


def test_times_are_aware() -> None:
    naive = DischargeAssessment(
        at=dt.datetime(2025, 3, 4, 17, 0),  # noqa: DTZ001 - the naive value under test
        alert_oriented=True,
        steady_gait=True,
        escort_present=True,
    )

    with pytest.raises(ValueError, match="timezone-aware"):
        check_discharge(naive, doses=(), readings=(), now=T0, policy=POLICY)
