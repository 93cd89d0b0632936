"""A dose: the order it is given under, its amount and route, and what must be true first."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from kapcare.core.violations import Violation
from kapcare.medicine.rules.checklist import check_checklist, check_predose_vitals
from kapcare.medicine.rules.facts import (
    DoseAdministration,
    DoseOrder,
    PreDoseChecklist,
    VitalSigns,
)
from kapcare.medicine.rules.record_time import (
    in_future,
    latest_at_or_before,
)
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    DOSE_INVALID_AMOUNT,
    DOSE_LOT_MISSING,
    DOSE_TIME_IN_FUTURE,
    EXCEEDS_ORDER,
    NO_ACTIVE_ORDER,
    ROUTE_MISMATCH,
)
from kapcare.pathway.vocabulary import Route


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
    if in_future(dose.at, now, policy):
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

    reading = latest_at_or_before(readings, dose.at)
    violations += check_checklist(checklist, predose_vitals=reading, dose_at=dose.at, policy=policy)
    if reading is not None:
        violations += check_predose_vitals(
            reading, acknowledged=predose_acknowledged, policy=policy
        )
    return violations
