"""Property tests: every resource a mapper emits, for any record the models allow, is a
valid R4B resource, and a patient's resources with the practice's resources they name
resolve every reference inside one Bundle.

Records are unsaved model instances (the mappers never query), drawn by hypothesis.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kapcare.accounts.models import User
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.interop.fhir import audit, measures, medicine, pathway, patient, practice, scheduling
from kapcare.interop.fhir.bundle import searchset, with_referenced
from kapcare.interop.fhir.medicine import SessionRef
from kapcare.interop.tests.fhir_checks import unresolved, validate, validate_bundle
from kapcare.measures.models import MeasureResponse, RiskFlag, RiskFlagCode
from kapcare.medicine.models import AdverseEvent, DoseAdministration, VitalsReading
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity
from kapcare.pathway.diagnoses import DEFAULT_CODES
from kapcare.pathway.models import Consent, Diagnosis, TreatmentPlan
from kapcare.pathway.vocabulary import ConsentKind, PlanFormat, PlanStatus, Route
from kapcare.people.models import Client, Location, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.states import US_STATES
from kapcare.people.vocabulary import ClientStatus
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality

PRACTICE = 1
STAFF_IDS = (11, 12, 13)
LOCATION = 21
SETTINGS = settings(max_examples=60, deadline=None)

names = st.from_regex(r"[A-Z][a-z]{0,12}(?:[ '-][A-Z][a-z]{1,10})?", fullmatch=True)
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(str.strip)
# hypothesis takes naive bounds and adds the zone itself
_FIRST, _LAST = dt.datetime(2001, 1, 1), dt.datetime(2040, 1, 1)  # noqa: DTZ001
moments = st.datetimes(min_value=_FIRST, max_value=_LAST, timezones=st.just(dt.UTC))
ids = st.integers(min_value=1, max_value=2**53)


@st.composite
def clients(draw: st.DrawFn) -> Client:
    return Client(
        pk=draw(ids), practice_id=PRACTICE, legal_given_name=draw(names),
        legal_family_name=draw(names), preferred_name=draw(st.one_of(st.just(""), names)),
        pronouns=draw(st.sampled_from(["", "she/her", "they/them"])),
        date_of_birth=draw(st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31))),
        email=draw(st.sampled_from(["", "a@example.com"])),
        phone=draw(st.sampled_from(["", "215-555-0100"])),
        home_state=draw(st.sampled_from(sorted(US_STATES))),
        emergency_contact_name=draw(st.one_of(st.just(""), names)),
        emergency_contact_relationship=draw(st.sampled_from(["", "Sister"])),
        emergency_contact_phone=draw(st.sampled_from(["", "215-555-0199"])),
        status=draw(st.sampled_from(list(ClientStatus))),
    )  # fmt: skip


@st.composite
def appointments(draw: st.DrawFn, client_id: int) -> Appointment:
    start = draw(moments)
    modality = draw(st.sampled_from(list(Modality)))
    in_person = modality == Modality.IN_PERSON
    return Appointment(
        pk=draw(ids), client_id=client_id, kind=draw(st.sampled_from(list(AppointmentKind))),
        modality=modality, start=start,
        end=start + dt.timedelta(minutes=draw(st.integers(1, 600))),
        location_id=LOCATION if in_person else None, room_id=1 if in_person else None,
        status=draw(st.sampled_from(list(AppointmentStatus))),
    )  # fmt: skip


answer = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 100), st.floats(0, 100, allow_nan=False), names
)
answers = st.lists(answer, max_size=25)


@st.composite
def responses(draw: st.DrawFn, client_id: int) -> MeasureResponse:
    by_staff = draw(st.booleans())
    return MeasureResponse(
        pk=draw(ids), client_id=client_id,
        instrument_code=draw(st.sampled_from(["PHQ-9", "GAD-7", "PCL-5", "DES-II", "My Scale"])),
        instrument_version="1.0", answers=draw(answers), source="staff" if by_staff else "link",
        entered_by_id=STAFF_IDS[0] if by_staff else None, completed_at=draw(moments),
        total=draw(st.one_of(st.none(), st.decimals(0, 200, places=2))),
        severity=draw(st.sampled_from(["", "mild", "severe"])),
    )  # fmt: skip


@st.composite
def readings(draw: st.DrawFn) -> VitalsReading:
    systolic = draw(st.integers(60, 260))
    return VitalsReading(
        pk=draw(ids), session_id=1, at=draw(moments), systolic=systolic,
        diastolic=draw(st.integers(20, systolic - 1)), heart_rate=draw(st.integers(20, 250)),
        spo2=draw(st.integers(50, 100)), recorded_by_id=STAFF_IDS[1], recorded_at=draw(moments),
    )  # fmt: skip


@st.composite
def doses(draw: st.DrawFn) -> DoseAdministration:
    return DoseAdministration(
        pk=draw(ids), session_id=1, order_id=1, at=draw(moments),
        route=draw(st.sampled_from(list(Route))),
        dose_mg=draw(st.decimals(Decimal("0.01"), Decimal("99999.99"), places=2)),
        lot=draw(names), administered_by_id=STAFF_IDS[2], recorded_at=draw(moments),
    )  # fmt: skip


@st.composite
def adverse_events(draw: st.DrawFn) -> AdverseEvent:
    return AdverseEvent(
        pk=draw(ids), session_id=1, at=draw(moments),
        kind=draw(st.sampled_from(list(AdverseEventKind))),
        severity=draw(st.sampled_from(list(AdverseEventSeverity))), action=draw(texts),
        recorded_by_id=STAFF_IDS[1], recorded_at=draw(moments),
    )  # fmt: skip


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One patient's resources, of every client family."""
    client = draw(clients())
    medicine_session = draw(appointments(client.pk))
    session = SessionRef(client_id=client.pk, appointment_id=medicine_session.pk)
    found = [patient.patient(client)]
    # A medicine session's appointment is an Encounter (it has a record).
    found.append(scheduling.appointment(medicine_session, [STAFF_IDS[1]]))
    found.append(scheduling.encounter(medicine_session, [STAFF_IDS[1]]))
    for appointment in draw(st.lists(appointments(client.pk), max_size=4)):
        staff = draw(st.lists(st.sampled_from(STAFF_IDS), unique=True, max_size=3))
        found.append(scheduling.appointment(appointment, staff))
        found.append(scheduling.encounter(appointment, staff))
    for response in draw(st.lists(responses(client.pk), max_size=3)):
        found.append(measures.questionnaire_response(response, ["1", "2", "3"]))
        total = measures.total_observation(response)
        if total is not None:
            found.append(total)
    for reading in draw(st.lists(readings(), max_size=2)):
        found += medicine.vitals_observations(reading, session)
    found += [
        medicine.medication_administration(d, session) for d in draw(st.lists(doses(), max_size=2))
    ]
    found += [
        medicine.adverse_event(e, session) for e in draw(st.lists(adverse_events(), max_size=2))
    ]
    plan = TreatmentPlan(
        pk=draw(ids), client_id=client.pk, format=draw(st.sampled_from(list(PlanFormat))),
        status=draw(st.sampled_from(list(PlanStatus))), includes_kap=draw(st.booleans()),
        includes_parts_work=draw(st.booleans()), includes_emdr=draw(st.booleans()),
        relational_goals=draw(st.one_of(st.just(""), texts)), updated_by_id=STAFF_IDS[0],
        updated_at=draw(moments),
    )  # fmt: skip
    found.append(pathway.care_plan(plan))
    signed_on = draw(st.dates(dt.date(2001, 1, 1), dt.date(2039, 1, 1)))
    revoked = draw(st.booleans())
    found.append(pathway.consent(Consent(
        pk=draw(ids), client_id=client.pk, kind=draw(st.sampled_from(list(ConsentKind))),
        version=draw(names), signed_on=signed_on, recorded_by_id=STAFF_IDS[0],
        recorded_at=draw(moments),
        revoked_on=signed_on + dt.timedelta(days=3) if revoked else None,
        revoked_by_id=STAFF_IDS[0] if revoked else None,
    )))  # fmt: skip
    for _ in range(draw(st.integers(0, 2))):
        code, description = draw(st.sampled_from(sorted(DEFAULT_CODES.items())))
        noted_on = draw(st.dates(dt.date(2001, 1, 1), dt.date(2039, 1, 1)))
        resolved_on = draw(st.one_of(st.none(), st.just(noted_on + dt.timedelta(days=90))))
        found.append(pathway.condition(Diagnosis(
            pk=draw(ids), client_id=client.pk, code=code, description=description,
            noted_on=noted_on, resolved_on=resolved_on, recorded_by_id=STAFF_IDS[0],
            recorded_at=draw(moments),
        )))  # fmt: skip
    raised = draw(moments)
    reviewed = draw(st.booleans())
    found.append(measures.flag(RiskFlag(
        pk=draw(ids), client_id=client.pk, code=draw(st.sampled_from(list(RiskFlagCode))),
        response_id=1, raised_at=raised,
        reviewed_at=raised + dt.timedelta(hours=1) if reviewed else None,
    )))  # fmt: skip
    found.append(audit.audit_event(AuditEvent(
        seq=draw(ids), at=draw(moments), actor_id=draw(st.one_of(st.none(), ids)),
        client_id=client.pk, action=draw(st.sampled_from(list(AuditAction))),
        outcome=draw(st.sampled_from(list(AuditOutcome))),
        category=draw(st.sampled_from(["", "clinical"])),
        source_ip=draw(st.sampled_from([None, "127.0.0.1", "2001:db8::1"])),
    )))  # fmt: skip
    return found


