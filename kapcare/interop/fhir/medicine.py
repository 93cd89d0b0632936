"""Vital signs (Observation), MedicationAdministration and AdverseEvent of medicine sessions.

All ``medicine_session`` category. Each refers to the session's Encounter (its
appointment's id). The session's free text (observations, what emerged, addenda) is
never mapped: it can hold what a client said in session.
"""

from dataclasses import dataclass
from typing import Any

from kapcare.interop.fhir.codes import (
    AE_SERIOUSNESS,
    AE_SEVERITY,
    BP_PANEL,
    DIASTOLIC,
    HEART_RATE,
    KAPCARE_ADVERSE_EVENT,
    KETAMINE,
    LOINC,
    OBSERVATION_CATEGORY,
    ROUTE,
    ROUTE_CODES,
    RXNORM,
    SPO2,
    SYSTOLIC,
    UCUM,
    VITAL_SIGNS_PROFILE,
    coding,
    concept,
    instant,
    ref,
)
from kapcare.medicine.models import AdverseEvent, DoseAdministration, VitalsReading
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity
from kapcare.pathway.vocabulary import ROUTE_LABELS, Route


@dataclass(frozen=True)
class SessionRef:
    """Whose medicine session a row belongs to, and its appointment (the Encounter)."""

    client_id: int
    appointment_id: int


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _vital(
    reading: VitalsReading, session: SessionRef, prefix: str, code: tuple[str, str]
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"{prefix}-{reading.pk}",
        "meta": {"profile": [VITAL_SIGNS_PROFILE]},
        "status": "final",
        "category": [concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
        "code": concept(LOINC, code[0], code[1]),
        "subject": ref("Patient", session.client_id),
        "encounter": ref("Encounter", session.appointment_id),
        "effectiveDateTime": instant(reading.at),
        "performer": [ref("Practitioner", reading.recorded_by_id)],
    }


def vitals_observations(reading: VitalsReading, session: SessionRef) -> list[dict[str, Any]]:
    """One reading as three Observations: blood pressure (two components), pulse, SpO2."""
    pressure = _vital(reading, session, "bp", BP_PANEL)
    pressure["component"] = [
        {
            "code": concept(LOINC, SYSTOLIC[0], SYSTOLIC[1]),
            "valueQuantity": _quantity(reading.systolic, "mmHg", "mm[Hg]"),
        },
        {
            "code": concept(LOINC, DIASTOLIC[0], DIASTOLIC[1]),
            "valueQuantity": _quantity(reading.diastolic, "mmHg", "mm[Hg]"),
        },
    ]
    pulse = _vital(reading, session, "hr", HEART_RATE)
    pulse["valueQuantity"] = _quantity(reading.heart_rate, "beats/minute", "/min")
    oxygen = _vital(reading, session, "spo2", SPO2)
    oxygen["valueQuantity"] = _quantity(reading.spo2, "%", "%")
    return [pressure, pulse, oxygen]


def medication_administration(dose: DoseAdministration, session: SessionRef) -> dict[str, Any]:
    route_code, route_display = ROUTE_CODES[dose.route]
    return {
        "resourceType": "MedicationAdministration",
        "id": str(dose.pk),
        "status": "completed",
        "medicationCodeableConcept": concept(RXNORM, KETAMINE[0], KETAMINE[1]),
        "subject": ref("Patient", session.client_id),
        "context": ref("Encounter", session.appointment_id),
        "effectiveDateTime": instant(dose.at),
        "performer": [{"actor": ref("Practitioner", dose.administered_by_id)}],
        "dosage": {
            "text": f"{ROUTE_LABELS[Route(dose.route)]}, lot {dose.lot}",
            "route": {"coding": [coding(ROUTE, route_code, route_display)]},
            "dose": _quantity(float(dose.dose_mg), "mg", "mg"),
        },
    }


_SEVERITY = {
    AdverseEventSeverity.MILD: ("mild", "Mild"),
    AdverseEventSeverity.MODERATE: ("moderate", "Moderate"),
    AdverseEventSeverity.SERIOUS: ("severe", "Severe"),
}


def adverse_event(event: AdverseEvent, session: SessionRef) -> dict[str, Any]:
    kind = AdverseEventKind(event.kind)
    severity = AdverseEventSeverity(event.severity)
    serious = severity == AdverseEventSeverity.SERIOUS
    return {
        "resourceType": "AdverseEvent",
        "id": str(event.pk),
        "actuality": "actual",
        "event": {
            "coding": [coding(KAPCARE_ADVERSE_EVENT, kind.value, kind.label)],
            "text": kind.label,
        },
        "subject": ref("Patient", session.client_id),
        "encounter": ref("Encounter", session.appointment_id),
        "date": instant(event.at),
        "recordedDate": instant(event.recorded_at),
        "recorder": ref("Practitioner", event.recorded_by_id),
        "seriousness": concept(
            AE_SERIOUSNESS,
            "serious" if serious else "non-serious",
            "Serious" if serious else "Non-serious",
        ),
        "severity": concept(AE_SEVERITY, *_SEVERITY[severity]),
        "suspectEntity": [{"instance": {"display": "ketamine"}}],
    }
