"""Parts and EMDR through the API, in the shapes the issue writes."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.notes.models import EmdrSession, EmdrTarget, Part
from kapcare.notes.tests.api_helpers import send
from kapcare.notes.tests.fixtures import START, held_appointment
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]

TARGET = {
    "image": "The door closing at the end of the hall",
    "negative_cognition": "I am alone",
    "positive_cognition": "I can reach out",
    "voc": 2,
    "emotion": "Dread",
    "sud": 8,
    "body_location": "Chest",
    "prong": "past",
}


def _session(**changes: object) -> dict[str, object]:
    return {
        "held_at": START.isoformat(),
        "phase_reached": "installation",
        "sud_start": 7,
        "sud_end": 2,
        "voc_start": 3,
        "voc_end": 6,
        "bls_type": "eye_movements",
        "bls_sets": 18,
        "closure": "complete",
        **changes,
    }


def test_parts_map_links_and_timeline(
    signed_in: SignIn, team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = signed_in(Role.THERAPIST)
    url = f"/api/v1/clients/{team_client.pk}/parts"

    # Given an exile and the protector that guards it
    exile_body = {"name": "Little one", "role": "exile", "age_it_feels": "6",
                  "body_location": "Belly"}  # fmt: skip
    exile = send(therapist, "POST", url, exile_body)
    assert exile.status_code == 201, exile.content
    guard = send(therapist, "POST", url, {
        "name": "The Guard", "role": "manager", "protects": [exile.json()["id"]],
        "fears": "If she feels it she will fall apart",
    })  # fmt: skip
    assert guard.json()["protects"] == [exile.json()["id"]]

    # When the protector appears in a preparation and a medicine-session note
    for kind, shift in (("preparation", "Expected to block"), ("medicine", "Stepped aside")):
        appointment = held_appointment(team_client, staff[Role.THERAPIST], kind=kind)
        note = send(therapist, "POST", f"/api/v1/appointments/{appointment.pk}/session-note")
        send(therapist, "PATCH", f"/api/v1/session-notes/{note.json()['id']}",
             {"parts": [{"part": guard.json()["id"], "what_shifted": shift}]})  # fmt: skip

    # and permission to approach the exile is granted
    patched = send(therapist, "PATCH", f"/api/v1/parts/{exile.json()['id']}",
                   {"permission": "granted", "unburdening_steps": ["witnessing"]})  # fmt: skip
    assert patched.status_code == 200
    assert patched.json()["permission"] == "granted"
    assert patched.json()["name"] == "Little one"  # untouched fields stay

    # Then the map lists both, the protector with its timeline in session order
    listed = send(therapist, "GET", url).json()
    assert listed["count"] == 2
    by_name = {p["name"]: p for p in listed["items"]}
    assert by_name["Little one"]["protected_by"] == [guard.json()["id"]]
    assert [(a["kind"], a["what_shifted"]) for a in by_name["The Guard"]["appearances"]] == [
        ("preparation", "Expected to block"),
        ("medicine", "Stepped aside"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "exile"}, "name"),
        ({"name": "X", "role": "self"}, "role"),
        ({"name": "X", "role": "exile", "permission": "maybe"}, "permission"),
    ],
)
def test_a_bad_part_is_refused_naming_the_field(
    signed_in: SignIn, team_client: Client, body: dict[str, object], field: str
) -> None:
    response = send(signed_in(Role.THERAPIST), "POST",
                    f"/api/v1/clients/{team_client.pk}/parts", body)  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Part.objects.exists()


def test_a_part_of_another_client_cannot_be_linked(
    signed_in: SignIn, team_client: Client, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    elsewhere = Part.objects.create(
        client=other_client, name="Other", role="exile",
        created_by=staff[Role.THERAPIST], created_at=START, updated_at=START,
    )  # fmt: skip
    response = send(signed_in(Role.THERAPIST), "POST", f"/api/v1/clients/{team_client.pk}/parts",
                    {"name": "Guard", "role": "manager", "protects": [elsewhere.pk]})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "protects"


def test_an_emdr_target_and_a_session_from_sud_7_to_2(
    signed_in: SignIn, team_client: Client
) -> None:
    therapist = signed_in(Role.THERAPIST)
    created = send(therapist, "POST", f"/api/v1/clients/{team_client.pk}/emdr-targets", TARGET)
    assert created.status_code == 201, created.content
    target_id = created.json()["id"]

    session = send(therapist, "POST", f"/api/v1/emdr-targets/{target_id}/sessions", _session())
    assert session.status_code == 201, session.content
    assert (session.json()["sud_start"], session.json()["sud_end"]) == (7, 2)

    listed = send(therapist, "GET", f"/api/v1/clients/{team_client.pk}/emdr-targets").json()
    assert listed["items"][0]["prong"] == "past"
    assert [(s["sud_start"], s["sud_end"]) for s in listed["items"][0]["sessions"]] == [(7, 2)]


@pytest.mark.parametrize(
    ("changes", "field"), [({"sud": 11}, "sud"), ({"voc": 0}, "voc"), ({"voc": 8}, "voc"),
                           ({"sud": -1}, "sud"), ({"prong": "later"}, "prong")],
)  # fmt: skip
def test_an_out_of_range_target_is_refused_naming_the_field(
    signed_in: SignIn, team_client: Client, changes: dict[str, object], field: str
) -> None:
    url = f"/api/v1/clients/{team_client.pk}/emdr-targets"
    response = send(signed_in(Role.THERAPIST), "POST", url, {**TARGET, **changes})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not EmdrTarget.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sud_end": 11}, "sud_end"),
        ({"voc_start": 0}, "voc_start"),
        ({"reevaluation_sud": 3}, "reevaluation_sud"),
        ({"held_at": "2999-01-01T10:00:00Z"}, "held_at"),
        ({"held_at": "2026-03-02T10:00:00"}, "held_at"),
    ],
)
def test_an_out_of_range_session_is_refused_naming_the_field(
    signed_in: SignIn, team_client: Client, changes: dict[str, object], field: str
) -> None:
    therapist = signed_in(Role.THERAPIST)
    target = send(therapist, "POST", f"/api/v1/clients/{team_client.pk}/emdr-targets", TARGET)
    response = send(therapist, "POST", f"/api/v1/emdr-targets/{target.json()['id']}/sessions",
                    _session(**changes))  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not EmdrSession.objects.exists()


@pytest.mark.parametrize("role", [Role.MONITOR, Role.FRONT_DESK, Role.PRIVACY_OFFICER])
def test_parts_and_targets_are_clinical(signed_in: SignIn, team_client: Client, role: Role) -> None:
    http = signed_in(role)
    for what in ("parts", "emdr-targets"):
        url = f"/api/v1/clients/{team_client.pk}/{what}"
        assert send(http, "GET", url).status_code == 404
        body = TARGET if what == "emdr-targets" else {"name": "X", "role": "exile"}
        assert send(http, "POST", url, body).status_code == 404
    assert not Part.objects.exists()
    assert not EmdrTarget.objects.exists()
