"""Rules of the medicine session: checklist, hold, dose, monitoring, alerts, discharge.

Pure functions over plain data; every threshold comes from ``SessionPolicy``. All
``check_*`` functions return **every** violation (an empty list means allowed).
Times must be timezone-aware; a naive datetime is a programming error
(``ValueError``).

Definitions chosen here:

* **Pre-dose reading** of a dose: the latest vitals taken at or before the
  dose's time. It must be no older than ``predose_vitals_max_age`` (default
  60 min) and is what the hold rule judges. So a supplemental dose is judged on
  the latest reading before it, not on the first pre-dose reading.
* **Hold rule** (inclusive): systolic >= 160 or diastolic >= 100, or SpO2 below
  92 %, blocks dosing (``dose.predose_vitals_hold``); no acknowledgement
  overrides it. Otherwise systolic >= 140 or diastolic >= 90 needs a medical
  provider's acknowledgement of that reading (``dose.predose_vitals_ack_required``).
* **Order maximum**: the sum of this session's earlier doses plus this one may
  not exceed the order's maximum (equal is allowed); the route must be the
  order's; the order must be active at the time of administration.
* **Schedule**: checks at +15, +30, +40, +60, +90, +120 min after the FIRST
  dose. A reading counts for a check from ``vitals_early_window`` (5 min) before
  it until the next check's window opens; a check not done
  ``vitals_overdue_after`` (2 min) after its time is overdue, and once the next
  check's window opens it is missed. Minimum monitoring time runs from the LAST
  dose.
* **Discharge range** of the last vitals: blood pressure is in range when
  systolic < 140 and diastolic < 90, OR when both systolic <= 1.10 x pre-dose
  systolic and diastolic <= 1.10 x pre-dose diastolic ("within 10 %" read as
  at most 10 % above: lower is never a reason to keep a client for blood
  pressure). A reading that raises a blood-pressure alert is never in range.
  Heart rate and SpO2 must also be inside the alert range. The last
  vitals must be taken within ``discharge_vitals_max_age`` (15 min) before
  discharge (``discharge.vitals_not_recent``).
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kapcare.core.violations import Violation
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.pathway.vocabulary import Route

__all__ = [
    "CheckKind",
    "CheckState",
    "DischargeAssessment",
    "DoseAdministration",
    "DoseOrder",
    "PreDoseChecklist",
    "ScheduledCheck",
    "VitalAlert",
    "VitalSigns",
    "check_checklist",
    "check_discharge",
    "check_dose",
    "check_predose_vitals",
    "check_record_time",
    "check_vitals",
    "discharge_bp_in_range",
    "next_vitals_due",
    "overdue_vitals",
    "predose_reading",
    "vital_alerts",
    "vitals_schedule",
]

# Codes (a stable contract).
CHECKLIST_INCOMPLETE = "dose.checklist_incomplete"
PREPARATION_INCOMPLETE = "dose.preparation_incomplete"
PREDOSE_VITALS_HOLD = "dose.predose_vitals_hold"
PREDOSE_VITALS_ACK_REQUIRED = "dose.predose_vitals_ack_required"
NO_ACTIVE_ORDER = "dose.no_active_order"
EXCEEDS_ORDER = "dose.exceeds_order"
ROUTE_MISMATCH = "dose.route_mismatch"
DOSE_INVALID_AMOUNT = "dose.invalid_amount"
DOSE_LOT_MISSING = "dose.lot_missing"
DOSE_TIME_IN_FUTURE = "dose.time_in_future"
VITALS_TIME_IN_FUTURE = "vitals.time_in_future"
VITALS_IMPLAUSIBLE = "vitals.implausible"
ALERT_SYSTOLIC_HIGH = "vitals.systolic_high"
ALERT_DIASTOLIC_HIGH = "vitals.diastolic_high"
ALERT_HEART_RATE_LOW = "vitals.heart_rate_low"
ALERT_HEART_RATE_HIGH = "vitals.heart_rate_high"
ALERT_SPO2_LOW = "vitals.spo2_low"
DISCHARGE_MIN_MONITORING = "discharge.min_monitoring"
DISCHARGE_VITALS_OUT_OF_RANGE = "discharge.vitals_out_of_range"
DISCHARGE_VITALS_NOT_RECENT = "discharge.vitals_not_recent"
DISCHARGE_NOT_ORIENTED = "discharge.not_oriented"
DISCHARGE_UNSTEADY_GAIT = "discharge.unsteady_gait"
DISCHARGE_ESCORT_MISSING = "discharge.escort_missing"
DISCHARGE_TIME_IN_FUTURE = "discharge.time_in_future"
TIME_IN_FUTURE = "time_in_future"
TIME_BEFORE_SESSION = "time_before_session"


@dataclass(frozen=True)
class VitalSigns:
    at: dt.datetime
    systolic: int  # mmHg
    diastolic: int  # mmHg
    heart_rate: int  # beats per minute
    spo2: int  # %


@dataclass(frozen=True)
class DoseOrder:
    """A medical provider's order: route and the maximum total for one session."""

    route: Route
    max_total_mg: Decimal
    signed_at: dt.datetime
    expires_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None

    def is_active_at(self, at: dt.datetime) -> bool:
        _aware(at, "at")
        if at < self.signed_at:
            return False
        if self.expires_at is not None and at >= self.expires_at:
            return False
        return self.withdrawn_at is None or at < self.withdrawn_at


