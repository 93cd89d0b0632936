"""Reaching FHIR resources through ``people.access``: whose record an id names, and which
categories of a client a reader may see. Missing and not allowed answer the same
audited 404, as everywhere else.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.ids import is_record_id
from kapcare.interop.reports.practice import PracticeOutcomes, practice_outcomes
from kapcare.measures.models import MeasureResponse, RiskFlag
from kapcare.medicine.models import AdverseEvent, DoseAdministration, VitalsReading
from kapcare.pathway.models import Consent, Diagnosis, TreatmentPlan
from kapcare.people.access import Actor, access_client, allowed_categories, deny
from kapcare.people.models import Client
from kapcare.people.policy import Category, may_read_practice_outcomes
from kapcare.scheduling.models import Appointment

__all__ = ["access_client_categories", "access_resource_owner", "read_practice_outcomes"]

_NUMBER = re.compile(r"^[1-9][0-9]{0,17}$")
_OBSERVATION = re.compile(r"^(measure|bp|hr|spo2)-([1-9][0-9]{0,17})$")


def _owner(practice_id: int, resource_type: str, resource_id: str) -> tuple[int, Category] | None:
    """The client an id of ``resource_type`` belongs to, and the category it is in."""
    if resource_type == "Observation":
        match = _OBSERVATION.match(resource_id)
        if match is None:
            return None
        prefix, number = match[1], int(match[2])
        if prefix == "measure":
            rows = MeasureResponse.objects.filter(pk=number, client__practice_id=practice_id)
            return _first(rows.values_list("client_id", flat=True), Category.CLINICAL)
        vitals = VitalsReading.objects.filter(pk=number, session__client__practice_id=practice_id)
        return _first(
            vitals.values_list("session__client_id", flat=True), Category.MEDICINE_SESSION
        )
    if not _NUMBER.match(resource_id):
        return None
    number = int(resource_id)
    by_client: dict[str, tuple[QuerySet[Any], str, Category]] = {
        "Patient": (
            Client.objects.filter(pk=number, practice_id=practice_id),
            "pk",
            Category.DEMOGRAPHICS,
        ),
        "Appointment": (Appointment.objects.filter(pk=number), "client_id", Category.SCHEDULE),
        "Encounter": (Appointment.objects.filter(pk=number), "client_id", Category.SCHEDULE),
        "CarePlan": (TreatmentPlan.objects.filter(pk=number), "client_id", Category.CLINICAL),
        "Consent": (Consent.objects.filter(pk=number), "client_id", Category.CLINICAL),
        "Condition": (Diagnosis.objects.filter(pk=number), "client_id", Category.CLINICAL),
        "QuestionnaireResponse": (
            MeasureResponse.objects.filter(pk=number),
            "client_id",
            Category.CLINICAL,
        ),
        "Flag": (RiskFlag.objects.filter(pk=number), "client_id", Category.SAFETY),
        "MedicationAdministration": (
            DoseAdministration.objects.filter(pk=number),
            "session__client_id",
            Category.MEDICINE_SESSION,
        ),
        "AdverseEvent": (
            AdverseEvent.objects.filter(pk=number),
            "session__client_id",
            Category.MEDICINE_SESSION,
        ),
        "AuditEvent": (
            AuditEvent.objects.filter(seq=number, client_id__isnull=False),
            "client_id",
            Category.AUDIT,
        ),
    }
    if resource_type not in by_client:
        return None
    rows, field, category = by_client[resource_type]
    client_ids = rows.values_list(field, flat=True)
    owner = _first(client_ids, category)
    if owner is None or not Client.objects.filter(pk=owner[0], practice_id=practice_id).exists():
        return None
    return owner


def _first(values: Iterable[int], category: Category) -> tuple[int, Category] | None:
    for value in values:
        return value, category
    return None


def access_resource_owner(
    actor: Actor, resource_type: str, resource_id: str, *, detail: str
) -> tuple[Client, Category]:
    """The client whose resource this is and its category, if the actor may read it
    (the read is audited); otherwise an audited 404."""
    practice_id = actor.practice_id
    owner = _owner(practice_id, resource_type, resource_id)
    if owner is None:
        raise deny(actor, category=_guess(resource_type), action=AuditAction.READ, detail=detail)
    client_id, category = owner
    return access_client(actor, client_id, category, detail=detail), category


def _guess(resource_type: str) -> Category:
    from kapcare.interop.records import categories_of

    found = categories_of(resource_type)
    return found[0] if found else Category.DEMOGRAPHICS


def access_client_categories(
    actor: Actor, client_id: int, wanted: Iterable[Category], *, detail: str
) -> tuple[Client, list[Category]]:
    """The client and which of ``wanted`` the actor may see of them, each category read
    audited as its own event; an audited 404 when they may see none of them (or the client
    is missing, or of another practice). Psychotherapy notes are never among them."""
    wanted = [c for c in wanted if c != Category.PSYCHOTHERAPY_NOTES]
    client = (
        Client.objects.filter(pk=client_id, practice_id=actor.practice_id).first()
        if is_record_id(client_id)
        else None
    )
    allowed = allowed_categories(actor, client.pk) if client is not None else frozenset()
    chosen = [c for c in wanted if c in allowed]
    if client is None or not chosen:
        raise deny(
            actor,
            client_id=client_id,
            category=wanted[0] if wanted else Category.DEMOGRAPHICS,
            action=AuditAction.READ,
            detail=detail,
        )
    record_events_by_category(actor, client.pk, chosen, detail=detail)
    return client, chosen


def record_events_by_category(
    actor: Actor, client_id: int, categories: Iterable[Category], *, detail: str
) -> None:
    for category in categories:
        record_event(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_id=client_id,
            category=category,
            detail=detail,
        )


def read_practice_outcomes(
    actor: Actor, *, action: AuditAction = AuditAction.READ, detail: str = "outcomes"
) -> PracticeOutcomes:
    """The practice's outcomes for its therapists and privacy officer (the page, its CSV
    and the API alike): anyone else gets the audited 404; a read (or, for the CSV, an
    export) is audited as one event."""
    if not may_read_practice_outcomes(actor.roles):
        raise deny(actor, category=Category.CLINICAL, action=action, detail=detail)
    outcomes = practice_outcomes(actor.practice_id, now=clock.now())
    record_event(
        source=actor.audit_source, action=action, category="practice", detail=detail
    )  # fmt: skip
    return outcomes
