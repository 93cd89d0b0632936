"""Loads clients' records and maps them to FHIR resources, one stream per resource type.

The one place the FHIR endpoints and the bulk export read client rows. Each stream is
one query (what its rows refer to selected, or prefetched in chunks) over a set of
clients given as a queryset: one client for a read, everyone a reader may see for an
export. Rows are read with ``iterator(chunk_size=...)``, so memory stays flat however
many there are, and come ordered by client, then time. Psychotherapy notes are not a
category this module loads, whoever asks.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from kapcare.audit.models import AuditEvent
from kapcare.interop.fhir import audit as audit_map
from kapcare.interop.fhir import measures as measures_map
from kapcare.interop.fhir import medicine as medicine_map
from kapcare.interop.fhir import pathway as pathway_map
from kapcare.interop.fhir import patient as patient_map
from kapcare.interop.fhir import practice as practice_map
from kapcare.interop.fhir import scheduling as scheduling_map
from kapcare.interop.fhir.medicine import SessionRef
from kapcare.measures.models import MeasureResponse, RiskFlag
from kapcare.measures.registry import UnknownInstrument, get_instrument, list_instruments
from kapcare.medicine.models import (
    AdverseEvent,
    DoseAdministration,
    MedicineSession,
    VitalsReading,
)
from kapcare.pathway.models import Consent, Diagnosis, TreatmentPlan
from kapcare.people.models import Client, Location, Practice, StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.vocabulary import AppointmentStatus

Resource = dict[str, Any]
Row = tuple[int, Resource]  # (client id, resource)
Stream = Callable[[QuerySet[Client]], Iterator[Row]]

CHUNK = 1000
T = TypeVar("T")


def _in(clients: QuerySet[Client], field: str = "client_id") -> Q:
    return Q(**{f"{field}__in": clients.values("pk")})


def _patients(clients: QuerySet[Client]) -> Iterator[Row]:
    for client in clients.order_by("pk").iterator(chunk_size=CHUNK):
        yield client.pk, patient_map.patient(client)


def batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """``rows`` in lists of ``size`` (itertools.batched is Python 3.12)."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _appointments(clients: QuerySet[Client]) -> QuerySet[Appointment]:
    return Appointment.objects.filter(_in(clients)).order_by("client_id", "start", "id")


def _with_staff(appointments: QuerySet[Appointment]) -> Iterator[tuple[Appointment, list[int]]]:
    """Each appointment with its staff ids, one query per chunk (``prefetch_related`` with
    ``iterator`` keeps every chunk's rows alive, so memory would grow with the practice)."""
    for chunk in batched(appointments.iterator(chunk_size=CHUNK), CHUNK):
        staff: dict[int, list[int]] = {}
        links = AppointmentStaff.objects.filter(appointment_id__in=[a.pk for a in chunk])
        for appointment_id, staff_id in links.order_by("staff_id").values_list(
            "appointment_id", "staff_id"
        ):
            staff.setdefault(appointment_id, []).append(staff_id)
        for appointment in chunk:
            yield appointment, staff.get(appointment.pk, [])


def _appointment_rows(clients: QuerySet[Client]) -> Iterator[Row]:
    for appointment, staff_ids in _with_staff(_appointments(clients)):
        yield appointment.client_id, scheduling_map.appointment(appointment, staff_ids)


def _encounter_rows(clients: QuerySet[Client]) -> Iterator[Row]:
    held = _appointments(clients).filter(
        Q(status=AppointmentStatus.COMPLETED)
        | Exists(MedicineSession.objects.filter(appointment=OuterRef("pk")))
    )
    for appointment, staff_ids in _with_staff(held):
        yield appointment.client_id, scheduling_map.encounter(appointment, staff_ids)


def _care_plans(clients: QuerySet[Client]) -> Iterator[Row]:
    for plan in TreatmentPlan.objects.filter(_in(clients)).order_by("client_id").iterator(CHUNK):
        yield plan.client_id, pathway_map.care_plan(plan)


