"""CarePlan, Consent and Condition: the treatment plan, signed consents and the plan's
ICD-10-CM diagnoses (the ``clinical`` category)."""

from typing import Any

from kapcare.interop.fhir.codes import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CONSENT_CATEGORY,
    CONSENT_SCOPE,
    ICD10CM,
    KAPCARE_CONSENT_KIND,
    US_CORE_CONDITION,
    coding,
    concept,
    instant,
    ref,
)
from kapcare.pathway.models import Consent, Diagnosis, TreatmentPlan
from kapcare.pathway.vocabulary import (
    CONSENT_LABELS,
    FORMAT_LABELS,
    TREATMENT_MODALITY_LABELS,
    ConsentKind,
    PlanFormat,
    PlanStatus,
)

CARE_PLAN_STATUS = {
    PlanStatus.ACTIVE: "active",
    PlanStatus.PAUSED: "on-hold",
    PlanStatus.CLOSED: "completed",
}


def care_plan(plan: TreatmentPlan) -> dict[str, Any]:
    plan_format = FORMAT_LABELS[PlanFormat(plan.format)]
    modalities = ", ".join(TREATMENT_MODALITY_LABELS[m] for m in plan.modalities)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "status": CARE_PLAN_STATUS[PlanStatus(plan.status)],
        "intent": "plan",
        "category": [{"text": plan_format}],
        "title": f"Treatment plan ({plan_format.lower()})",
        "subject": ref("Patient", plan.client_id),
        "created": instant(plan.updated_at),
        # A plan the client paused in the portal was last changed by the client.
        "author": (
            ref("Practitioner", plan.updated_by_id)
            if plan.updated_by_id is not None
            else ref("Patient", plan.client_id)
        ),
    }
    if modalities:
        resource["description"] = f"Modalities: {modalities}."
    if plan.relational_goals:
        resource["note"] = [{"text": plan.relational_goals}]
    return resource


def consent(signed: Consent) -> dict[str, Any]:
    label = CONSENT_LABELS[ConsentKind(signed.kind)]
    provision: dict[str, Any] = {"period": {"start": signed.signed_on.isoformat()}}
    if signed.revoked_on is not None:
        provision["period"]["end"] = signed.revoked_on.isoformat()
    return {
        "resourceType": "Consent",
        "id": str(signed.pk),
        "status": "inactive" if signed.revoked_on is not None else "active",
        "scope": concept(CONSENT_SCOPE, "treatment", "Treatment"),
        "category": [
            {
                "coding": [
                    coding(CONSENT_CATEGORY, "59284-0", "Consent Document"),
                    coding(KAPCARE_CONSENT_KIND, signed.kind, label),
                ],
                "text": label,
            }
        ],
        "patient": ref("Patient", signed.client_id),
        "dateTime": instant(signed.recorded_at),
        "policyRule": {"text": f"{label}, version {signed.version}"},
        "provision": provision,
    }


def condition(diagnosis: Diagnosis) -> dict[str, Any]:
    """A diagnosis on the plan as a US Core problem-list Condition (ICD-10-CM).

    A resolved diagnosis stays, marked resolved with its date: FHIR's history of a
    problem, as the plan keeps it (diagnoses are resolved, never deleted)."""
    resolved = diagnosis.resolved_on is not None
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(diagnosis.pk),
        "meta": {"profile": [US_CORE_CONDITION]},
        "clinicalStatus": concept(
            CONDITION_CLINICAL,
            "resolved" if resolved else "active",
            "Resolved" if resolved else "Active",
        ),
        "verificationStatus": concept(CONDITION_VERIFICATION, "confirmed", "Confirmed"),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": concept(ICD10CM, diagnosis.code, diagnosis.description),
        "subject": ref("Patient", diagnosis.client_id),
        "onsetDateTime": diagnosis.noted_on.isoformat(),
        "recordedDate": instant(diagnosis.recorded_at),
        "recorder": ref("Practitioner", diagnosis.recorded_by_id),
    }
    if diagnosis.resolved_on is not None:
        resource["abatementDateTime"] = diagnosis.resolved_on.isoformat()
    return resource