def _practice() -> list[dict[str, Any]]:
    practice_row = Practice(pk=PRACTICE, name="Test Practice")
    place = Location(
        pk=LOCATION, practice_id=PRACTICE, name="Office", address_line1="1 Main St",
        city="Bryn Mawr", state="PA", postal_code="19010", time_zone="America/New_York",
    )  # fmt: skip
    found = [practice.organization(practice_row), practice.location(place)]
    for staff_id in STAFF_IDS:
        member = StaffMember(pk=staff_id, practice_id=PRACTICE, credentials="LPC", npi="1234567893")
        member.user = User(full_name=f"Pat Staff{staff_id}")
        found.append(practice.practitioner(member))
        found.append(practice.practitioner_role(member, [Role.THERAPIST, Role.MONITOR]))
    found += [
        measures.questionnaire(code, {"resourceType": "Questionnaire", "status": "active"})
        for code in ("PHQ-9", "GAD-7", "PCL-5", "DES-II", "My Scale")
    ]
    return found


@SETTINGS
@given(records())
def test_every_mapped_resource_is_valid_r4b(resources: list[dict[str, Any]]) -> None:
    for resource in resources:
        validate(resource)


@SETTINGS
@given(records())
def test_a_patients_resources_with_what_they_name_resolve_inside_one_bundle(
    resources: list[dict[str, Any]],
) -> None:
    everything = with_referenced(_practice(), resources)
    bundle = searchset("https://example.org/fhir/R4", everything, self_url="https://example.org/x")
    validate_bundle(bundle)
    assert unresolved(everything) == set()


def test_the_practice_resources_are_valid() -> None:
    for resource in _practice():
        validate(resource)
