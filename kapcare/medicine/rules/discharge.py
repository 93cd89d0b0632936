"""The discharge gate: monitoring time, vitals back in range, the client fit to go."""

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal

from kapcare.core.violations import Violation
from kapcare.medicine.rules.facts import (
    DischargeAssessment,
    DoseAdministration,
    VitalSigns,
)
from kapcare.medicine.rules.record_time import (
    in_future,
    latest_at_or_before,
    predose_reading,
    whole_minutes,
)
from kapcare.medicine.rules.vitals import vital_alerts
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    DISCHARGE_ESCORT_MISSING,
    DISCHARGE_MIN_MONITORING,
    DISCHARGE_NOT_ORIENTED,
    DISCHARGE_TIME_IN_FUTURE,
    DISCHARGE_UNSTEADY_GAIT,
    DISCHARGE_VITALS_NOT_RECENT,
    DISCHARGE_VITALS_OUT_OF_RANGE,
)


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
    if in_future(at, now, policy):
        violations.append(
            Violation(
                rule=DISCHARGE_TIME_IN_FUTURE,
                message="The discharge time is in the future.",
                subject="at",
            )
        )
    if doses:
        last_dose = max(d.at for d in doses)
        needed = whole_minutes(policy.min_monitoring)
        if at - last_dose < policy.min_monitoring:
            elapsed = max(0, whole_minutes(at - last_dose))
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

    last = latest_at_or_before(readings, at)
    if last is None or at - last.at > policy.discharge_vitals_max_age:
        violations.append(
            Violation(
                rule=DISCHARGE_VITALS_NOT_RECENT,
                message=(
                    "Take vitals before discharge: the last ones must be from the "
                    f"{whole_minutes(policy.discharge_vitals_max_age)} minutes before leaving."
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
