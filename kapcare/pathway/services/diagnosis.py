"""Diagnoses on the plan: recorded from the practice's ICD-10-CM list, resolved by date."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.pathway.access import access_diagnosis
from kapcare.pathway.diagnoses import DEFAULT_CODES, check_code, normalize_code
from kapcare.pathway.models import Diagnosis, PracticeDiagnosisCode
from kapcare.pathway.rules import DIAGNOSIS_RESOLVED
from kapcare.pathway.services.dating import require_dated_act
from kapcare.people.access import Actor, access_client, lock_client, refuse_change, staff_of
from kapcare.people.policy import Category, Role

__all__ = [
    "DIAGNOSING_ROLES",
    "list_diagnoses",
    "practice_codes",
    "record_diagnosis",
    "resolve_diagnosis",
]

# Diagnosing is a clinician's act: therapists and medical providers on the care team.
DIAGNOSING_ROLES = frozenset({Role.THERAPIST, Role.MEDICAL_PROVIDER})


def practice_codes(practice_id: int) -> dict[str, str]:
    """The practice's diagnosis list: the defaults and the codes it added."""
    added = PracticeDiagnosisCode.objects.filter(practice_id=practice_id)
    return {**DEFAULT_CODES, **dict(added.values_list("code", "description"))}


def record_diagnosis(
    *, actor: Actor, client_id: int, code: str, noted_on: dt.date, now: dt.datetime
) -> Diagnosis:
    staff = staff_of(actor, Category.CLINICAL, action=AuditAction.CREATE)
    client = access_client(
        actor, client_id, Category.CLINICAL, action=AuditAction.CREATE, detail="diagnosis"
    )
    if not actor.roles & DIAGNOSING_ROLES:
        raise refuse_change(
            actor, client_id=client.pk, category=Category.CLINICAL, detail="create:diagnosis"
        )
    codes = practice_codes(client.practice_id)
    problem = check_code(code, codes)
    if problem is not None:
        raise FieldError("code", problem)
    if noted_on > timezone.localdate(now):
        raise FieldError("noted_on", "A diagnosis cannot be noted in the future.")
    code = normalize_code(code)
    with transaction.atomic():
        diagnosis = Diagnosis.objects.create(
            client=client,
            code=code,
            description=codes[code],
            noted_on=noted_on,
            recorded_by=staff,
            recorded_at=now,
        )
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"diagnosis:{diagnosis.pk}",
        )
    return diagnosis


def list_diagnoses(actor: Actor, client_id: int) -> list[Diagnosis]:
    """The client's diagnoses, oldest first (an audited read of clinical data)."""
    client = access_client(actor, client_id, Category.CLINICAL, detail="diagnoses")
    return list(Diagnosis.objects.filter(client=client).order_by("noted_on", "id"))


def resolve_diagnosis(
    *, actor: Actor, diagnosis_id: int, resolved_on: dt.date, now: dt.datetime
) -> Diagnosis:
    """Date a diagnosis's resolution; the diagnosis is kept (a FHIR Condition resolved)."""
    staff_of(actor, Category.CLINICAL, action=AuditAction.UPDATE)
    found, client = access_diagnosis(
        actor, diagnosis_id, action=AuditAction.UPDATE, detail="diagnosis:resolve"
    )
    if not actor.roles & DIAGNOSING_ROLES:
        raise refuse_change(
            actor, client_id=client.pk, category=Category.CLINICAL, detail="update:diagnosis"
        )
    with transaction.atomic():
        lock_client(client.pk)
        diagnosis = Diagnosis.objects.get(pk=found.pk)
        require_dated_act(
            DIAGNOSIS_RESOLVED,
            on=resolved_on,
            now=now,
            started_on=diagnosis.noted_on,
            done_on=diagnosis.resolved_on,
        )
        diagnosis.resolved_on = resolved_on
        diagnosis.save(update_fields=["resolved_on"])
        record_event(
            source=actor.audit_source,
            action=AuditAction.UPDATE,
            client_id=client.pk,
            category=Category.CLINICAL,
            detail=f"diagnosis:{diagnosis.pk}:resolved",
        )
    return diagnosis
