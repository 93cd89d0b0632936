"""The pathway's pure rules (no Django, no database, no clock; .importlinter checks it).

``in_force``: what of the pathway's records is in force on a date (booking, dosing and
the chart's readiness ask it). ``dated_acts``: whether an act closing a record (a
diagnosis or problem resolved, an intervention ended, a consent revoked) may be dated
as asked.
"""

from kapcare.pathway.rules.dated_acts import (
    CONSENT_REVOKED,
    DIAGNOSIS_RESOLVED,
    INTERVENTION_ENDED,
    PROBLEM_RESOLVED,
    DatedAct,
    DatedActRefusal,
    Refusal,
    check_dated_act,
)
from kapcare.pathway.rules.in_force import (
    CLEARANCE_WORDS,
    Clearance,
    Consent,
    DoseOrder,
    TreatmentPlan,
    clearance_in_force,
    clearance_problem,
    consent_in_force,
    consent_problem,
    dose_order_in_force,
    dose_order_problem,
    latest_clearances,
    risk_problem,
)

__all__ = [
    "CLEARANCE_WORDS",
    "CONSENT_REVOKED",
    "DIAGNOSIS_RESOLVED",
    "INTERVENTION_ENDED",
    "PROBLEM_RESOLVED",
    "Clearance",
    "Consent",
    "DatedAct",
    "DatedActRefusal",
    "DoseOrder",
    "Refusal",
    "TreatmentPlan",
    "check_dated_act",
    "clearance_in_force",
    "clearance_problem",
    "consent_in_force",
    "consent_problem",
    "dose_order_in_force",
    "dose_order_problem",
    "latest_clearances",
    "risk_problem",
]
