"""The pathway's records: plan (and its history), consents, screenings, clearances, dose orders.

Every enum and range is also a ``CheckConstraint``; the vocabularies are
``pathway.vocabulary``. Rows change only through ``pathway.services``, which checks the
rules and writes the audit trail.

The tables kept the names they had before these models moved here from ``scheduling``
and ``medicine`` (issue 8): the move changed no row (each model's ``db_table``, and the
migrations' ``SeparateDatabaseAndState``).

One module per concern: ``plan``, ``consent``, ``medical``, ``diagnosis``.
"""

from kapcare.pathway.models.consent import Consent, ConsentDocument
from kapcare.pathway.models.diagnosis import Diagnosis, PracticeDiagnosisCode
from kapcare.pathway.models.medical import Clearance, DoseOrder, MedicalScreening, ScreeningAnswer
from kapcare.pathway.models.plan import (
    GoalReview,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    PlanProblemWording,
    PlanReview,
    TreatmentPlan,
    TreatmentPlanVersion,
)

__all__ = [
    "Clearance",
    "Consent",
    "ConsentDocument",
    "Diagnosis",
    "DoseOrder",
    "GoalReview",
    "MedicalScreening",
    "PlanGoal",
    "PlanIntervention",
    "PlanProblem",
    "PlanProblemWording",
    "PlanReview",
    "PracticeDiagnosisCode",
    "ScreeningAnswer",
    "TreatmentPlan",
    "TreatmentPlanVersion",
]