@dataclass(frozen=True)
class DoseAdministration:
    at: dt.datetime
    route: Route
    dose_mg: Decimal
    lot: str


@dataclass(frozen=True)
class PreDoseChecklist:
    identity_confirmed: bool
    consent_current: bool
    clearance_current: bool  # the latest clearance is "cleared" and in force on the day
    fasting_confirmed: bool
    escort_name: str
    no_driving_agreed: bool
    todays_measures_done: bool  # today's PHQ-9 / ASQ
    unreviewed_risk_flag: bool
    intention: str
    preparation_completed: int  # completed (not merely booked) preparation sessions
    preparation_required: int  # what the treatment plan requires
    last_food_at: dt.datetime | None = None  # optional: checked against the fasting window
    last_liquids_at: dt.datetime | None = None


@dataclass(frozen=True)
class DischargeAssessment:
    at: dt.datetime
    alert_oriented: bool
    steady_gait: bool
    escort_present: bool


class CheckKind(StrEnum):
    PRE_DOSE = "pre_dose"
    TIMED = "timed"
    BEFORE_DISCHARGE = "before_discharge"


class CheckState(StrEnum):
    DONE = "done"
    UPCOMING = "upcoming"  # its window has not opened
    DUE = "due"  # window open, not yet late
    OVERDUE = "overdue"  # late, and a reading now still counts for it
    MISSED = "missed"  # the next check's window opened without a reading


@dataclass(frozen=True)
class ScheduledCheck:
    kind: CheckKind
    label: str
    minutes_after_dose: int | None  # TIMED only
    due_at: dt.datetime | None  # None: "now" (pre-dose) or "before leaving"
    state: CheckState
    reading_at: dt.datetime | None = None


@dataclass(frozen=True)
class VitalAlert:
    code: str
    message: str
    at: dt.datetime
    measure: str  # "systolic" | "diastolic" | "heart_rate" | "spo2"
    value: int
    threshold: int


# --- helpers ---------------------------------------------------------------------


def _aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")


def _whole_minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _in_future(at: dt.datetime, now: dt.datetime, policy: SessionPolicy) -> bool:
    _aware(at, "at")
    _aware(now, "now")
    return at > now + policy.future_tolerance


def _latest_at_or_before(readings: Sequence[VitalSigns], at: dt.datetime) -> VitalSigns | None:
    earlier = [r for r in readings if r.at <= at]
    return max(earlier, key=lambda r: r.at) if earlier else None


def predose_reading(
    readings: Sequence[VitalSigns], doses: Sequence[DoseAdministration]
) -> VitalSigns | None:
    """The latest reading at or before the first dose (None before any dose or reading)."""
    if not doses:
        return None
    return _latest_at_or_before(readings, min(d.at for d in doses))