def _consents(clients: QuerySet[Client]) -> Iterator[Row]:
    rows = Consent.objects.filter(_in(clients)).order_by("client_id", "signed_on", "id")
    for signed in rows.iterator(chunk_size=CHUNK):
        yield signed.client_id, pathway_map.consent(signed)


def _conditions(clients: QuerySet[Client]) -> Iterator[Row]:
    rows = Diagnosis.objects.filter(_in(clients)).order_by("client_id", "noted_on", "id")
    for diagnosis in rows.iterator(chunk_size=CHUNK):
        yield diagnosis.client_id, pathway_map.condition(diagnosis)


def item_link_ids(instrument_code: str, version: str) -> list[str]:
    """The instrument's answerable items, in the order responses store their answers."""
    for wanted in (version, None):
        try:
            instrument = get_instrument(instrument_code, version=wanted)
        except UnknownInstrument:
            continue
        return [item.link_id for item in instrument.scoring.items]
    return []


def _responses(clients: QuerySet[Client]) -> QuerySet[MeasureResponse]:
    return MeasureResponse.objects.filter(_in(clients)).order_by("client_id", "completed_at", "id")


def _questionnaire_responses(clients: QuerySet[Client]) -> Iterator[Row]:
    link_ids: dict[tuple[str, str], list[str]] = {}  # one entry per instrument version
    for response in _responses(clients).iterator(chunk_size=CHUNK):
        key = (response.instrument_code, response.instrument_version)
        if key not in link_ids:
            link_ids[key] = item_link_ids(*key)
        yield response.client_id, measures_map.questionnaire_response(response, link_ids[key])


def _totals(clients: QuerySet[Client]) -> Iterator[Row]:
    for response in _responses(clients).filter(total__isnull=False).iterator(chunk_size=CHUNK):
        total = measures_map.total_observation(response)
        if total is not None:
            yield response.client_id, total


def _session_ref(row: VitalsReading | DoseAdministration | AdverseEvent) -> SessionRef:
    return SessionRef(client_id=row.session.client_id, appointment_id=row.session.appointment_id)


def _session_rows(model: Any, clients: QuerySet[Client]) -> Iterator[Any]:
    rows = (
        model.objects.filter(_in(clients, "session__client_id"))
        .select_related("session")
        .order_by("session__client_id", "at", "id")
    )
    return rows.iterator(chunk_size=CHUNK)  # type: ignore[no-any-return]


def _vitals(clients: QuerySet[Client]) -> Iterator[Row]:
    for reading in _session_rows(VitalsReading, clients):
        ref = _session_ref(reading)
        for resource in medicine_map.vitals_observations(reading, ref):
            yield ref.client_id, resource


def _doses(clients: QuerySet[Client]) -> Iterator[Row]:
    for dose in _session_rows(DoseAdministration, clients):
        ref = _session_ref(dose)
        yield ref.client_id, medicine_map.medication_administration(dose, ref)


def _adverse_events(clients: QuerySet[Client]) -> Iterator[Row]:
    for event in _session_rows(AdverseEvent, clients):
        ref = _session_ref(event)
        yield ref.client_id, medicine_map.adverse_event(event, ref)


def _flags(clients: QuerySet[Client]) -> Iterator[Row]:
    rows = RiskFlag.objects.filter(_in(clients)).order_by("client_id", "raised_at", "id")
    for risk in rows.iterator(chunk_size=CHUNK):
        yield risk.client_id, measures_map.flag(risk)


def _audit_events(clients: QuerySet[Client]) -> Iterator[Row]:
    rows = AuditEvent.objects.filter(_in(clients)).order_by("client_id", "seq")
    for event in rows.iterator(chunk_size=CHUNK):
        yield int(event.client_id or 0), audit_map.audit_event(event)


