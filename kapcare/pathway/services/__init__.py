"""Every change to the pathway's records, and the reads the pages and API make of them.

Each service takes keyword-only arguments, an explicit ``actor`` and the time (``now``),
reaches the client through ``people.access`` (not found and not allowed look the same
and are audited), changes the data in one transaction and writes the audit row inside
it. One module per record: ``plan``, ``consent``, ``screening``, ``clearance``,
``dose_order``; ``summary`` is the medical page's read.
"""

from kapcare.pathway.services.clearance import record_clearance
from kapcare.pathway.services.consent import record_consent, revoke_consent
from kapcare.pathway.services.dose_order import record_dose_order
from kapcare.pathway.services.plan import record_plan
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
    "QUESTION_CODES",
    "MedicalSummary",
    "ScreeningInput",
    "evaluation_of",
    "get_medical_summary",
    "latest_screening",
    "list_screenings",
    "measured_items",
    "record_clearance",
    "record_consent",
    "record_dose_order",
    "record_plan",
    "record_screening",
    "revoke_consent",
    "screening_items",
]