def check_record_time(
    at: dt.datetime,
    *,
    now: dt.datetime,
    session_start: dt.datetime,
    prefix: str,
    policy: SessionPolicy,
    future: bool = True,
) -> list[Violation]:
    """A recorded time: not in the future (when ``future``), not long before the session.

    Codes are ``{prefix}.time_in_future`` and ``{prefix}.time_before_session``
    (``prefix`` names the record: ``observation``, ``adverse_event``, ...).
    ``future=False`` leaves the future to a rule that already checks it.
    """
    _aware(session_start, "session_start")
    violations: list[Violation] = []
    if future and _in_future(at, now, policy):
        violations.append(
            Violation(
                rule=f"{prefix}.{TIME_IN_FUTURE}",
                message="This time is in the future; record what happened when it happened.",
                subject="at",
            )
        )
    _aware(at, "at")
    if at < session_start - policy.earliest_before_start:
        hours = policy.earliest_before_start.total_seconds() / 3600
        violations.append(
            Violation(
                rule=f"{prefix}.{TIME_BEFORE_SESSION}",
                message=(
                    f"This time is more than {hours:g} hours before the session started; "
                    "check the date and time."
                ),
                subject="at",
            )
        )
    return violations


# --- Pre-dose checklist and hold rule -------------------------------------------


def check_checklist(
    checklist: PreDoseChecklist,
    *,
    predose_vitals: VitalSigns | None,
    dose_at: dt.datetime,
    policy: SessionPolicy,
) -> list[Violation]:
    """Every item missing before a dose at ``dose_at`` (use ``now`` to show the list).

    ``predose_vitals`` is the latest reading at or before ``dose_at``.
    """
    _aware(dose_at, "dose_at")
    missing: list[Violation] = []

    def need(subject: str, message: str) -> None:
        missing.append(Violation(rule=CHECKLIST_INCOMPLETE, message=message, subject=subject))

    if not checklist.identity_confirmed:
        need("identity_confirmed", "Confirm the client's identity.")
    if not checklist.consent_current:
        need("consent_current", "A current, signed KAP informed consent is needed.")
    if not checklist.clearance_current:
        need(
            "clearance_current",
            "A medical clearance of 'cleared', in force today, is needed from the medical "
            "provider.",
        )
    food_hours = policy.fasting_food.total_seconds() / 3600
    liquid_hours = policy.fasting_liquids.total_seconds() / 3600
    if not checklist.fasting_confirmed:
        need(
            "fasting_confirmed",
            f"Confirm nothing to eat in the last {food_hours:g} hours and nothing to drink "
            f"in the last {liquid_hours:g} hours.",
        )
    if checklist.last_food_at is not None:
        _aware(checklist.last_food_at, "last_food_at")
        if dose_at - checklist.last_food_at < policy.fasting_food:
            need(
                "fasting_confirmed",
                f"Last food was less than {food_hours:g} hours before the dose.",
            )
    if checklist.last_liquids_at is not None:
        _aware(checklist.last_liquids_at, "last_liquids_at")
        if dose_at - checklist.last_liquids_at < policy.fasting_liquids:
            need(
                "fasting_confirmed",
                f"Last drink was less than {liquid_hours:g} hours before the dose.",
            )
    if not checklist.escort_name.strip():
        need("escort_name", "Name the adult who will take the client home.")
    if not checklist.no_driving_agreed:
        need("no_driving_agreed", "The client must agree not to drive until the next day.")
    if not checklist.todays_measures_done:
        need("todays_measures_done", "Today's PHQ-9 and ASQ are not done yet.")
    if checklist.unreviewed_risk_flag:
        need(
            "unreviewed_risk_flag",
            "A risk flag from today's measures must be reviewed by the care team first.",
        )
    if not checklist.intention.strip():
        need("intention", "Record the client's intention for this session.")
    max_age = _whole_minutes(policy.predose_vitals_max_age)
    if predose_vitals is None:
        need("predose_vitals", "Take and record pre-dose vitals.")
    elif predose_vitals.at > dose_at or dose_at - predose_vitals.at > policy.predose_vitals_max_age:
        need(
            "predose_vitals",
            f"The latest vitals are more than {max_age} minutes before the dose; take them again.",
        )
    if checklist.preparation_completed < checklist.preparation_required:
        missing.append(
            Violation(
                rule=PREPARATION_INCOMPLETE,
                message=(
                    f"{checklist.preparation_completed} of {checklist.preparation_required} "
                    "preparation sessions are completed; the plan needs all of them before a dose."
                ),
                subject="preparation",
            )
        )
    return missing


