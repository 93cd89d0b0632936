"""The exports page: start an export, follow its progress, download its files."""

from collections.abc import Callable
from typing import Any

from django.test import Client as HttpClient

from kapcare.interop.exports import run_export
from kapcare.interop.models import ExportJob, ExportStatus
from kapcare.people.models import Client
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]


def test_starting_an_export_queues_it_and_the_page_follows_it_to_its_files(
    signed_in: SignIn, team_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    http = signed_in(Role.FRONT_DESK)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/exports/", {"level": "patient", "types": ["Patient", "Appointment"]})
    assert (response.status_code, response["Location"]) == (303, "/exports/")
    job = ExportJob.objects.get()
    assert (job.status, job.types) == (ExportStatus.QUEUED, ["Appointment", "Patient"])
    page = http.get("/exports/").content.decode()
    assert f'data-status-url="/fhir/R4/$export-status/{job.pk}" data-running' in page
    assert 'value="0"' in page

    run_export(job.pk)

    page = http.get("/exports/").content.decode()
    assert "data-running" not in page
    assert 'value="100"' in page
    patient_file = job.files.get(resource_type="Patient")
    assert f'href="/fhir/R4/$export-file/{patient_file.pk}"' in page
    assert patient_file.sha256 in page


def test_practice_records_need_the_practice_level(signed_in: SignIn) -> None:
    response = signed_in(Role.THERAPIST).post(
        "/exports/", {"level": "patient", "types": ["Practitioner"]}
    )
    assert response.status_code == 422
    assert "come only with the practice" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_page_lists_only_ones_own_exports(
    signed_in: SignIn, django_capture_on_commit_callbacks: Any, client: HttpClient, staff: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(Role.THERAPIST).post("/exports/", {"level": "system"})
    client.force_login(staff[Role.MONITOR].user)
    assert "You have not exported anything yet." in client.get("/exports/").content.decode()
