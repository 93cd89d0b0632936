"""Bulk $export: kick-off, the worker's job, status and manifest, audited downloads."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.interop.exports import run_export
from kapcare.interop.models import ExportJob, ExportStatus
from kapcare.interop.tests.fhir_checks import validate
from kapcare.interop.tests.records import FullRecord, full_record
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]


@pytest.fixture
def record(team_client: Client, staff: dict[Role, StaffMember]) -> FullRecord:
    return full_record(team_client, staff)


def _kick_off(http: HttpClient, path: str, capture: Any) -> tuple[ExportJob, str]:
    with capture(execute=True):
        response = http.get(path, HTTP_PREFER="respond-async")
    assert response.status_code == 202, response.content
    job = ExportJob.objects.latest("id")
    assert response["Content-Location"] == f"http://testserver/fhir/R4/$export-status/{job.pk}"
    return job, response["Content-Location"].removeprefix("http://testserver")


def test_system_export_runs_in_the_worker_and_its_manifest_hashes_each_file(
    signed_in: SignIn, record: FullRecord, django_capture_on_commit_callbacks: Any
) -> None:
    http = signed_in(Role.THERAPIST)
    job, status_path = _kick_off(http, "/fhir/R4/$export", django_capture_on_commit_callbacks)
    queued = DBTaskResult.objects.get(task_path="kapcare.interop.tasks.run_export_task")
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}
    # Before the worker runs: 202 and the progress.
    waiting = http.get(status_path)
    assert (waiting.status_code, waiting["X-Progress"]) == (202, "0% (waiting to start)")

    run_export(job.pk)

    done = http.get(status_path)
    assert done.status_code == 200
    body = done.json()
    assert body["requiresAccessToken"] is True
    assert body["request"] == "http://testserver/fhir/R4/$export"
    counts = {o["type"]: o["count"] for o in body["output"]}
    assert counts == {
        "Patient": 1,
        "Appointment": 4,
        "Encounter": 4,
        "CarePlan": 1,
        "Consent": 1,
        "Condition": 1,
        "QuestionnaireResponse": 2,
        "Observation": 5,
        "MedicationAdministration": 1,
        "AdverseEvent": 1,
        "Flag": 1,
        "Organization": 1,
        "Location": 1,
        "Practitioner": 5,
        "PractitionerRole": 5,
        "Questionnaire": 9,
    }  # fmt: skip  (no AuditEvent file: a therapist does not see the audit trail)
    for output in body["output"]:
        download = http.get(output["url"].removeprefix("http://testserver"))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/fhir+ndjson"
        data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        assert hashlib.sha256(data).hexdigest() == output["extension"]["sha256"]
        lines = data.decode().splitlines()
        assert len(lines) == output["count"]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == output["type"]
            validate(resource)


def test_each_download_is_audited_as_an_export_of_each_clients_data(
    signed_in: SignIn, record: FullRecord, django_capture_on_commit_callbacks: Any
) -> None:
    http = signed_in(Role.MONITOR)
    job, status_path = _kick_off(
        http,
        "/fhir/R4/Patient/$export?_type=Observation,Patient",
        django_capture_on_commit_callbacks,
    )
    run_export(job.pk)
    output = {o["type"]: o for o in http.get(status_path).json()["output"]}
    # The monitor sees vital signs, not instrument totals.
    assert (output["Observation"]["count"], output["Patient"]["count"]) == (3, 1)
    before = AuditEvent.objects.count()
    http.get(output["Observation"]["url"].removeprefix("http://testserver"))
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(e.action, e.client_id, e.category) for e in events] == [
        (AuditAction.EXPORT, record.client.pk, "medicine_session")
    ]


def test_only_the_requester_sees_a_job_and_its_files(
    signed_in: SignIn, record: FullRecord, django_capture_on_commit_callbacks: Any,
    client: HttpClient, staff: dict[Role, StaffMember],
) -> None:  # fmt: skip
    job, status_path = _kick_off(
        signed_in(Role.THERAPIST),
        "/fhir/R4/$export?_type=Patient",
        django_capture_on_commit_callbacks,
    )
    run_export(job.pk)
    file_id = job.files.get().pk
    client.force_login(staff[Role.MEDICAL_PROVIDER].user)
    for path in (status_path, f"/fhir/R4/$export-file/{file_id}"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"
    assert (
        AuditEvent.objects.filter(actor=staff[Role.MEDICAL_PROVIDER].user, action="denied").count()
        == 2
    )


def test_kick_off_refuses_what_it_cannot_do(signed_in: SignIn) -> None:
    http = signed_in(Role.THERAPIST)
    for path in (
        "/fhir/R4/$export?_type=Medication",
        "/fhir/R4/Patient/$export?_type=Practitioner",
        "/fhir/R4/$export?_since=2026-01-01T00:00:00Z",
        "/fhir/R4/$export?_outputFormat=text/csv",
    ):
        response = http.get(path)
        assert response.status_code == 400, path
        assert response.json()["issue"][0]["code"] == "not-supported"
    assert not ExportJob.objects.exists()


def test_a_failed_job_answers_an_operation_outcome(
    signed_in: SignIn, record: FullRecord, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    http = signed_in(Role.THERAPIST)
    job, status_path = _kick_off(
        http, "/fhir/R4/$export?_type=Patient", django_capture_on_commit_callbacks
    )

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kapcare.interop.exports._write_type", broken)
    with pytest.raises(OSError, match="disk full"):
        run_export(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    response = http.get(status_path)
    assert response.status_code == 500
    assert response.json()["issue"][0]["code"] == "exception"