def check_predose_vitals(
    reading: VitalSigns, *, acknowledged: bool, policy: SessionPolicy
) -> list[Violation]:
    """The hold rule on the reading before a dose.

    ``acknowledged``: a medical provider has acknowledged THIS reading. It lifts
    the acknowledgement requirement, never a hold.
    """
    bp = f"{reading.systolic}/{reading.diastolic}"
    violations: list[Violation] = []
    if (
        reading.systolic >= policy.hold_systolic_at_or_above
        or reading.diastolic >= policy.hold_diastolic_at_or_above
    ):
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_HOLD,
                message=(
                    f"Blood pressure {bp} is at or above {policy.hold_systolic_at_or_above}/"
                    f"{policy.hold_diastolic_at_or_above}: no dose today unless a later "
                    "reading is lower."
                ),
                subject="blood_pressure",
            )
        )
    elif (
        reading.systolic >= policy.ack_systolic_at_or_above
        or reading.diastolic >= policy.ack_diastolic_at_or_above
    ) and not acknowledged:
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_ACK_REQUIRED,
                message=(
                    f"Blood pressure {bp} is at or above {policy.ack_systolic_at_or_above}/"
                    f"{policy.ack_diastolic_at_or_above}: a medical provider must acknowledge "
                    "it before the dose."
                ),
                subject="blood_pressure",
            )
        )
    if reading.spo2 < policy.hold_spo2_below:
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_HOLD,
                message=(
                    f"Oxygen saturation {reading.spo2} % is below {policy.hold_spo2_below} %: "
                    "no dose unless a later reading is higher."
                ),
                subject="spo2",
            )
        )
    return violations


# --- Dose administration ---------------------------------------------------------


def check_dose(
    dose: DoseAdministration,
    *,
    order: DoseOrder | None,
    previous_doses: Sequence[DoseAdministration],
    checklist: PreDoseChecklist,
    readings: Sequence[VitalSigns],
    predose_acknowledged: bool,
    now: dt.datetime,
    policy: SessionPolicy,
) -> list[Violation]:
    """Every reason the dose may not be recorded.

    ``previous_doses``: this session's doses already recorded (a supplemental dose
    counts toward the order's maximum). ``readings``: this session's vitals; the
    pre-dose reading is the latest at or before ``dose.at``.
    ``predose_acknowledged``: a medical provider acknowledged that reading.
    """
    violations: list[Violation] = []
    if _in_future(dose.at, now, policy):
        violations.append(
            Violation(
                rule=DOSE_TIME_IN_FUTURE,
                message="The dose time is in the future; record doses when they are given.",
                subject="at",
            )
        )
    if dose.dose_mg <= 0:
        violations.append(
            Violation(
                rule=DOSE_INVALID_AMOUNT,
                message="The dose must be more than 0 mg.",
                subject="dose_mg",
            )
        )
    if not dose.lot.strip():
        violations.append(
            Violation(
                rule=DOSE_LOT_MISSING,
                message="Record the lot number of the medicine given.",
                subject="lot",
            )
        )

    if order is None or not order.is_active_at(dose.at):
        violations.append(
            Violation(
                rule=NO_ACTIVE_ORDER,
                message="There is no active dose order from a medical provider for this time.",
                subject="order",
            )
        )
    else:
        if Route(dose.route) is not Route(order.route):
            violations.append(
                Violation(
                    rule=ROUTE_MISMATCH,
                    message=f"The order is for {order.route.value}, not {dose.route.value}.",
                    subject="route",
                )
            )
        given = sum((d.dose_mg for d in previous_doses), Decimal(0))
        if given + dose.dose_mg > order.max_total_mg:
            violations.append(
                Violation(
                    rule=EXCEEDS_ORDER,
                    message=(
                        f"{given} mg already given plus {dose.dose_mg} mg would exceed the "
                        f"order's maximum of {order.max_total_mg} mg."
                    ),
                    subject="dose_mg",
                )
            )

    reading = _latest_at_or_before(readings, dose.at)
    violations += check_checklist(checklist, predose_vitals=reading, dose_at=dose.at, policy=policy)
    if reading is not None:
        violations += check_predose_vitals(
            reading, acknowledged=predose_acknowledged, policy=policy
        )
    return violations


