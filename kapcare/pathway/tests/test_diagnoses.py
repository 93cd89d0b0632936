"""Diagnoses on the plan: ICD-10-CM from the practice's list, through the API."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core import clock
from kapcare.pathway.diagnoses import DEFAULT_CODES, check_code
from kapcare.pathway.models import Diagnosis, PracticeDiagnosisCode
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]


@pytest.mark.parametrize(
    ("code", "ok"),
    [("F43.10", True), ("f43.12 ", True), ("F43.8", False), ("6B41", False), ("", False),
     ("F43.10X", False), ("Z99.9", False)],
)  # fmt: skip
def test_check_code(code: str, ok: bool) -> None:
    assert (check_code(code, DEFAULT_CODES) is None) is ok


def _post(http: HttpClient, client: Client, body: dict[str, object]) -> object:
    return http.post(f"/api/v1/clients/{client.pk}/diagnoses", json.dumps(body),
                     content_type="application/json")  # fmt: skip


def test_a_therapist_records_a_diagnosis_from_the_list(
    signed_in: SignIn, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    created = _post(http, team_client, {"code": "f43.12", "noted_on": "2026-03-01"})
    assert created.status_code == 201  # type: ignore[attr-defined]
    listed = http.get(f"/api/v1/clients/{team_client.pk}/diagnoses").json()
    assert listed["count"] == 1
    assert listed["items"] == [
        {
            "id": Diagnosis.objects.get().pk, "client": team_client.pk, "code": "F43.12",
            "system": "http://hl7.org/fhir/sid/icd-10-cm",
            "description": "Post-traumatic stress disorder, chronic",
            "noted_on": "2026-03-01", "resolved_on": None, "active": True,
        }
    ]  # fmt: skip


def test_a_code_off_the_list_is_refused_until_the_practice_adds_it(
    signed_in: SignIn, team_client: Client
) -> None:
    http = signed_in(Role.THERAPIST)
    refused = _post(http, team_client, {"code": "F40.10", "noted_on": "2026-03-01"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert refused.json()["errors"][0]["field"] == "code"  # type: ignore[attr-defined]
    assert not Diagnosis.objects.exists()
    PracticeDiagnosisCode.objects.create(
        practice=team_client.practice, code="F40.10", description="Social phobia, unspecified"
    )
    added = _post(http, team_client, {"code": "F40.10", "noted_on": "2026-03-01"})
    assert added.status_code == 201  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_others_neither_see_nor_record_diagnoses(
    signed_in: SignIn, team_client: Client, role: Role
) -> None:
    http = signed_in(role)
    assert http.get(f"/api/v1/clients/{team_client.pk}/diagnoses").status_code == 404
    body: dict[str, object] = {"code": "F43.10", "noted_on": "2026-03-01"}
    assert _post(http, team_client, body).status_code == 404  # type: ignore[attr-defined]
    assert not Diagnosis.objects.exists()


# --- resolving, and the diagnoses page ----------------------------------------------------


@pytest.fixture
def noted(team_client: Client, staff: dict[Role, StaffMember]) -> Diagnosis:
    return Diagnosis.objects.create(
        client=team_client, code="F43.12", description=DEFAULT_CODES["F43.12"],
        noted_on=dt.date(2026, 3, 1), recorded_by=staff[Role.THERAPIST], recorded_at=clock.now(),
    )  # fmt: skip


def _resolve(http: HttpClient, diagnosis: Diagnosis, resolved_on: str) -> Any:
    body = json.dumps({"resolved_on": resolved_on})
    url = f"/api/v1/diagnoses/{diagnosis.pk}/resolve"
    return http.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    ("resolved_on", "message"),
    [("2026-02-28", "A diagnosis is resolved on or after the day it was noted."),
     ("2099-01-01", "A diagnosis cannot be resolved in the future.")],
)  # fmt: skip
def test_a_resolution_out_of_order_is_refused_naming_the_field(
    signed_in: SignIn, noted: Diagnosis, resolved_on: str, message: str
) -> None:
    refused = _resolve(signed_in(Role.THERAPIST), noted, resolved_on)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "resolved_on", "message": message}]
    noted.refresh_from_db()
    assert noted.resolved_on is None


def test_a_clinician_resolves_a_diagnosis_once_and_it_is_kept(
    signed_in: SignIn, noted: Diagnosis
) -> None:
    http = signed_in(Role.MEDICAL_PROVIDER)
    # When the medical provider resolves it
    resolved = _resolve(http, noted, "2026-06-01")
    # Then it is answered resolved, still listed, and audited
    assert resolved.status_code == 200
    assert resolved.json()["resolved_on"] == "2026-06-01"
    assert resolved.json()["active"] is False
    listed = http.get(f"/api/v1/clients/{noted.client_id}/diagnoses").json()
    assert [(d["code"], d["active"]) for d in listed["items"]] == [("F43.12", False)]
    assert AuditEvent.objects.filter(detail=f"diagnosis:{noted.pk}:resolved").count() == 1
    # and resolving it again is refused
    again = _resolve(http, noted, "2026-06-02")
    assert again.status_code == 422
    assert again.json()["errors"][0]["message"] == "This diagnosis is already resolved."


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_others_cannot_resolve_a_diagnosis(signed_in: SignIn, noted: Diagnosis, role: Role) -> None:
    assert _resolve(signed_in(role), noted, "2026-06-01").status_code == 404
    noted.refresh_from_db()
    assert noted.resolved_on is None


def test_the_diagnoses_page_adds_refuses_and_resolves(
    signed_in: SignIn, team_client: Client, noted: Diagnosis
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/diagnoses/"
    # Given the page lists the active diagnosis and the practice's codes
    page = http.get(url)
    assert page.status_code == 200
    assert b"Post-traumatic stress disorder, chronic" in page.content
    assert b'<option value="F44.81">' in page.content
    # When a code off the list is typed, it is refused next to its field
    refused = http.post(url, {"code": "F40.10", "noted_on": "2026-03-02"})
    assert refused.status_code == 422
    assert b"Choose a code from the practice&#x27;s diagnosis list." in refused.content
    assert Diagnosis.objects.count() == 1
    # and a code from it is recorded
    added = http.post(url, {"code": "f41.1", "noted_on": "2026-03-02"})
    assert added.status_code == 302
    assert list(Diagnosis.objects.values_list("code", flat=True).order_by("id")) == [
        "F43.12", "F41.1"
    ]  # fmt: skip
    # When a resolution is dated before the diagnosis, it is refused beside that date
    resolve = f"/diagnoses/{noted.pk}/resolve/"
    early = http.post(resolve, {f"resolve-{noted.pk}-resolved_on": "2026-01-01"})
    assert early.status_code == 422
    assert b"A diagnosis is resolved on or after the day it was noted." in early.content
    assert b"Error: Diagnoses" in early.content
    # and resolved on a good date
    done = http.post(resolve, {f"resolve-{noted.pk}-resolved_on": "2026-05-01"})
    assert done.status_code == 302
    noted.refresh_from_db()
    assert noted.resolved_on == dt.date(2026, 5, 1)
    after = http.get(url)
    assert b"resolved Fri 1 May 2026" in after.content


def test_the_diagnoses_page_takes_a_fixed_number_of_queries(
    signed_in: SignIn,
    team_client: Client,
    staff: dict[Role, StaffMember],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    http = signed_in(Role.THERAPIST)
    url = f"/clients/{team_client.pk}/diagnoses/"
    http.get(url)
    for code in ("F43.10", "F41.1", "F60.3", "F44.81"):
        Diagnosis.objects.create(
            client=team_client, code=code, description=DEFAULT_CODES[code],
            noted_on=dt.date(2026, 1, 1), recorded_by=staff[Role.THERAPIST],
            recorded_at=clock.now(),
        )  # fmt: skip
    with django_assert_max_num_queries(14):
        assert http.get(url).status_code == 200
