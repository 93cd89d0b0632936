"""Every change to the pathway's records, and the reads the pages and API make of them.

Each service takes keyword-only arguments, an explicit ``actor`` and the time (``now``),
reaches the client through ``people.access`` (not found and not allowed look the same
and are audited), changes the data in one transaction and writes the audit row inside
it. One module per record: ``plan``, ``consent``, ``screening``, ``clearance``,
``dose_order``, ``diagnosis``, ``plan_items`` (problems, goals, interventions) and
``plan_review`` (the signed review, and the read of the whole plan); ``summary`` is the
medical page's read.
"""

from kapcare.pathway.services.clearance import record_clearance
from kapcare.pathway.services.consent import (
    current_consent_documents,
    record_consent,
    revoke_consent,
    sign_consent,
)
from kapcare.pathway.services.consent_documents import (
    publish_consent_document,
    publish_practice_consent_document,
)
from kapcare.pathway.services.diagnosis import (
    DIAGNOSING_ROLES,
    list_diagnoses,
    practice_codes,
    record_diagnosis,
    resolve_diagnosis,
)
from kapcare.pathway.services.dose_order import record_dose_order
from kapcare.pathway.services.plan import pause_plan_by_client, record_plan
from kapcare.pathway.services.plan_items import (
    GoalIn,
    change_goal_status,
    end_intervention,
    record_goal,
    record_intervention,
    record_problem,
    resolve_problem,
    reword_problem,
)
from kapcare.pathway.services.plan_review import (
    GoalJudgement,
    GoalRow,
    PlanDetail,
    get_plan_detail,
    sign_plan_review,
)
from kapcare.pathway.services.screening import (
    QUESTION_CODES,
    ScreeningInput,
    evaluation_of,
    latest_screening,
    list_screenings,
    measured_items,
    record_screening,
    screening_items,
)
from kapcare.pathway.services.summary import MedicalSummary, get_medical_summary

__all__ = [
    "DIAGNOSING_ROLES",
    "QUESTION_CODES",
    "GoalIn",
    "GoalJudgement",
    "GoalRow",
    "MedicalSummary",
    "PlanDetail",
    "ScreeningInput",
    "change_goal_status",
    "current_consent_documents",
    "end_intervention",
    "evaluation_of",
    "get_medical_summary",
    "get_plan_detail",
    "latest_screening",
    "list_diagnoses",
    "list_screenings",
    "measured_items",
    "pause_plan_by_client",
    "practice_codes",
    "publish_consent_document",
    "publish_practice_consent_document",
    "record_clearance",
    "record_consent",
    "record_diagnosis",
    "record_dose_order",
    "record_goal",
    "record_intervention",
    "record_plan",
    "record_problem",
    "record_screening",
    "resolve_diagnosis",
    "resolve_problem",
    "revoke_consent",
    "reword_problem",
    "screening_items",
    "sign_consent",
    "sign_plan_review",
]