# --- Vital signs: validity, alerts, schedule -------------------------------------


def check_vitals(
    reading: VitalSigns, *, now: dt.datetime, policy: SessionPolicy
) -> list[Violation]:
    """Whether a typed reading may be recorded: not in the future, and plausible."""
    violations: list[Violation] = []
    if _in_future(reading.at, now, policy):
        violations.append(
            Violation(
                rule=VITALS_TIME_IN_FUTURE,
                message="The time of these vitals is in the future.",
                subject="at",
            )
        )
    ranges = (
        ("systolic", "Systolic pressure", reading.systolic, policy.plausible_systolic),
        ("diastolic", "Diastolic pressure", reading.diastolic, policy.plausible_diastolic),
        ("heart_rate", "Heart rate", reading.heart_rate, policy.plausible_heart_rate),
        ("spo2", "Oxygen saturation", reading.spo2, policy.plausible_spo2),
    )
    for subject, name, value, (low, high) in ranges:
        if not low <= value <= high:
            violations.append(
                Violation(
                    rule=VITALS_IMPLAUSIBLE,
                    message=f"{name} {value} is outside {low}-{high}; check for a typing error.",
                    subject=subject,
                )
            )
    if reading.diastolic >= reading.systolic:
        violations.append(
            Violation(
                rule=VITALS_IMPLAUSIBLE,
                message="Diastolic pressure must be lower than systolic; check the numbers.",
                subject="diastolic",
            )
        )
    return violations


def vital_alerts(reading: VitalSigns, *, policy: SessionPolicy) -> tuple[VitalAlert, ...]:
    """Out-of-range values of one reading, to show on screen and record as events."""
    alerts: list[VitalAlert] = []

    def alert(code: str, message: str, measure: str, value: int, threshold: int) -> None:
        alerts.append(VitalAlert(code, message, reading.at, measure, value, threshold))

    if reading.systolic >= policy.alert_systolic_at_or_above:
        alert(
            ALERT_SYSTOLIC_HIGH,
            f"Systolic pressure {reading.systolic} is at or above "
            f"{policy.alert_systolic_at_or_above}.",
            "systolic",
            reading.systolic,
            policy.alert_systolic_at_or_above,
        )
    if reading.diastolic >= policy.alert_diastolic_at_or_above:
        alert(
            ALERT_DIASTOLIC_HIGH,
            f"Diastolic pressure {reading.diastolic} is at or above "
            f"{policy.alert_diastolic_at_or_above}.",
            "diastolic",
            reading.diastolic,
            policy.alert_diastolic_at_or_above,
        )
    if reading.heart_rate < policy.alert_heart_rate_below:
        alert(
            ALERT_HEART_RATE_LOW,
            f"Heart rate {reading.heart_rate} is below {policy.alert_heart_rate_below}.",
            "heart_rate",
            reading.heart_rate,
            policy.alert_heart_rate_below,
        )
    if reading.heart_rate > policy.alert_heart_rate_above:
        alert(
            ALERT_HEART_RATE_HIGH,
            f"Heart rate {reading.heart_rate} is above {policy.alert_heart_rate_above}.",
            "heart_rate",
            reading.heart_rate,
            policy.alert_heart_rate_above,
        )
    if reading.spo2 < policy.alert_spo2_below:
        alert(
            ALERT_SPO2_LOW,
            f"Oxygen saturation {reading.spo2} % is below {policy.alert_spo2_below} %.",
            "spo2",
            reading.spo2,
            policy.alert_spo2_below,
        )
    return tuple(alerts)


