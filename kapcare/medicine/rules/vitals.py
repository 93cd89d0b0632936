"""Vital signs: validity, alerts and the monitoring schedule."""

import datetime as dt
from collections.abc import Sequence

from kapcare.core.violations import Violation
from kapcare.medicine.rules.facts import (
    CheckKind,
    CheckState,
    ScheduledCheck,
    VitalAlert,
    VitalSigns,
    require_aware,
)
from kapcare.medicine.rules.record_time import in_future, latest_at_or_before
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    ALERT_DIASTOLIC_HIGH,
    ALERT_HEART_RATE_HIGH,
    ALERT_HEART_RATE_LOW,
    ALERT_SPO2_LOW,
    ALERT_SYSTOLIC_HIGH,
    VITALS_IMPLAUSIBLE,
    VITALS_TIME_IN_FUTURE,
)


def check_vitals(
    reading: VitalSigns, *, now: dt.datetime, policy: SessionPolicy
) -> list[Violation]:
    """Whether a typed reading may be recorded: not in the future, and plausible."""
    violations: list[Violation] = []
    if in_future(reading.at, now, policy):
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
    require_aware(now, "now")
    require_aware(first_dose_at, "first_dose_at")
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
    require_aware(now, "now")
    latest = latest_at_or_before(readings, now)
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
