"""The FHIR read API: metadata, read, search by patient, $everything; access and audit."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent, AuditOutcome
from kapcare.interop.tests.fhir_checks import validate, validate_bundle
from kapcare.interop.tests.records import FullRecord, full_record
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

FHIR_JSON = "application/fhir+json; charset=utf-8"
SignIn = Callable[[Role], HttpClient]


@pytest.fixture
def record(team_client: Client, staff: dict[Role, StaffMember]) -> FullRecord:
    return full_record(team_client, staff)


def _get(http: HttpClient, path: str) -> tuple[int, dict[str, Any]]:
    response = http.get(path)
    assert response["Content-Type"] == FHIR_JSON
    return response.status_code, response.json()


def _types(bundle: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_metadata_is_a_valid_capability_statement_without_sign_in(client: HttpClient) -> None:
    status, body = _get(client, "/fhir/R4/metadata")
    assert status == 200
    validate(body)
    served = {r["type"] for r in body["rest"][0]["resource"]}
    assert served == {
        "Patient", "Practitioner", "PractitionerRole", "Organization", "Location",
        "Appointment", "Encounter", "CarePlan", "Consent", "Questionnaire",
        "QuestionnaireResponse", "Observation", "MedicationAdministration", "AdverseEvent",
        "Flag", "Condition", "AuditEvent",
    }  # fmt: skip
    condition = next(r for r in body["rest"][0]["resource"] if r["type"] == "Condition")
    assert condition["searchParam"] == [{"name": "patient", "type": "reference"}]


def test_everything_for_the_therapist_holds_every_clinical_resource_and_resolves(
    signed_in: SignIn, record: FullRecord
) -> None:
    status, bundle = _get(
        signed_in(Role.THERAPIST), f"/fhir/R4/Patient/{record.client.pk}/$everything"
    )
    assert status == 200
    resources = validate_bundle(bundle)
    counts = _types(bundle)
    assert counts == {
        "Patient": 1, "Appointment": 4, "Encounter": 4, "CarePlan": 1, "Consent": 1,
        "Condition": 1, "QuestionnaireResponse": 2, "Observation": 2 + 3,
        "MedicationAdministration": 1, "AdverseEvent": 1, "Flag": 1, "Practitioner": 3,
        "Location": 1, "Organization": 1, "Questionnaire": 2,
    }  # fmt: skip
    by_id = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    phq9 = by_id[f"Observation/measure-{record.phq9.pk}"]
    assert phq9["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "44261-6",
        "display": "Patient Health Questionnaire 9 item (PHQ-9) total score",
    }  # fmt: skip
    assert phq9["valueQuantity"]["value"] == 10.0
    pressure = by_id[f"Observation/bp-{record.reading.pk}"]
    assert pressure["code"]["coding"][0]["code"] == "85354-9"
    components = pressure["component"]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in components] == [
        ("8480-6", 128), ("8462-4", 82)
    ]  # fmt: skip
    assert by_id[f"Observation/hr-{record.reading.pk}"]["code"]["coding"][0]["code"] == "8867-4"
    assert by_id[f"Observation/spo2-{record.reading.pk}"]["code"]["coding"][0]["code"] == "59408-5"
    dose = by_id[f"MedicationAdministration/{record.dose.pk}"]
    assert dose["medicationCodeableConcept"]["coding"][0]["code"] == "6130"
    assert dose["dosage"]["dose"]["value"] == 100.0
    assert dose["dosage"]["route"]["coding"][0]["code"] == "SL"
    assert dose["effectiveDateTime"] == "2026-03-02T15:10:00Z"
    # The session's free text never leaves: the adverse event's action note is not mapped.
    assert "Rested; resolved." not in str(bundle)


def test_a_diagnosis_is_a_us_core_condition_coded_in_icd_10_cm(
    signed_in: SignIn, record: FullRecord
) -> None:
    http = signed_in(Role.THERAPIST)
    body = http.get(f"/fhir/R4/Condition/{record.diagnosis.pk}").json()
    validate(body)
    assert body["code"]["coding"] == [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F43.12",
         "display": "Post-traumatic stress disorder, chronic"}
    ]  # fmt: skip
    assert body["clinicalStatus"]["coding"][0]["code"] == "active"
    assert body["category"][0]["coding"][0]["code"] == "problem-list-item"
    assert (body["subject"], body["onsetDateTime"]) == (
        {"reference": f"Patient/{record.client.pk}"}, "2026-01-31"
    )  # fmt: skip
    assert "abatementDateTime" not in body
    record.diagnosis.resolved_on = dt.date(2026, 6, 1)
    record.diagnosis.save()
    status, bundle = _get(http, f"/fhir/R4/Condition?patient={record.client.pk}")
    assert status == 200
    (resolved,) = validate_bundle(bundle, resolve=False)
    assert resolved["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert resolved["abatementDateTime"] == "2026-06-01"
    # Diagnoses are clinical: not the monitor's, not the front desk's.
    for role in (Role.MONITOR, Role.FRONT_DESK):
        status, _ = _get(signed_in(role), f"/fhir/R4/Condition/{record.diagnosis.pk}")
        assert status == 404, role
    read = AuditEvent.objects.filter(detail="fhir:read:Condition", outcome=AuditOutcome.SUCCESS)
    assert list(read.values_list("category", "client_id")) == [("clinical", record.client.pk)]


def test_everything_shows_each_role_only_its_categories(
    signed_in: SignIn, record: FullRecord, staff: dict[Role, StaffMember]
) -> None:
    path = f"/fhir/R4/Patient/{record.client.pk}/$everything"
    expected = {
        Role.MEDICAL_PROVIDER: {"Patient", "Appointment", "Encounter", "CarePlan", "Consent",
            "Condition", "QuestionnaireResponse", "Observation", "MedicationAdministration",
            "AdverseEvent", "Flag"},
        Role.MONITOR: {"Patient", "Appointment", "Encounter", "Observation",
            "MedicationAdministration", "AdverseEvent", "Flag"},
        Role.FRONT_DESK: {"Patient", "Appointment", "Encounter"},
        Role.PRIVACY_OFFICER: {"Patient", "AuditEvent"},
    }  # fmt: skip
    practice_types = {
        "Practitioner",
        "PractitionerRole",
        "Location",
        "Organization",
        "Questionnaire",
    }
    for role, types in expected.items():
        status, bundle = _get(signed_in(role), path)
        assert status == 200, role
        validate_bundle(bundle)
        assert set(_types(bundle)) - practice_types == types, role
    # The monitor sees vital signs but no instrument totals (clinical).
    _, bundle = _get(signed_in(Role.MONITOR), path)
    ids = {
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert ids == {
        f"bp-{record.reading.pk}",
        f"hr-{record.reading.pk}",
        f"spo2-{record.reading.pk}",
    }


def test_everything_audits_one_read_per_category(signed_in: SignIn, record: FullRecord) -> None:
    http = signed_in(Role.MONITOR)
    before = AuditEvent.objects.count()
    http.get(f"/fhir/R4/Patient/{record.client.pk}/$everything")
    events = AuditEvent.objects.order_by("seq")[before:]
    assert sorted((e.category, e.detail, e.client_id) for e in events) == sorted(
        (c, "fhir:everything", record.client.pk)
        for c in ("demographics", "schedule", "medicine_session", "safety")
    )


def test_off_team_and_missing_patients_answer_the_same_audited_operation_outcome(
    signed_in: SignIn, other_client: Client, record: FullRecord
) -> None:
    http = signed_in(Role.THERAPIST)
    for path in (
        f"/fhir/R4/Patient/{other_client.pk}/$everything",
        f"/fhir/R4/Patient/{other_client.pk}",
        f"/fhir/R4/Observation?patient={other_client.pk}",
        "/fhir/R4/Patient/999999/$everything",
    ):
        status, body = _get(http, path)
        assert (status, body) == (
            404,
            {"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "not-found", "diagnostics": "No such resource."}]},
        ), path  # fmt: skip
        validate(body)
    denied = AuditEvent.objects.filter(outcome=AuditOutcome.DENIED)
    assert denied.filter(client_id=other_client.pk).count() == 3


def test_read_each_client_resource_by_id(signed_in: SignIn, record: FullRecord) -> None:
    http = signed_in(Role.THERAPIST)
    _, bundle = _get(http, f"/fhir/R4/Patient/{record.client.pk}/$everything")
    for entry in bundle["entry"]:
        resource = entry["resource"]
        status, body = _get(http, f"/fhir/R4/{resource['resourceType']}/{resource['id']}")
        assert (status, body) == (200, resource)


def test_read_refuses_a_category_the_role_does_not_hold(
    signed_in: SignIn, record: FullRecord
) -> None:
    status, _ = _get(signed_in(Role.FRONT_DESK), f"/fhir/R4/Flag/{record.flag.pk}")
    assert status == 404
    status, _ = _get(signed_in(Role.MONITOR), f"/fhir/R4/Observation/measure-{record.phq9.pk}")
    assert status == 404
    status, _ = _get(signed_in(Role.MONITOR), f"/fhir/R4/Observation/bp-{record.reading.pk}")
    assert status == 200


def test_search_by_patient_returns_the_type_in_a_valid_bundle(
    signed_in: SignIn, record: FullRecord
) -> None:
    http = signed_in(Role.THERAPIST)
    status, bundle = _get(http, f"/fhir/R4/Observation?patient=Patient/{record.client.pk}")
    assert status == 200
    validate(bundle)
    assert bundle["total"] == 5
    status, bundle = _get(http, f"/fhir/R4/Appointment?subject={record.client.pk}")
    assert [e["resource"]["status"] for e in bundle["entry"]] == [
        "fulfilled",
        "fulfilled",
        "booked",
        "fulfilled",
    ]


def test_search_errors_are_operation_outcomes(signed_in: SignIn, record: FullRecord) -> None:
    http = signed_in(Role.THERAPIST)
    for path, status, code in (
        ("/fhir/R4/Observation", 400, "required"),
        ("/fhir/R4/Observation?patient=abc", 400, "invalid"),
        ("/fhir/R4/Observation?patient=1&_count=0", 400, "invalid"),
        ("/fhir/R4/Medication", 404, "not-supported"),
        ("/fhir/R4/Medication/1", 404, "not-supported"),
        ("/fhir/R4/Patient/abc/$everything", 400, "invalid"),
    ):
        got, body = _get(http, path)
        assert (got, body["issue"][0]["code"]) == (status, code), path
        validate(body)


def test_without_credentials_the_answer_is_401_operation_outcome(client: HttpClient) -> None:
    status, body = _get(client, "/fhir/R4/Patient")
    assert status == 401
    assert body["issue"][0]["code"] == "login"


def test_patient_search_lists_the_visible_clients_and_audits_each(
    signed_in: SignIn, record: FullRecord, other_client: Client
) -> None:
    status, bundle = _get(signed_in(Role.THERAPIST), "/fhir/R4/Patient")
    assert status == 200
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(record.client.pk)]
    status, bundle = _get(signed_in(Role.FRONT_DESK), "/fhir/R4/Patient?_count=1")
    assert (bundle["total"], len(bundle["entry"])) == (2, 1)
    read = AuditEvent.objects.filter(detail="fhir:search:Patient")
    assert list(read.values_list("client_id", flat=True)) == [record.client.pk] * 2


def test_practice_resources_are_readable_by_every_staff_member(
    signed_in: SignIn, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    therapist.npi = "1234567893"
    therapist.save()
    status, body = _get(signed_in(Role.FRONT_DESK), f"/fhir/R4/Practitioner/{therapist.pk}")
    assert status == 200
    validate(body)
    assert body["identifier"] == [
        {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
    ]
    status, body = _get(signed_in(Role.MONITOR), "/fhir/R4/PractitionerRole")
    validate_bundle(body, resolve=False)  # a search without _include
    assert body["total"] == len(staff)
    status, body = _get(signed_in(Role.MONITOR), "/fhir/R4/Questionnaire/phq-9")
    assert (status, body["url"]) == (200, "https://kapcare.org/fhir/Questionnaire/phq-9")
    validate(body)