def vitals_schedule(
    now: dt.datetime,
    *,
    first_dose_at: dt.datetime,
    readings: Sequence[VitalSigns],
    policy: SessionPolicy,
) -> tuple[ScheduledCheck, ...]:
    """The timed checks after the first dose, each with its state at ``now``.

    A reading counts for a check when taken from ``vitals_early_window`` before the
    check's time until the next check's window opens (the last check's window
    never closes); the first such reading is the one shown.
    """
    _aware(now, "now")
    _aware(first_dose_at, "first_dose_at")
    offsets = policy.vitals_schedule_minutes
    due = [first_dose_at + dt.timedelta(minutes=m) for m in offsets]
    opens = [d - policy.vitals_early_window for d in due]
    checks: list[ScheduledCheck] = []
    for i, minutes in enumerate(offsets):
        closes = opens[i + 1] if i + 1 < len(offsets) else None
        inside = sorted(
            r.at for r in readings if r.at >= opens[i] and (closes is None or r.at < closes)
        )
        if inside:
            state = CheckState.DONE
        elif now < opens[i]:
            state = CheckState.UPCOMING
        elif now <= due[i] + policy.vitals_overdue_after:
            state = CheckState.DUE
        elif closes is None or now < closes:
            state = CheckState.OVERDUE
        else:
            state = CheckState.MISSED
        checks.append(
            ScheduledCheck(
                kind=CheckKind.TIMED,
                label=f"{minutes} minutes after the first dose",
                minutes_after_dose=minutes,
                due_at=due[i],
                state=state,
                reading_at=inside[0] if inside else None,
            )
        )
    return tuple(checks)


def next_vitals_due(
    now: dt.datetime,
    *,
    first_dose_at: dt.datetime | None,
    readings: Sequence[VitalSigns],
    policy: SessionPolicy,
) -> ScheduledCheck:
    """What the monitor should take next.

    Before the first dose: the pre-dose check (DONE when a reading no older than
    ``predose_vitals_max_age`` exists). After it: the earliest timed check not done
    and not missed. When all timed checks are past: the before-discharge check
    (DONE when a reading no older than ``discharge_vitals_max_age`` exists).
    """
    _aware(now, "now")
    latest = _latest_at_or_before(readings, now)
    if first_dose_at is None:
        fresh = latest is not None and now - latest.at <= policy.predose_vitals_max_age
        return ScheduledCheck(
            kind=CheckKind.PRE_DOSE,
            label="Pre-dose",
            minutes_after_dose=None,
            due_at=None,
            state=CheckState.DONE if fresh else CheckState.DUE,
            reading_at=latest.at if fresh and latest is not None else None,
        )
    for check in vitals_schedule(
        now, first_dose_at=first_dose_at, readings=readings, policy=policy
    ):
        if check.state not in (CheckState.DONE, CheckState.MISSED):
            return check
    fresh = latest is not None and now - latest.at <= policy.discharge_vitals_max_age
    return ScheduledCheck(
        kind=CheckKind.BEFORE_DISCHARGE,
        label="Before discharge",
        minutes_after_dose=None,
        due_at=None,
        state=CheckState.DONE if fresh else CheckState.DUE,
        reading_at=latest.at if fresh and latest is not None else None,
    )


def overdue_vitals(
    now: dt.datetime,
    *,
    first_dose_at: dt.datetime,
    readings: Sequence[VitalSigns],
    policy: SessionPolicy,
) -> tuple[ScheduledCheck, ...]:
    """Timed checks that are late (OVERDUE) or were never taken (MISSED)."""
    return tuple(
        c
        for c in vitals_schedule(now, first_dose_at=first_dose_at, readings=readings, policy=policy)
        if c.state in (CheckState.OVERDUE, CheckState.MISSED)
    )


# --- Discharge -------------------------------------------------------------------


