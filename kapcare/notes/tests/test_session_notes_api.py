"""Session notes through the API: template per kind, draft, sign (locks), addenda,
co-signature, CPT proposal and its change with a reason, documentation complete."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.audit.models import AuditEvent
from kapcare.notes.models import NoteAddendum, NoteSupervision, Part, SessionNote
from kapcare.notes.queries import documented_appointment_ids
from kapcare.notes.tests.api_helpers import send
from kapcare.notes.tests.fixtures import START, held_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role
from tests.factories import make_care_team_member, make_staff

SignIn = Callable[[Role], HttpClient]


def _start(http: HttpClient, appointment_id: int) -> dict[str, Any]:
    response = send(http, "POST", f"/api/v1/appointments/{appointment_id}/session-note")
    assert response.status_code == 201, response.content
    return response.json()  # type: ignore[no-any-return]


def test_a_preparation_note_from_draft_to_signed_and_amended(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    appointment = held_appointment(team_client, staff[Role.THERAPIST], minutes=50)
    protector = Part.objects.create(
        client=team_client, name="The Guard", role="manager",
        created_by=staff[Role.THERAPIST], created_at=START, updated_at=START,
    )  # fmt: skip

    # Given a draft started from the appointment
    note = _start(therapist, appointment.pk)
    assert note["kind"] == "preparation"
    assert note["state"] == "draft"
    assert note["held_minutes"] == 50
    assert note["proposed_cpt"]["codes"] == ["90834"]
    assert note["cpt_codes"] == ["90834"]
    # starting again reopens the same draft
    assert _start(therapist, appointment.pk)["id"] == note["id"]

    # When the therapist writes the template's fields, the risk section and a part
    url = f"/api/v1/session-notes/{note['id']}"
    saved = send(therapist, "PATCH", url, {
        "fields": {"intentions": "To stay with the fear", "music": "Ambient"},
        "narrative": "Prepared the first medicine session.",
        "risk_level": "low",
        "self_energy": ["calm", "curiosity"],
        "parts": [{"part": protector.pk, "what_shifted": "Agreed to step back a little"}],
        "held_minutes": 55,
        "interactive_complexity": True,
    })  # fmt: skip
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["fields"] == {"intentions": "To stay with the fear", "music": "Ambient"}
    assert body["parts"] == [
        {"part": protector.pk, "name": "The Guard", "what_shifted": "Agreed to step back a little"}
    ]
    assert body["cpt_codes"] == ["90837", "90785"]
    assert appointment.pk not in documented_appointment_ids([appointment.pk])

    # and signs it
    signed = send(therapist, "POST", f"{url}/sign")
    assert signed.status_code == 200, signed.content
    assert signed.json()["state"] == "signed"
    assert signed.json()["documents_session"] is True
    assert documented_appointment_ids([appointment.pk]) == {appointment.pk}

    # Then the note is locked: a change is refused and nothing changes
    again = send(therapist, "PATCH", url, {"narrative": "changed"})
    assert again.status_code == 422
    assert [v["rule"] for v in again.json()["violations"]] == ["note.locked"]
    assert SessionNote.objects.get().narrative == "Prepared the first medicine session."

    # and an addendum is kept beside the original
    addendum = send(therapist, "POST", f"{url}/addenda", {"text": "Client called: calmer."})
    assert addendum.status_code == 201
    assert send(therapist, "GET", url).json()["addenda"][0]["text"] == "Client called: calmer."
    assert SessionNote.objects.get().narrative == "Prepared the first medicine session."
    assert AuditEvent.objects.filter(detail=f"session_note:{note['id']}:sign").count() == 1


@pytest.mark.parametrize(
    ("kind", "minutes", "codes"),
    [
        ("consultation", 75, ["90791"]),
        ("medicine", 180, []),
        ("integration", 30, ["90832"]),
        ("therapy", 60, ["90837"]),
    ],
)
def test_each_kind_has_its_template_and_proposal(
    signed_in: SignIn,
    team_client: Client,
    staff: dict[Role, StaffMember],
    kind: str,
    minutes: int,
    codes: list[str],
) -> None:
    appointment = held_appointment(team_client, staff[Role.THERAPIST], kind=kind, minutes=minutes)
    note = _start(signed_in(Role.THERAPIST), appointment.pk)
    assert note["proposed_cpt"]["codes"] == codes
    assert note["kind"] == {"consultation": "intake"}.get(kind, kind)


def test_a_field_of_another_template_is_refused_naming_it(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    note = _start(therapist, held_appointment(team_client, staff[Role.THERAPIST]).pk)
    response = send(
        therapist, "PATCH", f"/api/v1/session-notes/{note['id']}", {"fields": {"history": "x"}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "fields.history"
    assert SessionNote.objects.get().fields == {}


def test_signing_needs_the_risk_section_and_a_reason_for_changed_codes(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    note = _start(therapist, held_appointment(team_client, staff[Role.THERAPIST]).pk)
    url = f"/api/v1/session-notes/{note['id']}"

    no_risk = send(therapist, "POST", f"{url}/sign")
    assert no_risk.status_code == 422
    assert [v["subject"] for v in no_risk.json()["violations"]] == ["risk_level"]

    send(therapist, "PATCH", url, {"risk_level": "none", "cpt_codes": ["90837"]})
    no_reason = send(therapist, "POST", f"{url}/sign")
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "cpt_reason"
    assert SessionNote.objects.get().signed_at is None

    send(therapist, "PATCH", url, {"cpt_reason": "The session ran to 55 minutes."})
    signed = send(therapist, "POST", f"{url}/sign").json()
    assert signed["cpt_codes"] == ["90837"]
    assert signed["proposed_cpt"]["codes"] == ["90834"]


def test_only_the_author_writes_and_signs(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    note = _start(
        signed_in(Role.THERAPIST), held_appointment(team_client, staff[Role.THERAPIST]).pk
    )
    doctor = signed_in(Role.MEDICAL_PROVIDER)
    url = f"/api/v1/session-notes/{note['id']}"
    # the medical provider on the team reads it
    assert send(doctor, "GET", url).status_code == 200
    refused = send(doctor, "PATCH", url, {"narrative": "not mine"})
    assert refused.status_code == 422
    assert [v["rule"] for v in refused.json()["violations"]] == ["note.not_author"]
    assert SessionNote.objects.get().narrative == ""


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_others_do_not_see_notes(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember], role: Role
) -> None:
    note = _start(
        signed_in(Role.THERAPIST), held_appointment(team_client, staff[Role.THERAPIST]).pk
    )
    http = signed_in(role)
    assert send(http, "GET", f"/api/v1/session-notes/{note['id']}").status_code == 404
    assert send(http, "GET", f"/api/v1/clients/{team_client.pk}/session-notes").status_code == 404


def test_a_supervised_clinicians_note_awaits_cosignature(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    supervisor = make_staff(
        practice=team_client.practice, roles=[Role.THERAPIST], user__email="sup@example.org"
    )
    make_care_team_member(client=team_client, staff=supervisor, role=Role.THERAPIST)
    front = signed_in(Role.FRONT_DESK)
    therapist_id = staff[Role.THERAPIST].pk
    set_ = send(front, "PUT", f"/api/v1/staff/{therapist_id}/note-supervision",
                {"supervisor": supervisor.pk})  # fmt: skip
    assert set_.json() == {"staff": therapist_id, "supervisor": supervisor.pk}

    therapist = signed_in(Role.THERAPIST)
    appointment = held_appointment(team_client, staff[Role.THERAPIST])
    note = _start(therapist, appointment.pk)
    url = f"/api/v1/session-notes/{note['id']}"
    send(therapist, "PATCH", url, {"risk_level": "none"})
    signed = send(therapist, "POST", f"{url}/sign").json()
    assert signed["state"] == "awaiting_cosignature"
    assert documented_appointment_ids([appointment.pk]) == set()
    # the author cannot co-sign their own note
    assert send(therapist, "POST", f"{url}/cosign").status_code == 422

    therapist.force_login(supervisor.user)
    cosigned = send(therapist, "POST", f"{url}/cosign")
    assert cosigned.status_code == 200
    assert cosigned.json()["state"] == "signed"
    assert documented_appointment_ids([appointment.pk]) == {appointment.pk}


def test_supervision_is_set_by_the_practice_admin_only(
    signed_in: SignIn, staff: dict[Role, StaffMember]
) -> None:
    url = f"/api/v1/staff/{staff[Role.THERAPIST].pk}/note-supervision"
    body = {"supervisor": staff[Role.MEDICAL_PROVIDER].pk}
    assert send(signed_in(Role.THERAPIST), "PUT", url, body).status_code == 404
    assert not NoteSupervision.objects.exists()
    self_ = send(signed_in(Role.FRONT_DESK), "PUT", url, {"supervisor": staff[Role.THERAPIST].pk})
    assert self_.status_code == 422
    assert self_.json()["errors"][0]["field"] == "supervisor"


def test_an_addendum_to_a_draft_is_refused(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    note = _start(therapist, held_appointment(team_client, staff[Role.THERAPIST]).pk)
    response = send(
        therapist, "POST", f"/api/v1/session-notes/{note['id']}/addenda", {"text": "later"}
    )
    assert response.status_code == 422
    assert not NoteAddendum.objects.exists()


def test_a_booked_session_is_not_documented_by_a_signed_note(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    appointment = held_appointment(team_client, staff[Role.THERAPIST], status="booked")
    note = _start(therapist, appointment.pk)
    send(therapist, "PATCH", f"/api/v1/session-notes/{note['id']}", {"risk_level": "none"})
    assert send(therapist, "POST", f"/api/v1/session-notes/{note['id']}/sign").status_code == 200
    assert documented_appointment_ids([appointment.pk]) == set()