# Every stream of client data: (category, resource type) -> stream. Observation is in
# two categories: instrument totals are clinical, vital signs belong to the session.
STREAMS: dict[tuple[Category, str], Stream] = {
    (Category.DEMOGRAPHICS, "Patient"): _patients,
    (Category.SCHEDULE, "Appointment"): _appointment_rows,
    (Category.SCHEDULE, "Encounter"): _encounter_rows,
    (Category.CLINICAL, "CarePlan"): _care_plans,
    (Category.CLINICAL, "Consent"): _consents,
    (Category.CLINICAL, "Condition"): _conditions,
    (Category.CLINICAL, "QuestionnaireResponse"): _questionnaire_responses,
    (Category.CLINICAL, "Observation"): _totals,
    (Category.MEDICINE_SESSION, "Observation"): _vitals,
    (Category.MEDICINE_SESSION, "MedicationAdministration"): _doses,
    (Category.MEDICINE_SESSION, "AdverseEvent"): _adverse_events,
    (Category.SAFETY, "Flag"): _flags,
    (Category.AUDIT, "AuditEvent"): _audit_events,
}
TYPES_BY_CATEGORY: dict[Category, tuple[str, ...]] = {}
for _category, _type in STREAMS:
    TYPES_BY_CATEGORY.setdefault(_category, ())
    TYPES_BY_CATEGORY[_category] += (_type,)
CLIENT_TYPES = frozenset(t for _, t in STREAMS)
PRACTICE_TYPES = frozenset(
    {"Organization", "Location", "Practitioner", "PractitionerRole", "Questionnaire"}
)


def categories_of(resource_type: str) -> tuple[Category, ...]:
    return tuple(c for c, t in STREAMS if t == resource_type)


def streams_for(
    categories: Iterable[Category], resource_type: str | None = None
) -> list[tuple[Category, str, Stream]]:
    wanted = set(categories)
    return [
        (category, kind, stream)
        for (category, kind), stream in STREAMS.items()
        if category in wanted and resource_type in (None, kind)
    ]


def client_resources(
    client: Client, categories: Iterable[Category], *, resource_type: str | None = None
) -> list[Resource]:
    """One client's resources of ``categories`` (optionally of one type).

    The caller has checked (and audited) that the reader may see each category.
    """
    one = Client.objects.filter(pk=client.pk)
    return [
        resource
        for _, _, stream in streams_for(categories, resource_type)
        for _, resource in stream(one)
    ]


# --- the practice's own resources (no client data) --------------------------------------


def practice_resources(practice_id: int, *, resource_type: str | None = None) -> list[Resource]:
    """Organization, Locations, Practitioners, PractitionerRoles, Questionnaires."""
    wanted = {resource_type} if resource_type else PRACTICE_TYPES
    found: list[Resource] = []
    if "Organization" in wanted:
        found += [practice_map.organization(p) for p in Practice.objects.filter(pk=practice_id)]
    if "Location" in wanted:
        places = Location.objects.filter(practice_id=practice_id).order_by("id")
        found += [practice_map.location(place) for place in places]
    if wanted & {"Practitioner", "PractitionerRole"}:
        staff = (
            StaffMember.objects.filter(practice_id=practice_id)
            .select_related("user")
            .prefetch_related("roles")
            .order_by("id")
        )
        for member in staff:
            if "Practitioner" in wanted:
                found.append(practice_map.practitioner(member))
            if "PractitionerRole" in wanted:
                roles = [r.role for r in member.roles.all()]
                found.append(practice_map.practitioner_role(member, roles))
    if "Questionnaire" in wanted:
        found += questionnaires()
    return found


def questionnaires() -> list[Resource]:
    """Every instrument the practice can score, as a Questionnaire."""
    codes = {i.code: i for i in list_instruments()}
    return [
        measures_map.questionnaire(code, instrument.questionnaire)
        for code, instrument in sorted(codes.items())
    ]
