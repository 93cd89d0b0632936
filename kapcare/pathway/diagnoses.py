"""ICD-10-CM diagnoses on the treatment plan: the default code list and the code check.

Pure Python (no Django). A practice's list is these defaults plus the codes it adds
(``pathway.models.PracticeDiagnosisCode``, kept in the admin); a diagnosis on a plan
must be on the practice's list. Examples from CLINICAL.md ("Billing codes"): complex
PTSD has no ICD-10-CM code (ICD-11 6B41), so it is recorded as F43.10/F43.12 or F43.89
with the clinician's words beside it.
"""

import re
from collections.abc import Mapping

__all__ = ["DEFAULT_CODES", "ICD10_SYSTEM", "check_code", "normalize_code"]

ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"

DEFAULT_CODES: dict[str, str] = {
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.11": "Post-traumatic stress disorder, acute",
    "F43.12": "Post-traumatic stress disorder, chronic",
    "F43.81": "Prolonged grief disorder",
    "F43.89": "Other reactions to severe stress",
    "F43.9": "Reaction to severe stress, unspecified",
    "F44.81": "Dissociative identity disorder",
    "F44.89": "Other dissociative and conversion disorders",
    "F44.9": "Dissociative and conversion disorder, unspecified",
    "F60.3": "Borderline personality disorder",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F41.1": "Generalized anxiety disorder",
}

# ICD-10-CM's shape: a letter, two characters, then up to four after the dot.
_SHAPE = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")


def normalize_code(code: str) -> str:
    return code.strip().upper()


def check_code(code: str, practice_codes: Mapping[str, str]) -> str | None:
    """Why ``code`` cannot be a diagnosis here (None: it can)."""
    code = normalize_code(code)
    if not _SHAPE.match(code):
        return "Give an ICD-10-CM code, such as F43.10."
    if code not in practice_codes:
        return "Choose a code from the practice's diagnosis list."
    return None