def discharge_bp_in_range(
    reading: VitalSigns, predose: VitalSigns | None, *, policy: SessionPolicy
) -> bool:
    """Below 140/90, or both pressures at most 10 % above the pre-dose reading.

    A reading that raises a blood-pressure alert is never in range, whatever the
    pre-dose reading was (this matters only if a practice sets its hold rule near
    its alert thresholds).
    """
    if (
        reading.systolic >= policy.alert_systolic_at_or_above
        or reading.diastolic >= policy.alert_diastolic_at_or_above
    ):
        return False
    if (
        reading.systolic < policy.discharge_systolic_below
        and reading.diastolic < policy.discharge_diastolic_below
    ):
        return True
    if predose is None:
        return False
    factor = 1 + policy.discharge_predose_margin
    return (
        Decimal(reading.systolic) <= Decimal(predose.systolic) * factor
        and Decimal(reading.diastolic) <= Decimal(predose.diastolic) * factor
    )


def check_discharge(
    assessment: DischargeAssessment,
    *,
    doses: Sequence[DoseAdministration],
    readings: Sequence[VitalSigns],
    now: dt.datetime,
    policy: SessionPolicy,
) -> list[Violation]:
    """Every reason the client may not leave yet (empty: discharge allowed).

    ``doses`` and ``readings`` are the whole session's. With no dose given (a
    session stopped before dosing) there is no minimum monitoring time, but the
    vitals and the client's state are still checked.
    """
    at = assessment.at
    violations: list[Violation] = []
    if _in_future(at, now, policy):
        violations.append(
            Violation(
                rule=DISCHARGE_TIME_IN_FUTURE,
                message="The discharge time is in the future.",
                subject="at",
            )
        )
    if doses:
        last_dose = max(d.at for d in doses)
        needed = _whole_minutes(policy.min_monitoring)
        if at - last_dose < policy.min_monitoring:
            elapsed = max(0, _whole_minutes(at - last_dose))
            remaining = math.ceil((policy.min_monitoring - (at - last_dose)).total_seconds() / 60)
            violations.append(
                Violation(
                    rule=DISCHARGE_MIN_MONITORING,
                    message=(
                        f"{elapsed} minutes since the last dose; at least {needed} are needed "
                        f"({remaining} more)."
                    ),
                )
            )

    last = _latest_at_or_before(readings, at)
    if last is None or at - last.at > policy.discharge_vitals_max_age:
        violations.append(
            Violation(
                rule=DISCHARGE_VITALS_NOT_RECENT,
                message=(
                    "Take vitals before discharge: the last ones must be from the "
                    f"{_whole_minutes(policy.discharge_vitals_max_age)} minutes before leaving."
                ),
            )
        )
    if last is not None:
        predose = predose_reading(readings, doses)
        if not discharge_bp_in_range(last, predose, policy=policy):
            allowance = f"{(policy.discharge_predose_margin * 100).normalize():f} %"
            baseline = (
                f", and more than {allowance} above pre-dose {predose.systolic}/{predose.diastolic}"
                if predose is not None
                else ""
            )
            violations.append(
                Violation(
                    rule=DISCHARGE_VITALS_OUT_OF_RANGE,
                    message=(
                        f"Blood pressure {last.systolic}/{last.diastolic} is not below "
                        f"{policy.discharge_systolic_below}/{policy.discharge_diastolic_below}"
                        f"{baseline}."
                    ),
                    subject="blood_pressure",
                )
            )
        for alert in vital_alerts(last, policy=policy):
            if alert.measure in ("heart_rate", "spo2"):
                violations.append(
                    Violation(
                        rule=DISCHARGE_VITALS_OUT_OF_RANGE,
                        message=alert.message,
                        subject=alert.measure,
                    )
                )
    if not assessment.alert_oriented:
        violations.append(
            Violation(
                rule=DISCHARGE_NOT_ORIENTED,
                message="The client is not yet alert and oriented.",
            )
        )
    if not assessment.steady_gait:
        violations.append(
            Violation(
                rule=DISCHARGE_UNSTEADY_GAIT,
                message="The client is not yet walking steadily.",
            )
        )
    if not assessment.escort_present:
        violations.append(
            Violation(
                rule=DISCHARGE_ESCORT_MISSING,
                message="The named escort must be present to take the client home.",
            )
        )
    return violations
