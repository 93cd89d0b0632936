"""Psychotherapy notes (45 CFR 164.501) are in no FHIR answer and no export, whoever asks,
their author included: no resource carries one, and no FHIR read or export ever opens the
psychotherapy-notes category (so none is audited as read)."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.interop.exports import run_export
from kapcare.interop.models import ExportJob
from kapcare.interop.records import CLIENT_TYPES
from kapcare.interop.tests.records import full_record
from kapcare.notes.crypto import KEY_ENV
from kapcare.notes.models import PsychotherapyNote
from kapcare.notes.psychotherapy import write_psychotherapy_note
from kapcare.people.access import Actor
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Category, Role

SignIn = Callable[[Role], HttpClient]
TEXT = "Process note: the dream of the locked door, and the key under the mat."


@pytest.fixture(autouse=True)
def _notes_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "b" * 64)


def _everything_the_fhir_api_answers(http: HttpClient, client: Client) -> list[str]:
    """$everything, each search by patient, and a system export's files, as text."""
    answers = [http.get(f"/fhir/R4/Patient/{client.pk}/$everything").content.decode()]
    answers += [
        http.get(f"/fhir/R4/{kind}?patient={client.pk}").content.decode()
        for kind in sorted(CLIENT_TYPES)
        if kind != "Patient"
    ]
    return answers


def _export(http: HttpClient, capture: Any) -> list[dict[str, Any]]:
    with capture(execute=True):
        assert http.get("/fhir/R4/$export", HTTP_PREFER="respond-async").status_code == 202
    job = ExportJob.objects.latest("id")
    run_export(job.pk)
    resources = []
    for output in http.get(f"/fhir/R4/$export-status/{job.pk}").json()["output"]:
        download = http.get(output["url"].removeprefix("http://testserver"))
        data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        resources += [json.loads(line) for line in data.decode().splitlines()]
    return resources


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PRIVACY_OFFICER])
def test_no_fhir_answer_or_export_holds_a_psychotherapy_note(
    signed_in: SignIn,
    team_client: Client,
    staff: dict[Role, StaffMember],
    actor: Callable[[Role], Actor],
    django_capture_on_commit_callbacks: Any,
    role: Role,
) -> None:
    # Given a full record, and the therapist's psychotherapy note on it
    full_record(team_client, staff)
    write_psychotherapy_note(
        actor=actor(Role.THERAPIST), client_id=team_client.pk, text=TEXT,
        now=dt.datetime(2026, 3, 5, 15, tzinfo=dt.UTC),
    )  # fmt: skip
    http = signed_in(role)  # the note's author; the privacy officer, who reads the audit
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()

    # When they ask the FHIR API for everything, search every type and export it all
    answers = _everything_the_fhir_api_answers(http, team_client)
    exported = _export(http, django_capture_on_commit_callbacks)

    # Then no answer holds the note's words, nor any resource that could carry a note
    for answer in [*answers, json.dumps(exported)]:
        assert "locked door" not in answer
        assert "DocumentReference" not in answer
        assert '"Composition"' not in answer
    assert {r["resourceType"] for r in exported} <= CLIENT_TYPES | {
        "Organization", "Location", "Practitioner", "PractitionerRole", "Questionnaire",
    }  # fmt: skip
    # and the psychotherapy notes were never opened for it: no read of them is audited
    reads = AuditEvent.objects.filter(seq__gt=before or 0)
    assert not reads.filter(category=Category.PSYCHOTHERAPY_NOTES).exists()
    assert reads.filter(detail__startswith="fhir").exists()
    assert PsychotherapyNote.objects.count() == 1
