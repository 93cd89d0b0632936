"""Importing clients: the dry run lists every problem by line and field; the import adds
all or none; duplicates are found; a FHIR export imports back into an empty practice."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.interop.imports.rows import CSV_TEMPLATE, Problem
from kapcare.interop.imports.service import import_clients
from kapcare.people.access import Actor, actor_for_user
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.services import create_client
from tests.factories import make_client, make_practice, make_staff

TODAY = dt.date(2026, 3, 1)
HEADER = "legal_given_name,legal_family_name,date_of_birth,home_state,email"
Make = Callable[[Role], Actor]


def _run(actor: Actor, text: str, *, dry_run: bool = True, kind: Any = "csv") -> Any:
    return import_clients(actor=actor, kind=kind, text=text, dry_run=dry_run, today=TODAY)


def test_the_template_itself_imports(actor: Make) -> None:
    result = _run(actor(Role.FRONT_DESK), CSV_TEMPLATE, dry_run=False)
    assert (result.valid, len(result.created)) == (True, 1)
    client = Client.objects.get(pk=result.created[0])
    assert (client.legal_name, client.preferred_name, client.pronouns, client.home_state) == (
        "Rowan Example", "Ro", "they/them", "PA",
    )  # fmt: skip
    assert (client.emergency_contact_name, client.emergency_contact_phone) == (
        "Sam Example",
        "215-555-0101",
    )


def test_the_dry_run_lists_every_problem_by_line_and_field_and_adds_nothing(
    actor: Make, practice: Practice
) -> None:
    make_client(
        practice=practice,
        legal_given_name="Ada",
        legal_family_name="Onfile",
        date_of_birth=dt.date(1980, 5, 5),
    )
    text = "\n".join([
        HEADER,
        "Good,Row,1990-01-01,PA,good@example.com",
        ",Nofirst,1990-13-01,ZZ,not-an-email",
        "Future,Born,2030-01-01,NJ,",
        "ada ,  ONFILE,1980-05-05,PA,",
        "Good,Row,1990-01-01,NJ,",
        "Too,Few",
    ])  # fmt: skip
    result = _run(actor(Role.FRONT_DESK), text)
    found = {(p.line, p.field) for p in result.problems}
    assert found == {
        (3, "legal_given_name"), (3, "date_of_birth"), (3, "home_state"), (3, "email"),
        (4, "date_of_birth"),
        (5, ""),  # on file already
        (6, ""),  # same as line 2
        (7, ""), (7, "date_of_birth"), (7, "home_state"),
    }  # fmt: skip
    messages = {(p.line, p.field): p.message for p in result.problems}
    assert messages[(4, "date_of_birth")] == "Date of birth cannot be in the future."
    assert messages[(6, "")] == "Same legal name and date of birth as line 2."
    assert (
        messages[(5, "")] == "A client with this legal name and date of birth is already on file."
    )
    assert (result.rows, result.created) == (6, [])
    assert Client.objects.count() == 1


def test_an_import_with_any_problem_adds_nobody(actor: Make) -> None:
    text = f"{HEADER}\nGood,Row,1990-01-01,PA,\nBad,Row,1990-01-01,XX,\n"
    result = _run(actor(Role.FRONT_DESK), text, dry_run=False)
    assert result.problems == [Problem(3, "home_state", "Value 'XX' is not a valid choice.")]
    assert not Client.objects.exists()


def test_a_failure_while_adding_undoes_the_rows_already_added(actor: Make) -> None:
    text = f"{HEADER}\nFirst,Row,1990-01-01,PA,\nSecond,Row,1991-01-01,PA,\n"
    calls: list[str] = []

    def failing_second(**kwargs: Any) -> Client:
        calls.append(kwargs["fields"]["legal_given_name"])
        if len(calls) == 2:
            raise FieldError("email", "Changed meanwhile.")
        return create_client(**kwargs)

    result = import_clients(
        actor=actor(Role.FRONT_DESK), kind="csv", text=text, dry_run=False, today=TODAY,
        create=failing_second,
    )  # fmt: skip
    assert calls == ["First", "Second"]
    assert (result.created, result.problems) == ([], [Problem(3, "email", "Changed meanwhile.")])
    assert not Client.objects.exists()


def test_the_file_is_checked_before_its_rows(actor: Make) -> None:
    for text, problem in (
        ("", Problem(1, "", "The file is empty: start it with the template's header line.")),
        (
            "legal_family_name,given\n",
            Problem(1, "", "The heading of column 2 is not one of the template's."),
        ),
    ):
        assert _run(actor(Role.FRONT_DESK), text).problems[0] == problem


def test_who_may_import(actor: Make) -> None:
    for role in (Role.MONITOR, Role.PRIVACY_OFFICER):
        with pytest.raises(PermissionDenied):
            _run(actor(role), CSV_TEMPLATE, dry_run=False)
    assert not Client.objects.exists()
    created = _run(actor(Role.THERAPIST), CSV_TEMPLATE, dry_run=False).created
    # A clinician who imports joins each care team, as when adding one client.
    assert (
        Client.objects.get(pk=created[0]).care_team.get().staff.user.email
        == "therapist@example.org"
    )


def test_the_import_is_audited(actor: Make) -> None:
    result = _run(actor(Role.FRONT_DESK), CSV_TEMPLATE, dry_run=False)
    details = list(AuditEvent.objects.order_by("seq").values_list("detail", "client_id"))
    assert details == [("import:csv:run:1", None), ("client", result.created[0])]


def test_fhir_patients_import_and_report_problems_by_line(actor: Make) -> None:
    good = {
        "resourceType": "Patient",
        "name": [{"use": "official", "family": "Fhirson", "given": ["Fern"]}],
        "birthDate": "1975-02-03", "address": [{"state": "NJ"}],
        "telecom": [{"system": "email", "value": "fern@example.com"}],
    }  # fmt: skip
    bad = {"resourceType": "Patient", "birthDate": "not-a-date"}
    text = "\n".join(
        [json.dumps(good), json.dumps({"resourceType": "Observation"}), json.dumps(bad)]
    )
    result = _run(actor(Role.FRONT_DESK), text, kind="fhir")
    assert sorted({p.line for p in result.problems}) == [2, 3]
    assert result.problems[0] == Problem(2, "", "This is not a FHIR Patient resource.")
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": good}]}
    result = _run(actor(Role.FRONT_DESK), json.dumps(bundle), kind="fhir", dry_run=False)
    client = Client.objects.get(pk=result.created[0])
    assert (client.legal_name, client.date_of_birth, client.home_state, client.email) == (
        "Fern Fhirson", dt.date(1975, 2, 3), "NJ", "fern@example.com",
    )  # fmt: skip


FIELDS = (
    "legal_given_name", "legal_family_name", "preferred_name", "pronouns", "date_of_birth",
    "email", "phone", "home_state", "emergency_contact_name", "emergency_contact_relationship",
    "emergency_contact_phone",
)  # fmt: skip


def test_round_trip_export_a_client_and_import_it_into_an_empty_practice(
    signed_in: Callable[[Role], HttpClient], team_client: Client, other_client: Client
) -> None:
    Client.objects.filter(pk=team_client.pk).update(
        preferred_name="Wren", pronouns="she/her", phone="215-555-0123",
        emergency_contact_name="Ash Example", emergency_contact_relationship="Partner",
        emergency_contact_phone="215-555-0199",
    )  # fmt: skip
    team_client.refresh_from_db()
    exported = (
        signed_in(Role.THERAPIST).get(f"/fhir/R4/Patient/{team_client.pk}/$everything").json()
    )
    patients = [
        e["resource"] for e in exported["entry"] if e["resource"]["resourceType"] == "Patient"
    ]

    empty = make_practice(name="Empty Practice")
    desk = make_staff(practice=empty, roles=[Role.FRONT_DESK], user__email="desk@empty.example")
    result = import_clients(
        actor=actor_for_user(desk.user), kind="fhir",
        text="\n".join(json.dumps(p) for p in patients), dry_run=False, today=TODAY,
    )  # fmt: skip
    assert result.problems == []
    imported = Client.objects.get(pk=result.created[0])
    assert imported.practice_id == empty.pk
    assert {f: getattr(imported, f) for f in FIELDS} == {f: getattr(team_client, f) for f in FIELDS}


def test_the_api_checks_then_imports(
    signed_in: Callable[[Role], HttpClient], staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    body = {"format": "csv", "content": f"{HEADER}\nApi,Row,1990-01-01,PA,\n"}
    checked = http.post("/api/v1/clients/import", body, content_type="application/json")
    assert (checked.status_code, checked.json()["valid"], checked.json()["created"]) == (
        200,
        True,
        [],
    )
    done = http.post(
        "/api/v1/clients/import", {**body, "dry_run": False}, content_type="application/json"
    )
    assert done.status_code == 201
    assert Client.objects.filter(pk__in=done.json()["created"]).count() == 1
    again = http.post(
        "/api/v1/clients/import", {**body, "dry_run": False}, content_type="application/json"
    )
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {
            "field": "content",
            "message": "Line 2: A client with this legal name and date of birth is already "
            "on file.",
        }
    ]
    assert again.json()["problems"] == [
        {
            "line": 2,
            "field": "",
            "message": "A client with this legal name and date of birth is already on file.",
        }
    ]


def test_a_refused_fhir_import_answers_the_apis_error_shape(
    signed_in: Callable[[Role], HttpClient], staff: dict[Role, StaffMember]
) -> None:
    # given a FHIR import whose second line is not a Patient, and a client refused by the
    # rest of the API
    http = signed_in(Role.FRONT_DESK)
    patient = {"resourceType": "Patient", "name": [{"family": "Fhirson", "given": ["Fern"]}],
               "birthDate": "1975-02-03", "address": [{"state": "NJ"}]}  # fmt: skip
    content = "\n".join([json.dumps(patient), json.dumps({"resourceType": "Observation"})])
    body = {"format": "fhir", "content": content, "dry_run": False}
    # when it is sent to be imported
    refused = http.post("/api/v1/clients/import", body, content_type="application/json")
    other = http.post("/api/v1/clients", {"home_state": "XX"}, content_type="application/json")
    # then both answer 422 with detail and errors naming the field, as the whole API does;
    # the import keeps its own answer around them, and adds nobody
    assert (refused.status_code, other.status_code) == (422, 422)
    answer = refused.json()
    assert answer["problems"][0] == {
        "line": 2, "field": "", "message": "This is not a FHIR Patient resource."
    }  # fmt: skip
    where = [
        f"Line {p['line']}" + (f", {p['field']}" if p["field"] else "") for p in answer["problems"]
    ]
    assert answer["errors"] == [
        {"field": "content", "message": f"{at}: {p['message']}"}
        for at, p in zip(where, answer["problems"], strict=True)
    ]
    more = len(answer["errors"]) - 1
    assert answer["detail"] == (
        f"content: Line 2: This is not a FHIR Patient resource. ({more} more problems listed "
        "in errors.)"
    )
    assert {"detail", "errors"} <= other.json().keys()
    assert all(e.keys() == {"field", "message"} for e in other.json()["errors"])
    assert (answer["valid"], answer["created"], answer["rows"]) == (False, [], 2)
    assert not Client.objects.filter(legal_family_name="Fhirson").exists()


def test_the_page_checks_then_imports(signed_in: Callable[[Role], HttpClient]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    http = signed_in(Role.FRONT_DESK)

    def upload(text: str, action: str) -> Any:
        return http.post(
            "/clients/import/",
            {"file": SimpleUploadedFile("c.csv", text.encode()), "action": action},
        )

    checked = upload(f"{HEADER}\nPage,Row,1990-01-01,QQ,\n", "check")
    assert checked.status_code == 422
    assert "Value &#x27;QQ&#x27; is not a valid choice." in checked.content.decode()
    done = upload(f"{HEADER}\nPage,Row,1990-01-01,PA,\n", "import")
    assert done.status_code == 200
    assert "1 client added." in done.content.decode()
    assert Client.objects.filter(legal_family_name="Row").count() == 1
    template = http.get("/clients/import/template.csv")
    assert template.content.decode() == CSV_TEMPLATE


@pytest.mark.parametrize("kind", ["csv", "fhir"])
def test_a_control_character_in_any_value_is_refused_on_its_line_and_column(
    actor: Make, kind: str
) -> None:
    if kind == "csv":
        text = "\n".join([HEADER, "Good,Row,1990-01-01,PA,", "Bell\x07,Row,1990-01-01,PA,"])
        bad_line = 3
    else:
        patient = {
            "resourceType": "Patient",
            "name": [{"given": ["Esc\x1b"], "family": "Row"}],
            "birthDate": "1990-01-01",
            "address": [{"state": "PA"}],
        }
        text = json.dumps(patient) + "\n"
        bad_line = 1
    result = _run(actor(Role.FRONT_DESK), text, dry_run=False, kind=kind)
    assert result.created == []
    assert [(p.line, p.field) for p in result.problems] == [(bad_line, "legal_given_name")]
    assert "control character" in result.problems[0].message
    assert Client.objects.count() == 0
