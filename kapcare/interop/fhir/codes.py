"""Code systems and the codes KAP Care emits (DESIGN.md, "Data and standards").

Each code here is a published one; where no standard code exists (PCL-5 total, the
practice's own instruments) the resource carries the instrument's name as text and a
code in KAP Care's own system, never an invented LOINC code.
"""

import datetime as dt
from typing import Any

LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
NPI = "http://hl7.org/fhir/sid/us-npi"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROUTE = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
AUDIT_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"

# KAP Care's own systems, for what has no standard code.
KAPCARE = "https://kapcare.org/fhir"
KAPCARE_INSTRUMENT = f"{KAPCARE}/CodeSystem/instrument"
KAPCARE_ROLE = f"{KAPCARE}/CodeSystem/staff-role"
KAPCARE_APPOINTMENT_KIND = f"{KAPCARE}/CodeSystem/appointment-kind"
KAPCARE_ADVERSE_EVENT = f"{KAPCARE}/CodeSystem/adverse-event"
KAPCARE_RISK_FLAG = f"{KAPCARE}/CodeSystem/risk-flag"
KAPCARE_CONSENT_KIND = f"{KAPCARE}/CodeSystem/consent-kind"
KAPCARE_AUDIT_ACTION = f"{KAPCARE}/CodeSystem/audit-action"
KAPCARE_CLIENT_ID = f"{KAPCARE}/NamingSystem/client-id"

# Total-score LOINC codes of the instruments (issue 13). PCL-5 has no LOINC total here.
INSTRUMENT_TOTAL_LOINC: dict[str, tuple[str, str]] = {
    "PHQ-9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "GAD-7": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
}

# Vital signs (US Core / FHIR vital-signs profile codes).
US_CORE_CONDITION = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns"
)
VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
HEART_RATE = ("8867-4", "Heart rate")
SPO2 = ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")

KETAMINE = ("6130", "ketamine")

ROUTE_CODES: dict[str, tuple[str, str]] = {
    "sublingual": ("SL", "Sublingual"),
    "oral": ("PO", "Swallow, oral"),
    "intramuscular": ("IM", "Injection, intramuscular"),
    "intravenous": ("IVINJ", "Injection, intravenous"),
    "intranasal": ("NASINHL", "Inhalation, nasal"),
}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A CodeableConcept with one coding (and its display as text)."""
    result: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if display:
        result["text"] = display
    return result


def ref(resource_type: str, resource_id: object, display: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        result["display"] = display
    return result


def instant(value: Any) -> str:
    """An aware datetime as a FHIR instant (UTC, seconds)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[no-any-return]
